"""ecsclone_image, ecsclone_image_copy and the ecsclone_instance data source against the fake cloud."""

from __future__ import annotations

from typing import Any

import pytest

from fake_api.seeds import DEMO_IMAGE_ID, DEMO_SOURCE_INSTANCE_ID, DEMO_SOURCE_PRIVATE_IP, DEMO_VPC_ID

from .cloud import client, objects
from .conftest import TerraformRun

pytestmark = pytest.mark.e2e

TWO_REGIONS = """
provider "ecsclone" {
  alias  = "shanghai"
  region = "cn-shanghai"
}
"""


def image(extra: str = "") -> str:
    return f"""
resource "ecsclone_image" "scratch" {{
  instance_id = "{DEMO_SOURCE_INSTANCE_ID}"
{extra}
}}
"""


def image_ids(fake: Any, region: str = "cn-hangzhou") -> set[str]:
    return {i["image_id"] for i in objects(fake, "images", region)}


def instance_status(fake: Any, instance_id: str) -> str:
    return next(str(i["status"]) for i in objects(fake, "instances") if i["instance_id"] == instance_id)


def test_image_lifecycle_with_a_consistent_stop(terraform: TerraformRun, fake_cloud: Any) -> None:
    tf = terraform
    seeded = image_ids(fake_cloud)
    tf.write(image('  stop_instance_for_consistency = true\n  description = "first"'))
    tf.apply()
    state = tf.resources()["ecsclone_image.scratch"]
    assert state["status"] == "Available"
    assert state["image_name"].startswith(f"TemplateScratch-{DEMO_SOURCE_INSTANCE_ID}-")
    assert state["source_image_id"] == DEMO_IMAGE_ID
    assert image_ids(fake_cloud) - seeded == {state["id"]}
    # Stopped for the image, and running again afterwards.
    assert [c["code"] for c in fake_cloud.calls("StopInstance")] == ["OK"]
    assert [c["code"] for c in fake_cloud.calls("StartInstance")] == ["OK"]
    assert instance_status(fake_cloud, DEMO_SOURCE_INSTANCE_ID) == "Running"
    assert not tf.plan_has_changes()

    tf.write(image('  stop_instance_for_consistency = true\n  description = "second"'))
    tf.apply()
    updated = tf.resources()["ecsclone_image.scratch"]
    assert (updated["id"], updated["source_image_id"]) == (state["id"], DEMO_IMAGE_ID)
    assert [c["params"].get("Description") for c in fake_cloud.calls("ModifyImageAttribute")] == ["second"]
    assert not tf.plan_has_changes()

    tf.state_rm("ecsclone_image.scratch")
    tf.import_("ecsclone_image.scratch", f"{state['id']}:{DEMO_SOURCE_INSTANCE_ID}")
    assert tf.resources()["ecsclone_image.scratch"]["description"] == "second"

    tf.destroy()
    assert image_ids(fake_cloud) == seeded


def test_deleted_image_is_drift_unless_transient(terraform: TerraformRun, fake_cloud: Any) -> None:
    terraform.write(image())
    terraform.apply()
    image_id = terraform.resources()["ecsclone_image.scratch"]["id"]
    client(fake_cloud).ecs("DeleteImage", {"ImageId": image_id, "Force": True})
    assert "will be created" in terraform.plan_text()

    terraform.write(image("  transient = true"))
    terraform.apply()
    transient_id = terraform.resources()["ecsclone_image.scratch"]["id"]
    client(fake_cloud).ecs("DeleteImage", {"ImageId": transient_id, "Force": True})
    # Deleted on purpose after launching the clones: no reason to make another.
    assert not terraform.plan_has_changes()
    terraform.destroy()


def test_image_copy_to_another_region(terraform: TerraformRun, fake_cloud: Any) -> None:
    tf = terraform
    tf.write(
        image()
        + """
resource "ecsclone_image_copy" "copy" {
  provider         = ecsclone.shanghai
  source_image_id  = ecsclone_image.scratch.id
  source_region_id = "cn-hangzhou"
}
""",
        provider='provider "ecsclone" {\n  region = "cn-hangzhou"\n}\n' + TWO_REGIONS,
    )
    tf.apply()
    resources = tf.resources()
    copy, source = resources["ecsclone_image_copy.copy"], resources["ecsclone_image.scratch"]
    assert copy["status"] == "Available"
    assert copy["image_name"] == source["image_name"]  # free in the destination region
    assert copy["id"] in image_ids(fake_cloud, "cn-shanghai")
    [call] = fake_cloud.calls("CopyImage")
    assert call["region"] == "cn-hangzhou" and call["params"]["DestinationRegionId"] == "cn-shanghai"
    assert not tf.plan_has_changes()
    tf.destroy()
    assert image_ids(fake_cloud, "cn-shanghai") == set()


def test_instance_data_source_describes_the_source(terraform: TerraformRun, fake_cloud: Any) -> None:
    terraform.write(
        f"""
data "ecsclone_instance" "source" {{
  instance_id = "{DEMO_SOURCE_INSTANCE_ID}"
}}

output "source" {{
  value = data.ecsclone_instance.source
}}
"""
    )
    terraform.apply()
    source = terraform.engine.output_json()["source"]["value"]
    assert source["vpc_id"] == DEMO_VPC_ID
    assert source["private_ip"] == DEMO_SOURCE_PRIVATE_IP
    assert source["image_id"] == DEMO_IMAGE_ID and source["image_visible"] is True
    assert source["network_type"] == "vpc"
    assert source["cpu"] >= 1 and source["memory"] >= 1024
    assert source["system_disk_size"] >= 20


def test_unknown_instance_is_reported_on_instance_id(terraform: TerraformRun, fake_cloud: Any) -> None:
    terraform.write('data "ecsclone_instance" "source" {\n  instance_id = "i-doesnotexist"\n}\n')
    output = terraform.apply_fails()
    assert "Instance i-doesnotexist was not found" in output
    assert "instance_id" in output

"""ecsclone_vpc and ecsclone_vswitch with real Terraform against the fake cloud."""

from __future__ import annotations

from typing import Any

import pytest

from .cloud import deleted_by_hand, objects
from .conftest import TerraformRun

pytestmark = pytest.mark.e2e

NETWORK = """
resource "ecsclone_vpc" "net" {
  cidr_block = "10.20.0.0/16"
  vpc_name   = "%s"
}

resource "ecsclone_vswitch" "a" {
  vpc_id     = ecsclone_vpc.net.id
  zone_id    = "cn-hangzhou-h"
  cidr_block = "10.20.1.0/24"
}

resource "ecsclone_vswitch" "b" {
  vpc_id       = ecsclone_vpc.net.id
  zone_id      = "cn-hangzhou-h"
  cidr_block   = "10.20.2.0/24"
  vswitch_name = "second"
  timeouts {
    create = "2m"
  }
}
"""


def vpcs(fake: Any, cidr: str = "10.20.0.0/16") -> list[dict[str, Any]]:
    return [v for v in objects(fake, "vpcs") if v["cidr_block"] == cidr]


def vswitches(fake: Any, vpc_id: str) -> list[dict[str, Any]]:
    return [v for v in objects(fake, "vswitches") if v["vpc_id"] == vpc_id]


def test_network_lifecycle(terraform_any_engine: TerraformRun, fake_cloud: Any) -> None:
    tf = terraform_any_engine
    tf.write(NETWORK % "clones")
    tf.apply()
    [vpc] = vpcs(fake_cloud)
    assert vpc["name"] == "clones" and vpc["status"] == "Available"
    assert sorted(v["cidr_block"] for v in vswitches(fake_cloud, vpc["vpc_id"])) == ["10.20.1.0/24", "10.20.2.0/24"]
    state = tf.resources()
    assert state["ecsclone_vpc.net"]["id"] == vpc["vpc_id"]
    assert state["ecsclone_vpc.net"]["router_id"] == vpc["vrouter_id"]
    assert state["ecsclone_vswitch.b"]["status"] == "Available"
    # The vSwitches were created one after the other (one VPC), but neither failed.
    assert [c["code"] for c in fake_cloud.calls("CreateVSwitch")].count("OK") == 2

    assert not tf.plan_has_changes()

    # Update in place: the name changes, the IDs stay.
    tf.write(NETWORK % "renamed")
    tf.apply()
    [vpc_after] = vpcs(fake_cloud)
    assert vpc_after["vpc_id"] == vpc["vpc_id"] and vpc_after["name"] == "renamed"
    assert not tf.plan_has_changes()

    tf.destroy()
    assert vpcs(fake_cloud) == []
    assert vswitches(fake_cloud, vpc["vpc_id"]) == []


def test_deleted_vswitch_is_recreated_and_import_adopts_a_vpc(terraform: TerraformRun, fake_cloud: Any) -> None:
    tf = terraform
    tf.write(NETWORK % "clones")
    tf.apply()
    vswitch_b = tf.resources()["ecsclone_vswitch.b"]["id"]

    # Drift: the vSwitch is deleted behind Terraform's back.
    deleted_by_hand(fake_cloud, "vswitch", vswitch_b)
    assert "ecsclone_vswitch.b will be created" in tf.plan_text()
    tf.apply()
    assert tf.resources()["ecsclone_vswitch.b"]["id"] != vswitch_b
    assert not tf.plan_has_changes()

    # Import: forget the VPC, import it by ID, and the plan is clean again.
    vpc_id = tf.resources()["ecsclone_vpc.net"]["id"]
    tf.state_rm("ecsclone_vpc.net")
    tf.import_("ecsclone_vpc.net", vpc_id)
    assert tf.resources()["ecsclone_vpc.net"]["vpc_name"] == "clones"
    assert not tf.plan_has_changes()
    tf.destroy()
    assert vpcs(fake_cloud) == []


def test_bad_cidr_is_reported_on_the_attribute(terraform: TerraformRun, fake_cloud: Any) -> None:
    terraform.write('resource "ecsclone_vpc" "net" {\n  cidr_block = "10.20.0.1/33"\n}\n')
    output = terraform.apply_fails()
    assert "Invalid CIDR block" in output
    assert 'cidr_block = "10.20.0.1/33"' in output  # Terraform quotes the attribute's line
    assert vpcs(fake_cloud, "10.20.0.1/33") == []


def test_missing_credentials_say_what_to_set(terraform: TerraformRun) -> None:
    for name in ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"):
        terraform.env.pop(name)
    terraform.write('resource "ecsclone_vpc" "net" {\n  cidr_block = "10.20.0.0/16"\n}\n')
    output = terraform.apply_fails()
    assert "No usable Alibaba Cloud credentials" in output
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in output

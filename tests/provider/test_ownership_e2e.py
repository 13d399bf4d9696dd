"""Ownership with real Terraform against the fake: objects carry their owner key, a run that lost its state
adopts what the lost run made instead of making it twice, a replacement makes a new generation, a name held by
another owner is refused with whose it is, and images are a means, not the clones' identity."""

from __future__ import annotations

from typing import Any

import pytest

from cdk_clone.ownership import DEPLOYMENT_TAG, ORIGIN_TAG, OWNER_TAG, Ownership
from fake_api.seeds import DEMO_SOURCE_INSTANCE_ID

from .cloud import client, objects
from .conftest import TerraformRun

pytestmark = pytest.mark.e2e

DEPLOYMENT = "clones@test-deployment"
SHANGHAI = "cn-shanghai"
KINDS = ("images", "vpcs", "vswitches", "security_groups", "instances")


def providers(deployment: str = DEPLOYMENT) -> str:
    return f"""
provider "ecsclone" {{
  region     = "cn-hangzhou"
  deployment = "{deployment}"
}}
provider "ecsclone" {{
  alias      = "shanghai"
  region     = "{SHANGHAI}"
  deployment = "{deployment}"
}}
"""


def clone_stack(*, amount: int = 2, transient: bool = False, owner_prefix: str = "app") -> str:
    """The resources a cross-region clone with data is made of, each with an owner."""
    transient_line = "  transient = true" if transient else ""
    delete_after = (
        '  delete_images_after_launch = [ecsclone_image_copy.copy.id, "cn-hangzhou:${ecsclone_image.scratch.id}"]'
        if transient
        else ""
    )
    return f"""
resource "ecsclone_image" "scratch" {{
  instance_id = "{DEMO_SOURCE_INSTANCE_ID}"
  owner       = "{owner_prefix}/image"
{transient_line}
}}
resource "ecsclone_image_copy" "copy" {{
  provider         = ecsclone.shanghai
  source_image_id  = ecsclone_image.scratch.id
  source_region_id = "cn-hangzhou"
  owner            = "{owner_prefix}/copy"
{transient_line}
}}
resource "ecsclone_vpc" "net" {{
  provider   = ecsclone.shanghai
  cidr_block = "192.168.0.0/16"
  owner      = "{owner_prefix}/vpc"
}}
resource "ecsclone_vswitch" "sw" {{
  provider   = ecsclone.shanghai
  vpc_id     = ecsclone_vpc.net.id
  zone_id    = "cn-shanghai-e"
  cidr_block = "192.168.1.0/24"
  owner      = "{owner_prefix}/vswitch"
}}
resource "ecsclone_security_group" "sg" {{
  provider = ecsclone.shanghai
  vpc_id   = ecsclone_vpc.net.id
  owner    = "{owner_prefix}/sg"
  ingress {{
    ip_protocol = "tcp"
    port_range  = "22/22"
    cidr_ip     = "0.0.0.0/0"
  }}
}}
resource "ecsclone_instance_group" "clones" {{
  provider                 = ecsclone.shanghai
  image_id                 = ecsclone_image_copy.copy.id
  instance_type            = "ecs.g7.large"
  vswitch_id               = ecsclone_vswitch.sw.id
  security_group_ids       = [ecsclone_security_group.sg.id]
  amount                   = {amount}
  owner                    = "{owner_prefix}/clones"
  image_source_instance_id = "{DEMO_SOURCE_INSTANCE_ID}"
  image_source_region_id   = "cn-hangzhou"
{delete_after}
}}
"""


def made(fake: Any) -> dict[str, set[str]]:
    """IDs of what exists in both regions, by kind (seeded objects included)."""
    found: dict[str, set[str]] = {}
    for kind in KINDS:
        key = {"images": "image_id", "vpcs": "vpc_id", "vswitches": "vswitch_id",
               "security_groups": "group_id", "instances": "instance_id"}[kind]
        found[kind] = {o[key] for region in ("cn-hangzhou", SHANGHAI) for o in objects(fake, kind, region)}
    return found


def added(fake: Any, before: dict[str, set[str]]) -> dict[str, set[str]]:
    now = made(fake)
    return {kind: now[kind] - before[kind] for kind in KINDS}


def state_ids(tf: TerraformRun) -> set[str]:
    ids: set[str] = set()
    for address, values in tf.resources().items():
        # An instance group's own ID names no object: its instances do.
        ids.update(values["instance_ids"] if address.startswith("ecsclone_instance_group.") else [values["id"]])
    return ids


def test_every_object_carries_its_owner_key_and_a_lost_state_is_adopted(
    terraform: TerraformRun, fake_cloud: Any
) -> None:
    tf = terraform
    before = made(fake_cloud)
    tf.write(clone_stack(), provider=providers())
    tf.apply()
    first = added(fake_cloud, before)
    assert {k: len(v) for k, v in first.items()} == {
        "images": 2, "vpcs": 1, "vswitches": 1, "security_groups": 1, "instances": 2
    }
    # Each object carries the owner key of its resource, the deployment key and who made it.
    resources = tf.resources()
    for address, kind, owner in (
        ("ecsclone_vpc.net", "vpcs", "app/vpc"),
        ("ecsclone_vswitch.sw", "vswitches", "app/vswitch"),
        ("ecsclone_security_group.sg", "security_groups", "app/sg"),
        ("ecsclone_image_copy.copy", "images", "app/copy"),
    ):
        owned = Ownership(DEPLOYMENT, owner)
        [record] = [o for o in objects(fake_cloud, kind, SHANGHAI) if resources[address]["id"] in o.values()]
        assert record["tags"] == {OWNER_TAG: owned.key, DEPLOYMENT_TAG: owned.deployment_key, ORIGIN_TAG: owned.origin}
    image_name = resources["ecsclone_image.scratch"]["image_name"]
    assert image_name == f"TemplateScratch-{DEMO_SOURCE_INSTANCE_ID}-{Ownership(DEPLOYMENT, 'app/image').short_key}"
    clones = [i for i in objects(fake_cloud, "instances", SHANGHAI) if i["instance_id"] in first["instances"]]
    assert {i["tags"][OWNER_TAG] for i in clones} == {Ownership(DEPLOYMENT, "app/clones").key}

    # The state is lost (what a killed Terraform can leave): the next apply adopts every object instead of
    # making it again.
    (tf.workdir / "terraform.tfstate").unlink()
    (tf.workdir / "terraform.tfstate.backup").unlink(missing_ok=True)
    creates = {a: len(fake_cloud.calls(a)) for a in ("CreateImage", "CopyImage", "CreateVpc", "RunInstances")}
    tf.apply()
    assert added(fake_cloud, before) == first
    assert state_ids(tf) == set().union(*first.values())
    assert {a: len(fake_cloud.calls(a)) for a in creates} == creates  # found by tag: no create call at all
    assert not tf.plan_has_changes()
    tf.destroy()
    assert made(fake_cloud) == before


def test_a_replacement_is_a_new_generation_not_the_deleted_object(terraform: TerraformRun, fake_cloud: Any) -> None:
    tf = terraform
    before = made(fake_cloud)
    tf.write(clone_stack(), provider=providers())
    tf.apply()
    old = tf.resources()
    tokens = {c["params"]["ClientToken"] for c in fake_cloud.calls("CreateVpc")}

    # -replace recreates with the same configuration, so generation 0's ClientToken would answer with the
    # VPC and the clones just deleted: the provider passes on to the next generation.
    for address in ("ecsclone_vpc.net", "ecsclone_instance_group.clones", "ecsclone_image_copy.copy"):
        tf.engine.run("apply", "-auto-approve", "-input=false", f"-replace={address}")
    new = tf.resources()
    for address in ("ecsclone_vpc.net", "ecsclone_image_copy.copy"):
        assert new[address]["id"] != old[address]["id"]
    assert not set(new["ecsclone_instance_group.clones"]["instance_ids"]) & set(
        old["ecsclone_instance_group.clones"]["instance_ids"]
    )
    vpc_tokens = [c["params"]["ClientToken"] for c in fake_cloud.calls("CreateVpc")]
    assert vpc_tokens[0] in tokens and len(set(vpc_tokens)) == 2  # generation 0 answered the old VPC, then 1
    # Nothing is left that the state does not name, and nothing was made twice.
    now = added(fake_cloud, before)
    assert set().union(*now.values()) == state_ids(tf)
    assert {k: len(v) for k, v in now.items()} == {
        "images": 2, "vpcs": 1, "vswitches": 1, "security_groups": 1, "instances": 2
    }
    assert not tf.plan_has_changes()

    # A lost state after a replacement still finds the newest generation.
    (tf.workdir / "terraform.tfstate").unlink()
    tf.apply()
    assert added(fake_cloud, before) == now
    tf.destroy()
    assert made(fake_cloud) == before


def test_two_deployments_with_the_same_owners_are_independent(terraform: TerraformRun, fake_cloud: Any) -> None:
    before = made(fake_cloud)
    terraform.write(clone_stack(amount=1), provider=providers("clones@staging"))
    terraform.apply()
    staging = added(fake_cloud, before)
    (terraform.workdir / "prod").mkdir()
    other = TerraformRun(terraform.workdir / "prod", terraform.env)
    other.write(clone_stack(amount=1), provider=providers("clones@prod"))
    other.apply()
    both = added(fake_cloud, before)
    assert all(len(both[k]) == 2 * len(staging[k]) for k in KINDS)
    other.destroy()
    assert added(fake_cloud, before) == staging
    terraform.destroy()
    assert made(fake_cloud) == before


def test_a_name_held_by_another_owner_is_refused_with_whose_it_is(terraform: TerraformRun, fake_cloud: Any) -> None:
    api = client(fake_cloud)
    api.ecs("CreateImage", {"InstanceId": DEMO_SOURCE_INSTANCE_ID, "ImageName": "golden"})
    terraform.write(
        f"""
resource "ecsclone_image" "scratch" {{
  instance_id = "{DEMO_SOURCE_INSTANCE_ID}"
  image_name  = "golden"
  owner       = "app/image"
}}
""",
        provider=providers(),
    )
    output = terraform.apply_fails()
    assert "The image name golden is taken by m-" in output
    assert "carrying no cdk-clone owner tag" in output and "It is never adopted" in output
    assert "CDK_CLONE_DEPLOYMENT" in output
    # The name is looked up only once CreateImage answers that it is taken: nothing is made.
    _test_own, refused = fake_cloud.calls("CreateImage")
    assert refused["params"].get("ImageName") == "golden" and refused["code"] == "InvalidImageName.Duplicated"
    assert [i["name"] for i in objects(fake_cloud, "images")].count("golden") == 1
    assert [c["params"].get("ImageName") for c in fake_cloud.calls("DescribeImages")].count("golden") == 1


def test_images_made_together_cost_one_adoption_listing_per_region_and_no_name_look_up(
    terraform: TerraformRun, fake_cloud: Any
) -> None:
    images = "".join(
        f"""
resource "ecsclone_image" "scratch{n}" {{
  instance_id = "{DEMO_SOURCE_INSTANCE_ID}"
  owner       = "app/image-{n}"
}}
resource "ecsclone_image_copy" "copy{n}" {{
  provider         = ecsclone.shanghai
  source_image_id  = ecsclone_image.scratch{n}.id
  source_region_id = "cn-hangzhou"
  owner            = "app/copy-{n}"
}}
"""
        for n in range(3)
    )
    terraform.write(images, provider=providers())
    terraform.apply()
    looked_up = [c["params"] for c in fake_cloud.calls("DescribeImages") if "ImageId" not in c["params"]]
    # Per region, one listing by the deployment tag (made images and copies are then polled by ID).
    assert sorted((p["RegionId"], p.get("Tag.1.Key")) for p in looked_up) == [
        ("cn-hangzhou", DEPLOYMENT_TAG),
        (SHANGHAI, DEPLOYMENT_TAG),
    ]
    assert len(objects(fake_cloud, "images", SHANGHAI)) >= 3
    assert not terraform.plan_has_changes()


def test_an_owner_changed_in_place_retags(terraform: TerraformRun, fake_cloud: Any) -> None:
    body = """
resource "ecsclone_vpc" "net" {
  provider   = ecsclone.shanghai
  cidr_block = "10.0.0.0/8"
  owner      = "%s"
}
"""
    terraform.write(body % "app/vpc", provider=providers())
    terraform.apply()
    vpc_id = terraform.resources()["ecsclone_vpc.net"]["id"]
    terraform.write(body % "app/network", provider=providers())
    assert "1 to change" in terraform.plan_text()
    terraform.apply()
    [vpc] = [v for v in objects(fake_cloud, "vpcs", SHANGHAI) if v["vpc_id"] == vpc_id]
    assert vpc["tags"][OWNER_TAG] == Ownership(DEPLOYMENT, "app/network").key
    terraform.destroy()


def test_an_image_deleted_by_hand_never_replaces_the_clones(terraform: TerraformRun, fake_cloud: Any) -> None:
    tf = terraform
    tf.write(clone_stack(), provider=providers())
    tf.apply()
    old = tf.resources()
    api = client(fake_cloud, SHANGHAI)
    api.ecs("DeleteImage", {"ImageId": old["ecsclone_image_copy.copy"]["id"], "Force": True})
    plan = tf.plan_text()
    assert "ecsclone_instance_group.clones will be updated in-place" in plan
    assert "must be replaced" not in plan and "forces replacement" not in plan
    tf.apply()
    new = tf.resources()
    assert new["ecsclone_instance_group.clones"]["instance_ids"] == old["ecsclone_instance_group.clones"]["instance_ids"]
    assert new["ecsclone_instance_group.clones"]["image_id"] == new["ecsclone_image_copy.copy"]["id"]
    assert not tf.plan_has_changes()
    tf.destroy()


def test_more_clones_after_the_transient_images_are_gone(terraform: TerraformRun, fake_cloud: Any) -> None:
    tf = terraform
    before = made(fake_cloud)
    tf.write(clone_stack(amount=3, transient=True), provider=providers())
    tf.apply()
    assert added(fake_cloud, before)["images"] == set()  # deleted after the launch
    assert not tf.plan_has_changes()
    first_ids = tf.resources()["ecsclone_instance_group.clones"]["instance_ids"]

    tf.write(clone_stack(amount=5, transient=True), provider=providers())
    result = tf.apply()
    assert any("launching from a fresh image of" in w for w in tf.warnings(result))
    grown = tf.resources()["ecsclone_instance_group.clones"]["instance_ids"]
    assert grown[:3] == first_ids and len(grown) == 5
    assert added(fake_cloud, before)["images"] == set()  # the temporary image and its copy are gone too
    assert len(fake_cloud.calls("CreateImage")) == 2 and len(fake_cloud.calls("CopyImage")) == 2
    assert not tf.plan_has_changes()
    tf.destroy()
    assert made(fake_cloud) == before


CREATES = ("CreateImage", "CopyImage", "CreateVpc", "CreateVSwitch", "CreateSecurityGroup", "RunInstances")


def test_an_answer_lost_after_the_work_is_retried_without_a_duplicate(terraform: TerraformRun, fake_cloud: Any) -> None:
    before = made(fake_cloud)
    # Every create does its work, then its answer is lost: once as a 503, once as a reset connection.
    for action in CREATES:
        fake_cloud.faults.add_spec(
            {"action": action, "schedule": [{"error": "ServiceUnavailable", "after": True}, {"error": "drop", "after": True}]}
        )
    terraform.write(clone_stack(), provider=providers())
    terraform.apply()
    for action in CREATES:
        calls = fake_cloud.calls(action)
        assert [c.get("fault") for c in calls[:2]] == ["ServiceUnavailable after", "drop after"], action
        # The retries carried the first call's ClientToken: its answer, not a second object.
        assert len({c["params"]["ClientToken"] for c in calls}) == 1, action
    assert {k: len(v) for k, v in added(fake_cloud, before).items()} == {
        "images": 2, "vpcs": 1, "vswitches": 1, "security_groups": 1, "instances": 2
    }
    assert set().union(*added(fake_cloud, before).values()) == state_ids(terraform)
    terraform.destroy()
    assert made(fake_cloud) == before


def test_an_answer_lost_on_every_retry_fails_the_apply_and_the_next_one_adopts(
    terraform: TerraformRun, fake_cloud: Any
) -> None:
    before = made(fake_cloud)
    # More lost answers than the client retries: the apply gives up, though the VPC exists.
    fake_cloud.faults.add_spec({"action": "CreateVpc", "schedule": [{"error": "drop", "after": True}] * 12})
    terraform.write(clone_stack(amount=1), provider=providers())
    output = terraform.apply_fails()
    assert "CreateVpc" in output
    assert len(added(fake_cloud, before)["vpcs"]) == 1
    fake_cloud.faults.clear()
    terraform.apply()
    assert len(added(fake_cloud, before)["vpcs"]) == 1  # found by its owner key, not made again
    assert set().union(*added(fake_cloud, before).values()) == state_ids(terraform)
    assert not terraform.plan_has_changes()
    terraform.destroy()
    assert made(fake_cloud) == before

"""What `cdk-clone` does with what a deployment owns: two checkouts that do not touch each other's objects,
objects a lost state left behind (announced and adopted by deploy, removed by destroy), images that are a
means and not the clones' identity, and a group short of quota that completes once the quota is raised."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from e2e_support import CloudView, clone_output, run_cdk_clone, write_app

from cdk_clone.ownership import DEPLOYMENT_TAG
from fake_api.seeds import DEMO_SOURCE_INSTANCE_ID

pytestmark = pytest.mark.e2e

CROSS_REGION = f"""
    InstanceClone(stack, "web", source_instance_id="{DEMO_SOURCE_INSTANCE_ID}", source_region="cn-hangzhou",
                  destination_region="cn-shanghai", amount={{amount}}, include_instance_data=True{{extra}})
"""


def app(directory: Path, amount: int = 2, extra: str = "") -> Path:
    return write_app(directory, CROSS_REGION.format(amount=amount, extra=extra))


def ok(*argv: str) -> str:
    result = run_cdk_clone(*argv)
    assert result.code == 0, result.out + result.err
    return result.out


def deployed_app(directory: Path) -> tuple[Path, dict[str, Any]]:
    """The cross-region app, deployed; and its clone output."""
    app(directory)
    ok("deploy", "-C", str(directory))
    return directory, clone_output(directory)


def lose_state(directory: Path) -> None:
    """What a killed Terraform may leave: no record of what it made."""
    for state in directory.glob("terraform.*.tfstate*"):
        state.unlink()


def empty_state(directory: Path) -> None:
    """What SIGKILL leaves when it lands while Terraform rewrites its state in place (it truncates the file,
    then writes it): an empty state file, which Terraform reads as no state at all."""
    for state in directory.glob("terraform.*.tfstate"):
        state.write_text("")


def test_two_checkouts_with_the_same_names_deploy_verify_and_destroy_independently(
    cloud: CloudView, tmp_path: Path
) -> None:
    before = cloud.world()
    first = app(tmp_path / "staging")
    # A second checkout: the same project, cdktf.json copied as is (the same projectId), same stack and ids.
    second = tmp_path / "prod"
    shutil.copytree(first, second)
    assert json.loads((first / "cdktf.json").read_text()) == json.loads((second / "cdktf.json").read_text())
    ok("deploy", "-C", str(first))
    ok("deploy", "-C", str(second))
    one, two = clone_output(first), clone_output(second)
    assert not set(one["instance_ids"]) & set(two["instance_ids"])
    for key in ("custom_image_id", "copied_image_id", "vpc_id", "vswitch_id"):
        assert one[key] != two[key], key
    images = cloud.custom_images("cn-hangzhou")
    assert images[one["custom_image_id"]]["ImageName"] != images[two["custom_image_id"]]["ImageName"]
    assert "all clones match their sources" in ok("verify", "-C", str(first))
    assert "all clones match their sources" in ok("verify", "-C", str(second))

    ok("destroy", "-C", str(first))
    # The other checkout's clones are untouched, and still check out.
    assert set(two["instance_ids"]) <= set(cloud.instances("cn-shanghai"))
    assert "all clones match their sources" in ok("verify", "-C", str(second))
    ok("destroy", "-C", str(second))
    assert cloud.world() == before


def test_a_lost_state_is_announced_and_adopted_then_destroy_removes_what_it_does_not_name(
    cloud: CloudView, tmp_path: Path, fake_cloud: Any
) -> None:
    before = cloud.world()
    directory, deployed = deployed_app(tmp_path / "app")
    world = cloud.world()

    lose_state(directory)
    mark = len(fake_cloud.calls())
    out = ok("deploy", "-C", str(directory))
    assert "made by an interrupted run are not in the state; this deploy adopts them" in out
    assert f"instance {deployed['instance_ids'][0]} in cn-shanghai" in out
    assert cloud.world() == world  # adopted: nothing made twice
    # The command's look-up for leftovers is the provider's adoption listing too: each is made once.
    listings = Counter(
        (c["action"], c["params"].get("RegionId"))
        for c in fake_cloud.calls()[mark:]
        if any(value == DEPLOYMENT_TAG for name, value in c["params"].items() if name.startswith("Tag."))
    )
    assert listings and set(listings.values()) == {1}, listings
    assert clone_output(directory)["instance_ids"] == deployed["instance_ids"]

    # Lost again, the file emptied this time: destroy removes what the state no longer names, naming each
    # object (a plain `terraform destroy` would see nothing to destroy).
    empty_state(directory)
    out = ok("destroy", "-C", str(directory))
    assert "are not in its state (left by an interrupted run); removing them" in out
    for instance_id in deployed["instance_ids"]:
        assert f"removed instance {instance_id} in cn-shanghai" in out
    assert f"removed VPC {deployed['vpc_id']} in cn-shanghai" in out
    assert cloud.world() == before


def test_an_image_deleted_by_hand_replaces_no_clone_and_more_clones_come_after_keep_images_false(
    cloud: CloudView, tmp_path: Path
) -> None:
    before = cloud.world()
    kept = app(tmp_path / "kept")
    ok("deploy", "-C", str(kept))
    deployed = clone_output(kept)
    with cloud.client("cn-shanghai") as api:
        # By hand, as in the console with "delete the image's snapshots too" ticked (DeleteImage alone keeps them).
        image = api.ecs("DescribeImages", {"ImageId": deployed["copied_image_id"]})["Images"]["Image"][0]
        api.ecs("DeleteImage", {"ImageId": deployed["copied_image_id"], "Force": True})
        for mapping in image["DiskDeviceMappings"]["DiskDeviceMapping"]:
            api.ecs("DeleteSnapshot", {"SnapshotId": mapping["SnapshotId"], "Force": True})
    plan = ok("plan", "-C", str(kept))
    assert "must be replaced" not in plan and "0 to destroy" in plan
    ok("deploy", "-C", str(kept))
    assert clone_output(kept)["instance_ids"] == deployed["instance_ids"]
    ok("destroy", "-C", str(kept))

    transient = app(tmp_path / "transient", amount=3, extra=", keep_images=False")
    ok("deploy", "-C", str(transient))
    three = clone_output(transient)["instance_ids"]
    assert cloud.custom_images("cn-hangzhou") == {} and cloud.custom_images("cn-shanghai") == {}
    assert "No changes" in ok("plan", "-C", str(transient))
    app(transient, amount=5, extra=", keep_images=False")
    out = ok("deploy", "-C", str(transient))
    assert "launching from a fresh image of" in out
    five = clone_output(transient)["instance_ids"]
    assert five[:3] == three and len(five) == 5
    assert cloud.custom_images("cn-hangzhou") == {} and cloud.custom_images("cn-shanghai") == {}
    assert "No changes" in ok("plan", "-C", str(transient))
    assert "all clones match their sources" in ok("verify", "-C", str(transient))
    ok("destroy", "-C", str(transient))
    assert cloud.world() == before


def test_quota_short_at_the_first_launch_then_raised_launches_the_missing_clones(
    cloud: CloudView, tmp_path: Path, fake_cloud: Any
) -> None:
    before = cloud.world()
    fake_cloud.cloud.set_quota("cn-shanghai", 3)
    directory = app(tmp_path / "app", amount=5)
    out = ok("deploy", "-C", str(directory))
    assert "3 of 5 instances created" in out and "3 of 5 clone(s)" in out
    plan = ok("plan", "-C", str(directory))
    assert "apply launches the missing 2" in plan and "No changes" not in plan
    fake_cloud.cloud.set_quota("cn-shanghai", 100)
    ok("deploy", "-C", str(directory))
    output = clone_output(directory)
    assert output["created_amount"] == 5 and len(output["instance_ids"]) == 5
    assert "No changes" in ok("plan", "-C", str(directory))
    ok("destroy", "-C", str(directory))
    assert cloud.world() == before


def test_a_project_moved_on_disk_with_its_state_deploys_verifies_and_destroys_in_place(
    cloud: CloudView, tmp_path: Path
) -> None:
    before = cloud.world()
    directory, deployed = deployed_app(tmp_path / "app")
    world = cloud.world()

    moved = tmp_path / "elsewhere" / "app"
    moved.parent.mkdir()
    shutil.move(directory, moved)
    # cdktf's local backend names the state by absolute path: Terraform is pointed at the moved file by the
    # first command that runs it (verify runs no synth: it works from the moved cdktf.out).
    out = ok("verify", "-C", str(moved))
    assert (
        f"The stack's state moved from {directory / 'terraform.clones.tfstate'} to "
        f"{moved / 'terraform.clones.tfstate'} (the project was moved)"
    ) in out
    assert "all clones match their sources" in out
    out = ok("deploy", "-C", str(moved))
    assert "cdktf.out is up to date with the app: using the last synth" in out  # verify's, made here
    assert "state moved" not in out
    assert cloud.world() == world  # nothing made again, nothing replaced
    assert clone_output(moved)["instance_ids"] == deployed["instance_ids"]
    # The deploy rewrote the state beside the app: that is no reason to synthesize again.
    assert "cdktf.out is up to date with the app: using the last synth" in ok("destroy", "-C", str(moved))
    assert cloud.world() == before
    # Nothing deployed is not a mismatch (exit 4): it is said, with what to do.
    after = run_cdk_clone("verify", "-C", str(moved))
    assert after.code == 2
    assert "nothing to verify: the state of stack clones names no clones; deploy it first" in after.err


def test_a_project_copied_with_its_state_is_refused_until_the_user_says_which_state_it_uses(
    cloud: CloudView, tmp_path: Path
) -> None:
    directory, _ = deployed_app(tmp_path / "app")
    world = cloud.world()

    copy = tmp_path / "copy"
    shutil.copytree(directory, copy)
    result = run_cdk_clone("deploy", "-C", str(copy))
    # Both state files name the same objects: using the copy silently would manage them from two places.
    assert result.code != 0
    assert f"still uses the state at {directory / 'terraform.clones.tfstate'}" in result.err
    assert "-migrate-state" in result.err and "-reconfigure" in result.err
    assert cloud.world() == world
    ok("destroy", "-C", str(directory))

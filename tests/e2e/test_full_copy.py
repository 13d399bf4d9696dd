"""A clone is a full copy of its source: every disk, access, identity and setting, checked in the fake after
`cdk-clone deploy` as a user would check them in the console, then by `cdk-clone verify`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from e2e_support import CloudView, clone_output, run_cdk_clone, write_app

from cdk_clone.lookup import SourceInstance, read_source_instance
from fake_api.seeds import (
    DEMO_KMS_KEYS,
    RICH_KEY_PAIR_NAME,
    RICH_RAM_ROLE_NAME,
    RICH_REGION_ID,
    RICH_SOURCE_INSTANCE_ID,
    RICH_USER_DATA,
    SPOT_SOURCE_INSTANCE_ID,
)

pytestmark = pytest.mark.e2e


def _source(cloud: CloudView, instance_id: str) -> SourceInstance:
    with cloud.client(RICH_REGION_ID) as api:
        return read_source_instance(api, RICH_REGION_ID, instance_id)


def _deploy(app: Path) -> str:
    result = run_cdk_clone("deploy", "-C", str(app))
    assert result.code == 0, result.out + result.err
    return result.out


def _destroy(app: Path) -> None:
    result = run_cdk_clone("destroy", "-C", str(app))
    assert result.code == 0, result.out + result.err


def _disks(cloud: CloudView, region: str, instance_id: str) -> list[tuple[Any, ...]]:
    """(type, category, size, performance level, encrypted, KMS key) of each disk, system first, by device."""
    with cloud.client(region) as api:
        disks = api.ecs("DescribeDisks", {"InstanceId": instance_id, "PageSize": 100})["Disks"]["Disk"]
    disks.sort(key=lambda d: (d["Type"] != "system", d["Device"]))
    return [
        (d["Type"], d["Category"], d["Size"], d.get("PerformanceLevel") or "", bool(d["Encrypted"]),
         d.get("KMSKeyId") or "")
        for d in disks
    ]


def _ram_roles(cloud: CloudView, region: str, ids: list[str]) -> dict[str, str]:
    with cloud.client(region) as api:
        answer = api.ecs("DescribeInstanceRamRole", {"InstanceIds": json.dumps(ids), "PageSize": 50})
    return {r["InstanceId"]: r["RamRoleName"] for r in answer["InstanceRamRoleSets"]["InstanceRamRoleSet"]}


def _user_data(cloud: CloudView, region: str, instance_id: str) -> str:
    with cloud.client(region) as api:
        return str(api.ecs("DescribeUserData", {"InstanceId": instance_id})["UserData"])


def _import_source_key(cloud: CloudView, region: str) -> None:
    """What the refusal tells the user to do: the source's public key imported under the same name."""
    with cloud.client(RICH_REGION_ID) as api:
        answer = api.ecs("DescribeKeyPairs", {"KeyPairName": RICH_KEY_PAIR_NAME, "IncludePublicKey": True})
    public_key = answer["KeyPairs"]["KeyPair"][0]["PublicKey"]
    with cloud.client(region) as api:
        api.ecs("ImportKeyPair", {"KeyPairName": RICH_KEY_PAIR_NAME, "PublicKeyBody": public_key})


def test_a_rich_source_cloned_to_another_region_with_its_data(cloud: CloudView, tmp_path: Path) -> None:
    source = _source(cloud, RICH_SOURCE_INSTANCE_ID)
    destination_key = DEMO_KMS_KEYS["cn-shanghai"]
    app = write_app(tmp_path / "app", f"""
        InstanceClone(stack, "rich", source_instance_id="{RICH_SOURCE_INSTANCE_ID}", source_region="{RICH_REGION_ID}",
                      destination_region="cn-shanghai", amount=3, include_instance_data=True,
                      destination_kms_key_id="{destination_key}")
    """)
    # The key pair is regional and cn-shanghai has none of that name: refused at synth, saying what to do.
    refused = run_cdk_clone("synth", "-C", str(app))
    assert refused.code == 3
    assert f"key pair '{RICH_KEY_PAIR_NAME}' does not exist in cn-shanghai" in refused.err + refused.out
    assert "ImportKeyPair" in refused.err + refused.out
    _import_source_key(cloud, "cn-shanghai")
    before = cloud.world()

    out = _deploy(app)
    # What could not be carried is said: the deployment set belongs to cn-beijing.
    assert f"deployment set {source.deployment_set_id} of cn-beijing is not carried to cn-shanghai" in out

    output = clone_output(app)
    ids = list(output["instance_ids"])
    clones = {i: cloud.instances("cn-shanghai")[i] for i in ids}
    assert len(clones) == 3
    source_disks = _disks(cloud, RICH_REGION_ID, RICH_SOURCE_INSTANCE_ID)
    assert [d[4] for d in source_disks] == [False, True, False]
    # KMS keys are regional, and an image with an encrypted disk crosses regions only as an encrypted copy,
    # which is encrypted whole: every disk of the clones is encrypted, with the destination's key (said).
    expected_disks = [d[:4] + (True, destination_key) for d in source_disks]
    assert "are encrypted on the clones with " + destination_key in out
    roles = _ram_roles(cloud, "cn-shanghai", ids)
    for instance_id, clone in clones.items():
        assert _disks(cloud, "cn-shanghai", instance_id) == expected_disks
        assert clone["KeyPairName"] == RICH_KEY_PAIR_NAME
        assert roles[instance_id] == RICH_RAM_ROLE_NAME
        assert _user_data(cloud, "cn-shanghai", instance_id) == RICH_USER_DATA
        assert clone["DeletionProtection"] is True
        assert (clone["InternetChargeType"], clone["InternetMaxBandwidthOut"]) == ("PayByTraffic", 5)
        assert clone["InternetMaxBandwidthIn"] == source.internet_max_bandwidth_in
        assert clone["MetadataOptions"]["HttpTokens"] == "required"
        assert clone["Description"] == source.description
        assert clone["ResourceGroupId"] == source.resource_group_id
        tags = {t["TagKey"]: t["TagValue"] for t in clone["Tags"]["Tag"]}
        # The source's tags, and cdk-clone's own three that say who made the clone.
        assert {k: v for k, v in tags.items() if not k.startswith("cdk-clone:")} == source.tags
        assert sorted(k for k in tags if k.startswith("cdk-clone:")) == [
            "cdk-clone:deployment", "cdk-clone:origin", "cdk-clone:owner"
        ]
    assert sorted(c["InstanceName"] for c in clones.values()) == ["rich-app-1-001", "rich-app-1-002", "rich-app-1-003"]
    assert len({c["HostName"] for c in clones.values()}) == 3

    verify = run_cdk_clone("verify", "-C", str(app))
    assert verify.code == 0, verify.out + verify.err
    assert "disks " + ids[0] in verify.out and "RAM role" in verify.out

    # One data disk taken off a clone by hand: verify names it and exits 4.
    victim = ids[1]
    with cloud.client("cn-shanghai") as api:
        disks = api.ecs("DescribeDisks", {"InstanceId": victim, "DiskType": "data"})["Disks"]["Disk"]
        logs = next(d for d in disks if d["Device"] == "/dev/xvdc")
        api.ecs("DetachDisk", {"InstanceId": victim, "DiskId": logs["DiskId"]})
        api.ecs("DeleteDisk", {"DiskId": logs["DiskId"]})
    failed = run_cdk_clone("verify", "-C", str(app))
    assert failed.code == 4, failed.out + failed.err
    source_logs = next(d for d in source.data_disks if d.device == "/dev/xvdc")
    assert f"missing data disk 2 ({source_logs.disk_id} /dev/xvdc): cloud_efficiency 200 GiB" in failed.out
    assert f"disks {victim}" in failed.out

    # Destroy lifts the clones' deletion protection, and only theirs: nothing is left, the source is untouched.
    _destroy(app)
    assert cloud.world() == before
    assert _source(cloud, RICH_SOURCE_INSTANCE_ID) == source
    with cloud.client(RICH_REGION_ID) as api:
        refused_delete = api.ecs("DescribeInstances", {"InstanceIds": json.dumps([RICH_SOURCE_INSTANCE_ID])})
    assert refused_delete["Instances"]["Instance"][0]["DeletionProtection"] is True


def test_same_region_without_data_gets_empty_disks_of_the_same_shape(cloud: CloudView, tmp_path: Path) -> None:
    source = _source(cloud, RICH_SOURCE_INSTANCE_ID)
    before = cloud.world()
    app = write_app(tmp_path / "app", f"""
        InstanceClone(stack, "rich", source_instance_id="{RICH_SOURCE_INSTANCE_ID}", source_region="{RICH_REGION_ID}",
                      amount=2, description="empty copy")
    """)
    _deploy(app)
    ids = list(clone_output(app)["instance_ids"])
    source_disks = _disks(cloud, RICH_REGION_ID, RICH_SOURCE_INSTANCE_ID)
    for instance_id in ids:
        clone = cloud.instances(RICH_REGION_ID)[instance_id]
        assert clone["ImageId"] == source.image_id, "the source's own image: no data"
        assert _disks(cloud, RICH_REGION_ID, instance_id) == source_disks, "same shape, same key in the same region"
        with cloud.client(RICH_REGION_ID) as api:
            data = api.ecs("DescribeDisks", {"InstanceId": instance_id, "DiskType": "data"})["Disks"]["Disk"]
        assert all(not d.get("SourceSnapshotId") for d in data), "new empty disks"
        assert clone["Description"] == "empty copy", "a given prop replaces the source's"
        assert clone["DeploymentSetId"] == source.deployment_set_id, "same region: the same deployment set"
    verify = run_cdk_clone("verify", "-C", str(app))
    assert verify.code == 0, verify.out + verify.err
    assert "as configured: empty copy" in verify.out
    _destroy(app)
    assert cloud.world() == before


def test_a_spot_source_gives_spot_clones(cloud: CloudView, tmp_path: Path) -> None:
    source = _source(cloud, SPOT_SOURCE_INSTANCE_ID)
    before = cloud.world()
    app = write_app(tmp_path / "app", f"""
        InstanceClone(stack, "spot", source_instance_id="{SPOT_SOURCE_INSTANCE_ID}", source_region="{RICH_REGION_ID}")
    """)
    _deploy(app)
    (instance_id,) = clone_output(app)["instance_ids"]
    clone = cloud.instances(RICH_REGION_ID)[instance_id]
    assert (clone["SpotStrategy"], float(clone["SpotPriceLimit"])) == ("SpotWithPriceLimit", source.spot_price_limit)
    assert clone["InstanceChargeType"] == "PostPaid" and clone["InstanceName"] == "spot-worker-1"
    verify = run_cdk_clone("verify", "-C", str(app))
    assert verify.code == 0, verify.out + verify.err
    _destroy(app)
    assert cloud.world() == before

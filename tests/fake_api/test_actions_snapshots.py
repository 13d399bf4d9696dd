"""Snapshots through dispatch(): an image holds a snapshot per disk, a copy holds its own in the destination
region (encrypted again with a key of that region where needed), launches from an image get its data disks,
and the rules of DescribeSnapshots, DeleteSnapshot, DeleteImage and CancelCopyImage."""

from __future__ import annotations

import json
from typing import Any

import pytest
from actions_support import Clock, R, data_disks, disks_of, ecs, launch

from fake_api.exceptions import (
    DryRunOperation,
    InstanceDiskNumberLimitExceed,
    InvalidDataDeviceMalformed,
    InvalidDataDiskSnapshotIdNotFound,
    InvalidDiskSizeTooSmall,
    InvalidParameterEncryptedIllegal,
    InvalidParameterKMSKeyIdNotFound,
    InvalidSnapshotIdNotDataDiskSnapshot,
    InvalidSnapshotIdNotReady,
    OperationDeinedEncryptedSnapshot,
    SnapshotCreatedDisk,
    SnapshotCreatedImage,
)
from fake_api.models import FakeCloud

SH = "cn-shanghai"
HANGZHOU_KEY = "0e478b7a-4262-4802-b8cb-00d3fb40b001"
SHANGHAI_KEY = "0e478b7a-4262-4802-b8cb-00d3fb40b002"


@pytest.fixture
def cloud(clock: Clock) -> FakeCloud:
    cloud = FakeCloud("demo", clock=clock, profile="instant")
    cloud.seed_kms_key(R, key_id=HANGZHOU_KEY)
    cloud.seed_kms_key(SH, key_id=SHANGHAI_KEY)
    return cloud


@pytest.fixture
def shanghai(cloud: FakeCloud) -> dict[str, str]:
    """A VPC, vSwitch and security group in cn-shanghai to launch copies into."""
    vpc_id = cloud.seed_vpc(SH, cidr_block="10.0.0.0/16")
    vswitch_id = cloud.seed_vswitch(SH, vpc_id=vpc_id, zone_id="cn-shanghai-e", cidr_block="10.0.1.0/24")
    group_id = cloud.seed_security_group(SH, vpc_id=vpc_id, name="clone-sg")
    return {"VSwitchId": vswitch_id, "SecurityGroupId": group_id}


def source_with_data(cloud: FakeCloud) -> str:
    """An instance with an ESSD system disk and two data disks, the first encrypted with a key of cn-hangzhou."""
    (instance_id,) = launch(
        cloud,
        **{"SystemDisk.Category": "cloud_essd"},
        **data_disks(
            {"Category": "cloud_essd", "PerformanceLevel": "PL2", "Size": 500, "Encrypted": "true",
             "KMSKeyId": HANGZHOU_KEY},
            {"Category": "cloud_ssd", "Size": 100},
        ),
    )
    return instance_id


def image_of(cloud: FakeCloud, instance_id: str, name: str = "TemplateScratch-data") -> dict[str, Any]:
    image_id = ecs(cloud, "CreateImage", RegionId=R, InstanceId=instance_id, ImageName=name)["ImageId"]
    return describe_image(cloud, R, image_id)


def describe_image(cloud: FakeCloud, region: str, image_id: str) -> dict[str, Any]:
    statuses = "Creating,Waiting,Available,UnAvailable,CreateFailed"
    (image,) = ecs(cloud, "DescribeImages", RegionId=region, ImageId=image_id, Status=statuses)["Images"]["Image"]
    return image


def snapshots(cloud: FakeCloud, region: str = R, **filters: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ecs(cloud, "DescribeSnapshots", RegionId=region, **filters)["Snapshots"]["Snapshot"]
    return found


def mappings(image: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = image["DiskDeviceMappings"]["DiskDeviceMapping"]
    return found


def test_an_image_holds_a_snapshot_of_every_disk(cloud: FakeCloud) -> None:
    instance_id = source_with_data(cloud)
    image = image_of(cloud, instance_id)
    disks = disks_of(cloud, instance_id)
    assert [(m["Type"], m["Device"], m["Size"], m["Encrypted"]) for m in mappings(image)] == [
        ("system", "/dev/xvda", "40", False),
        ("data", "/dev/xvdb", "500", True),
        ("data", "/dev/xvdc", "100", False),
    ]
    ids = [m["SnapshotId"] for m in mappings(image)]
    found = {s["SnapshotId"]: s for s in snapshots(cloud, SnapshotIds=json.dumps(ids))}
    for mapping, disk in zip(mappings(image), disks, strict=True):
        snapshot = found[mapping["SnapshotId"]]
        assert (snapshot["SourceDiskId"], snapshot["SourceDiskType"], snapshot["SourceDiskSize"]) == (
            disk["DiskId"], disk["Type"], str(disk["Size"]),
        )
        assert (snapshot["Status"], snapshot["Progress"], snapshot["Usage"], snapshot["Available"]) == (
            "accomplished", "100%", "image", True,
        )
        assert (snapshot["Encrypted"], snapshot["KMSKeyId"]) == (disk["Encrypted"], disk["KMSKeyId"])
    assert [s["SnapshotId"] for s in snapshots(cloud, InstanceId=instance_id, SourceDiskType="Data")] == ids[1:]
    assert [s["SnapshotId"] for s in snapshots(cloud, Encrypted="true")] == [ids[1]]


def test_snapshots_progress_with_their_image(cloud: FakeCloud, clock: Clock) -> None:
    cloud.set_transition("image", "seconds", 10)
    image = image_of(cloud, source_with_data(cloud))
    assert image["Status"] == "Creating"
    ids = json.dumps([m["SnapshotId"] for m in mappings(image)])
    clock.now += 5
    assert {(s["Status"], s["Progress"], s["Available"]) for s in snapshots(cloud, SnapshotIds=ids)} == {
        ("progressing", "50%", False)
    }
    assert {m["Progress"] for m in mappings(describe_image(cloud, R, image["ImageId"]))} == {"50%"}
    assert snapshots(cloud, SnapshotIds=ids, Status="accomplished") == []
    clock.now += 5
    assert describe_image(cloud, R, image["ImageId"])["Status"] == "Available"
    assert {s["Status"] for s in snapshots(cloud, SnapshotIds=ids)} == {"accomplished"}


def test_a_launch_from_the_image_gets_its_data_disks_in_the_categories_it_asks_for(cloud: FakeCloud) -> None:
    image = image_of(cloud, source_with_data(cloud))
    (plain,) = launch(cloud, ImageId=image["ImageId"])
    system, first, second = disks_of(cloud, plain)
    snapshot_ids = [m["SnapshotId"] for m in mappings(image)]
    # The image keeps sizes and snapshots, not categories: without DataDisk.N.Device they are the default.
    assert [(d["Device"], d["Category"], d["Size"], d["SourceSnapshotId"]) for d in (first, second)] == [
        ("/dev/xvdb", "cloud_efficiency", 500, snapshot_ids[1]),
        ("/dev/xvdc", "cloud_efficiency", 100, snapshot_ids[2]),
    ]
    assert (first["Encrypted"], first["KMSKeyId"]) == (True, HANGZHOU_KEY)  # made from an encrypted snapshot
    assert system["ImageId"] == image["ImageId"] and first["ImageId"] == image["ImageId"]
    (shaped,) = launch(
        cloud,
        ImageId=image["ImageId"],
        **data_disks(
            {"Device": "/dev/xvdc", "Category": "cloud_ssd", "Size": 150, "DeleteWithInstance": "false"},
            {"Device": "/dev/xvdb", "Category": "cloud_essd", "PerformanceLevel": "PL2"},
            {"Category": "cloud_auto", "Size": 30},
        ),
    )
    _, first, second, extra = disks_of(cloud, shaped)
    assert (first["Device"], first["Category"], first["PerformanceLevel"], first["Size"]) == (
        "/dev/xvdb", "cloud_essd", "PL2", 500,
    )
    assert (second["Category"], second["Size"], second["DeleteWithInstance"]) == ("cloud_ssd", 150, False)
    assert (extra["Device"], extra["Category"], extra["Size"], extra["SourceSnapshotId"]) == (
        "/dev/xvdd", "cloud_auto", 30, "",
    )
    usage = {s["SnapshotId"]: s["Usage"] for s in snapshots(cloud, SnapshotIds=json.dumps(snapshot_ids))}
    assert set(usage.values()) == {"image_disk"}


def test_launch_refusals_about_the_images_disks(cloud: FakeCloud) -> None:
    image_id = image_of(cloud, source_with_data(cloud))["ImageId"]
    with pytest.raises(InvalidDiskSizeTooSmall, match="less than the 100 GiB") as caught:
        launch(cloud, ImageId=image_id, **data_disks({"Device": "/dev/xvdc", "Size": 50}))
    assert caught.value.http_status == 403
    with pytest.raises(InvalidDataDeviceMalformed, match="/dev/xvdb, /dev/xvdc"):
        launch(cloud, ImageId=image_id, **data_disks({"Device": "/dev/xvdq", "Size": 50}))
    with pytest.raises(InvalidDataDeviceMalformed, match="both name device"):
        launch(cloud, ImageId=image_id, **data_disks({"Device": "/dev/xvdb"}, {"Device": "/dev/xvdb"}))
    with pytest.raises(InstanceDiskNumberLimitExceed, match="17 data disks"):
        launch(cloud, ImageId=image_id, **data_disks(*[{"Size": 20}] * 15))


def test_data_disk_from_a_snapshot(cloud: FakeCloud, clock: Clock) -> None:
    image = image_of(cloud, source_with_data(cloud))
    system_snapshot, encrypted_snapshot, plain_snapshot = (m["SnapshotId"] for m in mappings(image))
    (instance_id,) = launch(cloud, **data_disks({"SnapshotId": plain_snapshot}, {"SnapshotId": encrypted_snapshot,
                                                                                  "Size": 600}))
    _, from_plain, from_encrypted = disks_of(cloud, instance_id)
    assert (from_plain["Size"], from_plain["SourceSnapshotId"], from_plain["ImageId"]) == (100, plain_snapshot, "")
    assert (from_encrypted["Size"], from_encrypted["KMSKeyId"]) == (600, HANGZHOU_KEY)
    with pytest.raises(InvalidDiskSizeTooSmall):
        launch(cloud, **data_disks({"SnapshotId": plain_snapshot, "Size": 20}))
    with pytest.raises(InvalidDataDiskSnapshotIdNotFound, match="DataDisk.1.SnapshotId") as not_found:
        launch(cloud, **data_disks({"SnapshotId": "s-nope"}))
    assert not_found.value.http_status == 404
    with pytest.raises(InvalidSnapshotIdNotDataDiskSnapshot) as system:
        launch(cloud, **data_disks({"SnapshotId": system_snapshot}))
    assert system.value.http_status == 403
    cloud.set_transition("image", "seconds", 10)
    busy = image_of(cloud, source_with_data(cloud), name="TemplateScratch-busy")
    with pytest.raises(InvalidSnapshotIdNotReady, match="progressing"):
        launch(cloud, **data_disks({"SnapshotId": mappings(busy)[2]["SnapshotId"]}))


def test_a_copy_holds_its_own_snapshots_in_the_destination_region(
    cloud: FakeCloud, shanghai: dict[str, str]
) -> None:
    (instance_id,) = launch(cloud, **data_disks({"Category": "cloud_ssd", "Size": 100}))
    image = image_of(cloud, instance_id)
    copy_id = ecs(cloud, "CopyImage", RegionId=R, ImageId=image["ImageId"], DestinationRegionId=SH)["ImageId"]
    copy = describe_image(cloud, SH, copy_id)
    source_ids = [m["SnapshotId"] for m in mappings(image)]
    copy_ids = [m["SnapshotId"] for m in mappings(copy)]
    assert set(copy_ids).isdisjoint(source_ids) and all(copy_ids)
    copied = snapshots(cloud, SH, SnapshotIds=json.dumps(copy_ids))
    assert [(s["SourceSnapshotId"], s["SourceRegionId"], s["RegionId"]) for s in copied] == [
        (source, R, SH) for source in source_ids
    ]
    assert snapshots(cloud, R, SnapshotIds=json.dumps(copy_ids)) == []
    (clone,) = launch(cloud, SH, ImageId=copy_id, InstanceType="ecs.g7.large", **shanghai,
                      **data_disks({"Device": "/dev/xvdb", "Category": "cloud_ssd"}))
    _, data = disks_of(cloud, clone, SH)
    assert (data["Category"], data["Size"], data["SourceSnapshotId"], data["ZoneId"]) == (
        "cloud_ssd", 100, copy_ids[1], "cn-shanghai-e",
    )


def test_an_encrypted_image_crosses_regions_only_with_a_key_of_the_destination(
    cloud: FakeCloud, shanghai: dict[str, str]
) -> None:
    image_id = image_of(cloud, source_with_data(cloud))["ImageId"]
    copy = {"RegionId": R, "ImageId": image_id, "DestinationRegionId": SH}
    with pytest.raises(OperationDeinedEncryptedSnapshot, match="Encrypted=true and KMSKeyId") as refused:
        ecs(cloud, "CopyImage", **copy)
    assert (refused.value.code, refused.value.http_status) == ("OperationDeined.EncryptedSnapshot", 403)
    with pytest.raises(InvalidParameterKMSKeyIdNotFound, match="cn-shanghai"):
        ecs(cloud, "CopyImage", Encrypted="true", KMSKeyId=HANGZHOU_KEY, **copy)
    with pytest.raises(InvalidParameterEncryptedIllegal):
        ecs(cloud, "CopyImage", KMSKeyId=SHANGHAI_KEY, **copy)
    assert cloud.backend("testid", SH).images == {} and cloud.backend("testid", SH).snapshots == {}
    copy_id = ecs(cloud, "CopyImage", Encrypted="true", KMSKeyId=SHANGHAI_KEY, **copy)["ImageId"]
    copied = snapshots(cloud, SH)
    assert {(s["Encrypted"], s["KMSKeyId"]) for s in copied} == {(True, SHANGHAI_KEY)}
    (clone,) = launch(cloud, SH, ImageId=copy_id, **shanghai)
    assert {(d["Encrypted"], d["KMSKeyId"]) for d in disks_of(cloud, clone, SH)} == {(True, SHANGHAI_KEY)}
    service_copy = ecs(cloud, "CopyImage", Encrypted="true", DestinationImageName="with-service-key", **copy)
    service_key = cloud.backend("testid", SH).service_key().key_id
    mapping_ids = [m["SnapshotId"] for m in mappings(describe_image(cloud, SH, service_copy["ImageId"]))]
    assert {s["KMSKeyId"] for s in snapshots(cloud, SH, SnapshotIds=json.dumps(mapping_ids))} == {service_key}
    same_region = ecs(cloud, "CopyImage", RegionId=R, ImageId=image_id, DestinationRegionId=R,
                      DestinationImageName="same-region")
    kept = mappings(describe_image(cloud, R, same_region["ImageId"]))
    assert [m["Encrypted"] for m in kept] == [False, True, False]  # same region: each snapshot keeps its key


def test_delete_image_leaves_its_snapshots_and_delete_snapshot_rules(cloud: FakeCloud) -> None:
    instance_id = source_with_data(cloud)
    image = image_of(cloud, instance_id)
    system_snapshot = mappings(image)[0]["SnapshotId"]
    with pytest.raises(SnapshotCreatedImage, match=image["ImageId"]) as held:
        ecs(cloud, "DeleteSnapshot", SnapshotId=system_snapshot)
    assert held.value.http_status == 403
    (clone,) = launch(cloud, ImageId=image["ImageId"])
    ecs(cloud, "DeleteImage", RegionId=R, ImageId=image["ImageId"], Force="true", DeleteAutoSnapshot="true")
    left = snapshots(cloud, SnapshotIds=json.dumps([m["SnapshotId"] for m in mappings(image)]))
    assert [s["Usage"] for s in left] == ["disk", "disk", "disk"]  # the API has no option to delete them too
    with pytest.raises(SnapshotCreatedDisk, match="Force=true") as used:
        ecs(cloud, "DeleteSnapshot", SnapshotId=system_snapshot)
    assert used.value.http_status == 403
    with pytest.raises(DryRunOperation):
        ecs(cloud, "DeleteSnapshot", SnapshotId=system_snapshot, Force="true", DryRun="true")
    for snapshot in left:
        ecs(cloud, "DeleteSnapshot", SnapshotId=snapshot["SnapshotId"], Force="true")
    assert snapshots(cloud, SnapshotIds=json.dumps([s["SnapshotId"] for s in left])) == []
    assert disks_of(cloud, clone)[0]["SourceSnapshotId"] == system_snapshot  # kept on the disk
    ecs(cloud, "DeleteSnapshot", SnapshotId=system_snapshot)  # an unknown snapshot is ignored, as the API does


def test_cancelled_copy_takes_its_snapshots_with_it(cloud: FakeCloud) -> None:
    cloud.set_transition("image_copy", "describes", 5)
    image_id = image_of(cloud, source_with_data(cloud))["ImageId"]
    copy_id = ecs(cloud, "CopyImage", RegionId=R, ImageId=image_id, DestinationRegionId=R, DestinationImageName="cancelled")
    copy_snapshots = {m["SnapshotId"] for m in mappings(describe_image(cloud, R, copy_id["ImageId"]))}
    assert {s["Status"] for s in snapshots(cloud, SnapshotIds=json.dumps(sorted(copy_snapshots)))} == {"progressing"}
    ecs(cloud, "CancelCopyImage", RegionId=R, ImageId=copy_id["ImageId"])
    assert snapshots(cloud, SnapshotIds=json.dumps(sorted(copy_snapshots))) == []
    assert len(snapshots(cloud)) == 3  # the source image's


def test_describe_snapshots_filters_and_pages(cloud: FakeCloud) -> None:
    image_of(cloud, source_with_data(cloud))
    assert len(snapshots(cloud, Usage="image", SnapshotType="user", Status="all")) == 3
    assert snapshots(cloud, SnapshotType="auto") == []
    first = ecs(cloud, "DescribeSnapshots", RegionId=R, MaxResults=2)
    assert (len(first["Snapshots"]["Snapshot"]), first["TotalCount"]) == (2, 3)
    rest = ecs(cloud, "DescribeSnapshots", RegionId=R, MaxResults=2, NextToken=first["NextToken"])
    assert len(rest["Snapshots"]["Snapshot"]) == 1 and rest["NextToken"] == ""

"""Disks through dispatch(): DataDisk.N and SystemDisk.* on RunInstances, encryption with KMS keys, DescribeDisks,
what releasing an instance does to its disks, DeleteDisk, and the world records that keep disks and keys."""

from __future__ import annotations

import pytest
from actions_support import Clock, R, data_disks, disks_of, ecs, launch

from fake_api.exceptions import (
    DryRunOperation,
    FakeApiError,
    IncorrectDiskStatus,
    InvalidDataDeviceMalformed,
    InvalidDataDiskCategoryValueNotSupported,
    InvalidDataDiskSizeValueNotSupported,
    InvalidDiskIdNotFound,
    InvalidDiskNameMalformed,
    InvalidParameterEncryptedIllegal,
    InvalidParameterKMSKeyIdCMKNotEnabled,
    InvalidParameterKMSKeyIdNotFound,
    InvalidPerformanceLevelMalformed,
    InvalidSystemDiskCategoryValueNotSupported,
    InvalidSystemDiskSizeValueNotSupported,
    MissingParameter,
)
from fake_api.models import FakeCloud
from fake_api.models.kms import SERVICE_KEY_ALIAS

KEY = "0e478b7a-4262-4802-b8cb-00d3fb40a001"
DISABLED_KEY = "0e478b7a-4262-4802-b8cb-00d3fb40a002"


@pytest.fixture
def cloud(clock: Clock) -> FakeCloud:
    cloud = FakeCloud("demo", clock=clock, profile="instant")
    cloud.seed_kms_key(R, key_id=KEY, description="data disks of the demo")
    cloud.seed_kms_key(R, key_id=DISABLED_KEY, state="Disabled")
    return cloud


def test_data_disks_of_different_categories_one_encrypted_with_a_kms_key(cloud: FakeCloud) -> None:
    (instance_id,) = launch(
        cloud,
        **{"SystemDisk.Category": "cloud_essd", "SystemDisk.PerformanceLevel": "PL1", "SystemDisk.Size": 60},
        **data_disks(
            {"Category": "cloud_essd", "PerformanceLevel": "PL2", "Size": 500, "Encrypted": "true", "KMSKeyId": KEY,
             "DiskName": "db-data", "Description": "database files"},
            {"Category": "cloud_efficiency", "Size": 100, "DeleteWithInstance": "false"},
        ),
    )
    system, first, second = disks_of(cloud, instance_id)
    assert (system["Type"], system["Category"], system["PerformanceLevel"], system["Size"], system["Device"]) == (
        "system", "cloud_essd", "PL1", 60, "/dev/xvda",
    )
    assert system["ImageId"] and not system["Encrypted"] and not system["Portable"]
    assert (first["Category"], first["PerformanceLevel"], first["Size"], first["Device"]) == (
        "cloud_essd", "PL2", 500, "/dev/xvdb",
    )
    assert (first["Encrypted"], first["KMSKeyId"], first["DiskName"], first["Description"]) == (
        True, KEY, "db-data", "database files",
    )
    assert (second["Category"], second["PerformanceLevel"], second["Device"], second["DeleteWithInstance"]) == (
        "cloud_efficiency", "", "/dev/xvdc", False,
    )
    for disk in (system, first, second):
        assert (disk["Status"], disk["InstanceId"], disk["ZoneId"]) == ("In_use", instance_id, "cn-hangzhou-h")
        assert disk["Attachments"]["Attachment"] == [
            {"InstanceId": instance_id, "Device": disk["Device"], "AttachedTime": disk["AttachedTime"]}
        ]
        assert disk["SerialNumber"] == disk["DiskId"][2:] and disk["IOPS"] > 0 and disk["Throughput"] > 0
    assert first["IOPS"] == min(1800 + 50 * 500, 100000)  # the published ESSD formula


def test_encrypted_without_a_key_uses_the_regions_ecs_service_key(cloud: FakeCloud) -> None:
    (instance_id,) = launch(cloud, **data_disks({"Size": 40, "Encrypted": "true"}))
    disk = disks_of(cloud, instance_id)[1]
    service_key = cloud.backend("testid", R).service_key()
    assert (disk["Encrypted"], disk["KMSKeyId"]) == (True, service_key.key_id)
    assert service_key.alias == SERVICE_KEY_ALIAS
    other = FakeCloud("demo").backend("testid", R).service_key()
    assert other.key_id == service_key.key_id  # stable for the account and region


@pytest.mark.parametrize(
    ("disk", "error", "status", "words"),
    [
        ({"Size": 40, "KMSKeyId": KEY}, InvalidParameterEncryptedIllegal, 400, "Encrypted is not true"),
        ({"Size": 40, "Encrypted": "true", "KMSKeyId": "nope"}, InvalidParameterKMSKeyIdNotFound, 404, "regional"),
        ({"Size": 40, "Encrypted": "true", "KMSKeyId": DISABLED_KEY}, InvalidParameterKMSKeyIdCMKNotEnabled, 403,
         "Disabled"),
        ({"Size": 40, "Category": "floppy"}, InvalidDataDiskCategoryValueNotSupported, 400, "DataDisk.1.Category"),
        ({"Size": 40, "Category": "cloud_essd_entry"}, InvalidDataDiskCategoryValueNotSupported, 400, "ecs.g7.large"),
        ({"Size": 100, "Category": "cloud_essd", "PerformanceLevel": "PL2"}, InvalidDataDiskSizeValueNotSupported,
         400, "from 461 to 65536"),
        ({"Size": 4, "Category": "cloud"}, InvalidDataDiskSizeValueNotSupported, 400, "from 5 to 2000"),
        ({"Size": 40, "Category": "cloud_essd", "PerformanceLevel": "PL9"}, InvalidPerformanceLevelMalformed, 400,
         "PL0, PL1, PL2, PL3"),
        ({"Size": 40, "DiskName": "1-starts-with-a-digit"}, InvalidDiskNameMalformed, 400, "disk name"),
        ({"Category": "cloud_essd"}, MissingParameter, 400, "DataDisk.1 needs Size"),
        ({"Size": 40, "Device": "/dev/xvdb"}, InvalidDataDeviceMalformed, 400, "has no data disk on that device"),
    ],
)
def test_refused_data_disks_name_the_parameter_and_create_nothing(
    cloud: FakeCloud, disk: dict[str, object], error: type[FakeApiError], status: int, words: str
) -> None:
    before = dict(cloud.backend("testid", R).disks)
    with pytest.raises(error, match=words) as caught:
        launch(cloud, **data_disks(disk))
    assert caught.value.http_status == status
    assert cloud.backend("testid", R).disks == before


def test_system_disk_rules(cloud: FakeCloud) -> None:
    with pytest.raises(InvalidSystemDiskSizeValueNotSupported, match="from 1261 to 2048"):
        launch(cloud, **{"SystemDisk.Category": "cloud_essd", "SystemDisk.PerformanceLevel": "PL3"})
    with pytest.raises(InvalidSystemDiskCategoryValueNotSupported, match="SystemDisk.Category"):
        launch(cloud, **{"SystemDisk.Category": "cloud_essd_entry"})
    (instance_id,) = launch(cloud, InstanceType="ecs.e-c1m2.large", **{"SystemDisk.Category": "cloud_essd_entry"})
    assert disks_of(cloud, instance_id)[0]["Category"] == "cloud_essd_entry"
    (instance_id,) = launch(cloud, **{"SystemDisk.Category": "cloud_essd"})
    assert disks_of(cloud, instance_id)[0]["PerformanceLevel"] == "PL1"  # the default level of an ESSD


def test_at_most_sixteen_data_disks(cloud: FakeCloud) -> None:
    launch(cloud, **data_disks(*[{"Size": 20}] * 16))
    with pytest.raises(FakeApiError) as caught:
        launch(cloud, **data_disks(*[{"Size": 20}] * 17))
    assert caught.value.code == "InvalidParameter" and "DataDisk.N takes N from 1 to 16" in caught.value.message


def test_each_instance_of_a_batch_gets_its_own_disks_tagged_like_it(cloud: FakeCloud) -> None:
    ids = launch(cloud, Amount=3, **{"Tag.1.Key": "team", "Tag.1.Value": "blue"}, **data_disks({"Size": 50}))
    disk_ids = [d["DiskId"] for i in ids for d in disks_of(cloud, i)]
    assert len(set(disk_ids)) == 6
    found = ecs(cloud, "DescribeDisks", RegionId=R, DiskIds=str(disk_ids).replace("'", '"'), MaxResults=10)
    assert found["TotalCount"] == 6
    assert all(d["Tags"]["Tag"] == [{"TagKey": "team", "TagValue": "blue"}] for d in found["Disks"]["Disk"])
    data = ecs(cloud, "DescribeDisks", RegionId=R, DiskType="data", Category="cloud_efficiency", PageSize=50)
    assert data["TotalCount"] == 3


def test_release_keeps_disks_that_are_not_deleted_with_the_instance(cloud: FakeCloud) -> None:
    (instance_id,) = launch(
        cloud, **data_disks({"Size": 40}, {"Size": 60, "DeleteWithInstance": "false", "DiskName": "keep-me"})
    )
    system_id, gone_id, kept_id = (d["DiskId"] for d in disks_of(cloud, instance_id))
    with pytest.raises(IncorrectDiskStatus, match="attached to") as caught:
        ecs(cloud, "DeleteDisk", DiskId=kept_id)
    assert caught.value.http_status == 403
    ecs(cloud, "DeleteInstance", InstanceId=instance_id, Force="true")
    left = ecs(cloud, "DescribeDisks", RegionId=R, DiskIds=f'["{system_id}", "{gone_id}", "{kept_id}"]')
    (kept,) = left["Disks"]["Disk"]
    assert (kept["DiskId"], kept["Status"], kept["InstanceId"], kept["Device"], kept["DiskName"]) == (
        kept_id, "Available", "", "", "keep-me",
    )
    assert kept["DetachedTime"] and kept["Attachments"]["Attachment"] == [] and kept["DiskChargeType"] == "PostPaid"
    with pytest.raises(DryRunOperation):
        ecs(cloud, "DeleteDisk", DiskId=kept_id, DryRun="true")
    ecs(cloud, "DeleteDisk", DiskId=kept_id)
    assert ecs(cloud, "DescribeDisks", RegionId=R, DiskIds=f'["{kept_id}"]')["TotalCount"] == 0
    ecs(cloud, "DeleteDisk", DiskId=kept_id)  # an unknown disk is ignored, as the API does


def test_disks_show_creating_until_their_instance_runs(cloud: FakeCloud) -> None:
    cloud.set_transition("disk", "describes", 5)
    cloud.set_transition("instance", "describes", 2)
    (instance_id,) = launch(cloud, **data_disks({"Size": 20}))
    assert {d["Status"] for d in disks_of(cloud, instance_id)} == {"Creating"}
    for _ in range(3):
        ecs(cloud, "DescribeInstances", RegionId=R, InstanceIds=f'["{instance_id}"]')
    assert {d["Status"] for d in disks_of(cloud, instance_id)} == {"In_use"}


def test_disks_keys_and_snapshots_survive_a_world_round_trip(cloud: FakeCloud) -> None:
    (instance_id,) = launch(
        cloud, **data_disks({"Size": 40, "Encrypted": "true", "KMSKeyId": KEY}, {"Size": 20, "DeleteWithInstance": "false"})
    )
    kept_id = disks_of(cloud, instance_id)[2]["DiskId"]
    ecs(cloud, "CreateImage", RegionId=R, InstanceId=instance_id, ImageName="TemplateScratch-round-trip")
    ecs(cloud, "DeleteInstance", InstanceId=instance_id, Force="true")
    world = cloud.dump()
    again = FakeCloud(world)
    assert again.dump() == world
    backend = again.backend("testid", R)
    assert backend.disks[kept_id].instance_id == "" and KEY in backend.kms_keys
    assert len(backend.snapshots) == 3


def test_detach_disk_leaves_the_data_disk_available(cloud: FakeCloud) -> None:
    (instance_id,) = launch(cloud, **data_disks({"Size": 40}, {"Size": 60}))
    system_id, first_id, second_id = (d["DiskId"] for d in disks_of(cloud, instance_id))
    with pytest.raises(IncorrectDiskStatus, match="system disk"):
        ecs(cloud, "DetachDisk", InstanceId=instance_id, DiskId=system_id)
    with pytest.raises(InvalidDiskIdNotFound):
        ecs(cloud, "DetachDisk", InstanceId=instance_id, DiskId="d-bp1nosuchdisk00")
    with pytest.raises(DryRunOperation):
        ecs(cloud, "DetachDisk", InstanceId=instance_id, DiskId=first_id, DryRun="true")
    ecs(cloud, "DetachDisk", InstanceId=instance_id, DiskId=first_id)
    assert [d["DiskId"] for d in disks_of(cloud, instance_id)] == [system_id, second_id]
    (detached,) = ecs(cloud, "DescribeDisks", RegionId=R, DiskIds=f'["{first_id}"]')["Disks"]["Disk"]
    assert (detached["Status"], detached["InstanceId"], detached["Device"]) == ("Available", "", "")
    with pytest.raises(IncorrectDiskStatus, match="not attached"):
        ecs(cloud, "DetachDisk", InstanceId=instance_id, DiskId=first_id)
    ecs(cloud, "DeleteDisk", DiskId=first_id)

"""The demo seed's rich and spot sources (cn-beijing): the contract other tests and the clone rely on, and a
whole clone of the rich source done by hand over the API, as a client would do it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from actions_support import ecs

from fake_api.exceptions import InvalidOperationDeletionProtection, OperationDeinedEncryptedSnapshot
from fake_api.models import FakeCloud
from fake_api.seeds import (
    DEMO_KMS_KEYS,
    DEMO_REGION_ID,
    RICH_DATA_DISKS,
    RICH_DEPLOYMENT_SET_ID,
    RICH_KEY_PAIR_NAME,
    RICH_RAM_ROLE_NAME,
    RICH_REGION_ID,
    RICH_RESOURCE_GROUP_ID,
    RICH_SECURITY_GROUP_ID,
    RICH_SOURCE_INSTANCE_ID,
    RICH_SYSTEM_DISK_ID,
    RICH_USER_DATA,
    RICH_VPC_ID,
    RICH_VSWITCH_ID,
    SPOT_SOURCE_INSTANCE_ID,
)

B, SH = RICH_REGION_ID, "cn-shanghai"


@pytest.fixture
def cloud() -> FakeCloud:
    return FakeCloud("demo", profile="instant")


def described(cloud: FakeCloud, instance_id: str) -> dict[str, Any]:
    (found,) = ecs(cloud, "DescribeInstances", RegionId=B, InstanceIds=json.dumps([instance_id]))["Instances"]["Instance"]
    return found


def test_the_rich_source(cloud: FakeCloud) -> None:
    found = described(cloud, RICH_SOURCE_INSTANCE_ID)
    assert (found["InstanceName"], found["HostName"], found["Status"], found["InstanceChargeType"]) == (
        "rich-app-1", "rich-app-1", "Running", "PostPaid",
    )
    assert (found["VpcAttributes"]["VpcId"], found["VpcAttributes"]["VSwitchId"]) == (RICH_VPC_ID, RICH_VSWITCH_ID)
    assert found["SecurityGroupIds"]["SecurityGroupId"] == [RICH_SECURITY_GROUP_ID]
    assert (found["InternetChargeType"], found["InternetMaxBandwidthOut"], found["InternetMaxBandwidthIn"]) == (
        "PayByTraffic", 5, 10,
    )
    assert (found["KeyPairName"], found["DeletionProtection"], found["ResourceGroupId"]) == (
        RICH_KEY_PAIR_NAME, True, RICH_RESOURCE_GROUP_ID,
    )
    assert (found["DeploymentSetId"], found["MetadataOptions"]["HttpTokens"], found["SpotStrategy"]) == (
        RICH_DEPLOYMENT_SET_ID, "required", "NoSpot",
    )
    assert {t["TagKey"]: t["TagValue"] for t in found["Tags"]["Tag"]} == {"app": "rich", "env": "demo"}
    assert found["Description"]
    disks = ecs(cloud, "DescribeDisks", RegionId=B, InstanceId=RICH_SOURCE_INSTANCE_ID)["Disks"]["Disk"]
    assert [(d["DiskId"], d["Device"], d["Category"], d["PerformanceLevel"], d["Size"], d["KMSKeyId"]) for d in disks] == [
        (RICH_SYSTEM_DISK_ID, "/dev/xvda", "cloud_essd", "PL1", 40, ""),
        *[(disk_id, device, category, level, size, key) for device, (disk_id, category, level, size, key) in
          RICH_DATA_DISKS.items()],
    ]
    assert disks[1]["Encrypted"] and DEMO_KMS_KEYS[B] == disks[1]["KMSKeyId"]
    roles = ecs(cloud, "DescribeInstanceRamRole", RegionId=B, InstanceIds=json.dumps([RICH_SOURCE_INSTANCE_ID]))
    assert roles["InstanceRamRoleSets"]["InstanceRamRoleSet"][0]["RamRoleName"] == RICH_RAM_ROLE_NAME
    assert ecs(cloud, "DescribeUserData", RegionId=B, InstanceId=RICH_SOURCE_INSTANCE_ID)["UserData"] == RICH_USER_DATA
    (key,) = ecs(cloud, "DescribeKeyPairs", RegionId=B, KeyPairName=RICH_KEY_PAIR_NAME)["KeyPairs"]["KeyPair"]
    assert key["KeyPairFingerPrint"].count(":") == 15
    with pytest.raises(InvalidOperationDeletionProtection):
        ecs(cloud, "DeleteInstance", InstanceId=RICH_SOURCE_INSTANCE_ID, Force="true")


def test_the_spot_source(cloud: FakeCloud) -> None:
    found = described(cloud, SPOT_SOURCE_INSTANCE_ID)
    assert (found["SpotStrategy"], found["SpotPriceLimit"], found["SpotDuration"], found["SpotInterruptionBehavior"]) == (
        "SpotWithPriceLimit", 0.25, 1, "Terminate",
    )
    assert (found["InstanceName"], found["InstanceChargeType"], found["KeyPairName"]) == ("spot-worker-1", "PostPaid", "")


def test_the_demo_region_is_as_before(cloud: FakeCloud) -> None:
    assert [i.name for i in cloud.backend("testid", DEMO_REGION_ID).instances.values()] == ["web-1", "web-2"]
    for region, key in DEMO_KMS_KEYS.items():
        assert key in cloud.backend("testid", region).kms_keys


def test_a_clone_of_the_rich_source_with_its_data_in_another_region(cloud: FakeCloud) -> None:
    """What a client does to clone rich-app-1 to cn-shanghai: image, encrypted copy, network, launch."""
    image_id = ecs(cloud, "CreateImage", RegionId=B, InstanceId=RICH_SOURCE_INSTANCE_ID,
                   ImageName="TemplateScratch-rich")["ImageId"]
    copy = {"RegionId": B, "ImageId": image_id, "DestinationRegionId": SH, "DestinationImageName": "TemplateScratch-rich"}
    with pytest.raises(OperationDeinedEncryptedSnapshot):
        ecs(cloud, "CopyImage", **copy)
    copy_id = ecs(cloud, "CopyImage", Encrypted="true", KMSKeyId=DEMO_KMS_KEYS[SH], **copy)["ImageId"]
    ecs(cloud, "ImportKeyPair", RegionId=SH, KeyPairName=RICH_KEY_PAIR_NAME, PublicKeyBody=ecs(
        cloud, "DescribeKeyPairs", RegionId=B, IncludePublicKey="true")["KeyPairs"]["KeyPair"][0]["PublicKey"])
    vpc = cloud.seed_vpc(SH, cidr_block="10.20.0.0/16")
    vswitch = cloud.seed_vswitch(SH, vpc_id=vpc, zone_id="cn-shanghai-e", cidr_block="10.20.1.0/24")
    group = cloud.seed_security_group(SH, vpc_id=vpc, name="rich-sg-copy")
    data = {}
    for n, (device, (_, category, level, _, _)) in enumerate(RICH_DATA_DISKS.items(), start=1):
        data |= {f"DataDisk.{n}.Device": device, f"DataDisk.{n}.Category": category}
        if level:
            data[f"DataDisk.{n}.PerformanceLevel"] = level
    ids = ecs(
        cloud, "RunInstances", RegionId=SH, ImageId=copy_id, InstanceType="ecs.g7.large", VSwitchId=vswitch,
        SecurityGroupId=group, Amount=3, InstanceName="rich-app-1-clone-[1,3]", HostName="rich-app-1-clone-[1,3]",
        KeyPairName=RICH_KEY_PAIR_NAME, RamRoleName=RICH_RAM_ROLE_NAME, UserData=RICH_USER_DATA,
        DeletionProtection="true", InternetChargeType="PayByTraffic", InternetMaxBandwidthOut=5, HttpTokens="required",
        ResourceGroupId=RICH_RESOURCE_GROUP_ID, **{"SystemDisk.Category": "cloud_essd", "SystemDisk.PerformanceLevel": "PL1"},
        **{"Tag.1.Key": "app", "Tag.1.Value": "rich", "Tag.2.Key": "env", "Tag.2.Value": "demo"}, **data,
    )["InstanceIdSets"]["InstanceIdSet"]
    source_disks = ecs(cloud, "DescribeDisks", RegionId=B, InstanceId=RICH_SOURCE_INSTANCE_ID)["Disks"]["Disk"]
    shape = [(d["Device"], d["Category"], d["PerformanceLevel"], d["Size"]) for d in source_disks]
    names = set()
    for instance_id in ids:
        disks = ecs(cloud, "DescribeDisks", RegionId=SH, InstanceId=instance_id)["Disks"]["Disk"]
        assert [(d["Device"], d["Category"], d["PerformanceLevel"], d["Size"]) for d in disks] == shape
        # CopyImage with Encrypted=true encrypts the whole copy, with the destination's key: every disk of a clone.
        assert {(d["Encrypted"], d["KMSKeyId"]) for d in disks} == {(True, DEMO_KMS_KEYS[SH])}
        (clone,) = ecs(cloud, "DescribeInstances", RegionId=SH, InstanceIds=json.dumps([instance_id]))["Instances"][
            "Instance"]
        assert (clone["KeyPairName"], clone["DeletionProtection"], clone["ResourceGroupId"]) == (
            RICH_KEY_PAIR_NAME, True, RICH_RESOURCE_GROUP_ID,
        )
        names.add((clone["InstanceName"], clone["HostName"]))
    assert names == {(f"rich-app-1-clone-{n:03d}", f"rich-app-1-clone-{n:03d}") for n in (1, 2, 3)}

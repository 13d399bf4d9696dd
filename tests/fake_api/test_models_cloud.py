"""FakeCloud as a Python object: seeds, dump/reset round trip, accounts, knobs and their errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fake_api.dispatch import dispatch
from fake_api.exceptions import InvalidAccessKeyIdNotFound, InvalidImageIdNotFound, QuotaExceedElasticQuota
from fake_api.models import FakeCloud
from fake_api.seeds import (
    DEMO_IMAGE_ID,
    DEMO_REGION_ID,
    DEMO_SECOND_INSTANCE_ID,
    DEMO_SECURITY_GROUP_ID,
    DEMO_SOURCE_INSTANCE_ID,
    DEMO_VPC_ID,
    DEMO_VSWITCH_ID,
)

ECS, VPC = "2014-05-26", "2016-04-28"


def ecs(cloud: FakeCloud, action: str, **params: Any) -> dict[str, Any]:
    return dispatch(cloud, "testid", ECS, action, {k: str(v) for k, v in params.items()})


def test_demo_seed_holds_the_documented_source_environment() -> None:
    cloud = FakeCloud("demo")
    body = ecs(cloud, "DescribeInstances", RegionId=DEMO_REGION_ID)
    by_id = {i["InstanceId"]: i for i in body["Instances"]["Instance"]}
    assert set(by_id) == {DEMO_SOURCE_INSTANCE_ID, DEMO_SECOND_INSTANCE_ID}
    web1 = by_id[DEMO_SOURCE_INSTANCE_ID]
    assert (web1["InstanceName"], web1["Status"], web1["InstanceChargeType"]) == ("web-1", "Running", "PostPaid")
    assert web1["InstanceType"] == "ecs.g7.large" and web1["ImageId"] == DEMO_IMAGE_ID
    assert web1["VpcAttributes"]["PrivateIpAddress"]["IpAddress"] == ["192.168.1.10"]
    assert web1["VpcAttributes"]["VSwitchId"] == DEMO_VSWITCH_ID
    assert by_id[DEMO_SECOND_INSTANCE_ID]["VpcAttributes"]["PrivateIpAddress"]["IpAddress"] == ["192.168.1.11"]
    assert web1["SecurityGroupIds"]["SecurityGroupId"] == [DEMO_SECURITY_GROUP_ID]
    # The boot image is a visible public image.
    images = ecs(cloud, "DescribeImages", RegionId=DEMO_REGION_ID, ImageId=DEMO_IMAGE_ID)["Images"]["Image"]
    assert [i["ImageOwnerAlias"] for i in images] == ["system"]
    rules = ecs(cloud, "DescribeSecurityGroupAttribute", RegionId=DEMO_REGION_ID, SecurityGroupId=DEMO_SECURITY_GROUP_ID)
    directions = [r["Direction"] for r in rules["Permissions"]["Permission"]]
    assert directions.count("ingress") >= 4 and directions.count("egress") >= 1


def test_empty_seed_has_catalogue_but_no_resources() -> None:
    cloud = FakeCloud("empty")
    assert ecs(cloud, "DescribeInstances", RegionId=DEMO_REGION_ID)["TotalCount"] == 0
    assert ecs(cloud, "DescribeImages", RegionId=DEMO_REGION_ID)["TotalCount"] >= 3
    assert cloud.secret_for("testid") == "testsecret"


def test_dump_is_json_and_reset_from_it_reproduces_the_state() -> None:
    cloud = FakeCloud("demo")
    cloud.set_profile("realistic", time_scale=1 / 60)  # the copy below is still in flight when dumped
    cloud.set_transition("image", "immediate")
    cloud.set_transition("instance", "describes", 3)
    cloud.set_stock("cn-shanghai", "cn-shanghai-e", "ecs.g7.large", "WithoutStock")
    cloud.set_quota("cn-hangzhou", 7)
    image_id = ecs(cloud, "CreateImage", RegionId=DEMO_REGION_ID, InstanceId=DEMO_SOURCE_INSTANCE_ID, ImageName="img-a")[
        "ImageId"
    ]
    ecs(cloud, "CopyImage", RegionId=DEMO_REGION_ID, ImageId=image_id, DestinationRegionId="cn-beijing", ClientToken="t1")
    world = cloud.dump()
    json.dumps(world)  # JSON-able
    again = FakeCloud(world)
    assert again.dump() == world
    assert again.profile == cloud.profile and world["profile"] == {"name": "realistic", "time_scale": 1 / 60}
    cloud.reset(world)
    assert cloud.dump() == world
    # The client-token record survived: the same call answers the same copy.
    copies = ecs(again, "DescribeImages", RegionId="cn-beijing", ImageOwnerAlias="self", Status="Creating")["Images"]["Image"]
    repeat = ecs(again, "CopyImage", RegionId=DEMO_REGION_ID, ImageId=image_id, DestinationRegionId="cn-beijing", ClientToken="t1")
    assert [c["ImageId"] for c in copies] == [repeat["ImageId"]]


def test_reset_to_named_seeds_and_bad_seeds() -> None:
    cloud = FakeCloud("demo")
    cloud.reset("empty")
    assert ecs(cloud, "DescribeInstances", RegionId=DEMO_REGION_ID)["TotalCount"] == 0
    cloud.reset()
    assert ecs(cloud, "DescribeInstances", RegionId=DEMO_REGION_ID)["TotalCount"] == 2
    with pytest.raises(ValueError, match="unknown seed 'nope'"):
        cloud.reset("nope")
    with pytest.raises(ValueError, match="world format"):
        cloud.reset({"format": 99})


def test_accounts_are_isolated_and_unknown_keys_refused() -> None:
    cloud = FakeCloud("demo")
    cloud.add_account("otherid", "othersecret")
    assert cloud.secret_for("otherid") == "othersecret"
    assert cloud.secret_for("nobody") is None
    other = dispatch(cloud, "otherid", ECS, "DescribeInstances", {"RegionId": DEMO_REGION_ID})
    assert other["TotalCount"] == 0
    with pytest.raises(InvalidAccessKeyIdNotFound):
        dispatch(cloud, "nobody", ECS, "DescribeInstances", {"RegionId": DEMO_REGION_ID})


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("floppy", "immediate", 0), "unknown transition kind 'floppy'"),
        (("image", "slowly", 0), "unknown transition mode 'slowly'"),
        (("image", "seconds", -1), "must be a number >= 0"),
        (("image", "describes", 1.5), "integer"),
    ],
)
def test_set_transition_rejects_bad_values(args: tuple[str, str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FakeCloud("empty").set_transition(*args)


def test_set_stock_and_quota_reject_bad_values() -> None:
    cloud = FakeCloud("empty")
    with pytest.raises(ValueError, match="unknown region"):
        cloud.set_stock("mars-1", "x", "ecs.g7.large", "WithStock")
    with pytest.raises(ValueError, match="unknown zone"):
        cloud.set_stock("cn-hangzhou", "cn-shanghai-e", "ecs.g7.large", "WithStock")
    with pytest.raises(ValueError, match="unknown instance type"):
        cloud.set_stock("cn-hangzhou", "cn-hangzhou-h", "ecs.huge", "WithStock")
    with pytest.raises(ValueError, match="unknown stock category"):
        cloud.set_stock("cn-hangzhou", "cn-hangzhou-h", "ecs.g7.large", "Plenty")
    with pytest.raises(ValueError, match="integer >= 0"):
        cloud.set_quota("cn-hangzhou", -1)
    with pytest.raises(ValueError, match="does not exist"):
        cloud.set_quota("mars-1", 3)


def test_seed_instance_supports_classic_hidden_image_and_prepaid() -> None:
    cloud = FakeCloud("demo")
    classic = cloud.seed_instance("cn-hangzhou", network_type="classic", name="old-box", image_id=DEMO_IMAGE_ID)
    hidden = cloud.seed_instance(
        "cn-hangzhou",
        vswitch_id=DEMO_VSWITCH_ID,
        security_group_ids=[DEMO_SECURITY_GROUP_ID],
        image_id="m-bp1deletedimage0001",
        private_ip="192.168.1.50",
        charge_type="PrePaid",
        period=1,
        period_unit="Month",
        expired_time="2030-01-01T00:00:00Z",
    )
    attrs = {i["InstanceId"]: i for i in ecs(cloud, "DescribeInstances", RegionId="cn-hangzhou", PageSize=50)["Instances"]["Instance"]}
    assert attrs[classic]["InstanceNetworkType"] == "classic"
    assert attrs[classic]["VpcAttributes"]["VpcId"] == ""
    assert attrs[classic]["InnerIpAddress"]["IpAddress"]
    assert attrs[hidden]["InstanceChargeType"] == "PrePaid"
    assert attrs[hidden]["VpcAttributes"]["VpcId"] == DEMO_VPC_ID
    with pytest.raises(InvalidImageIdNotFound):
        ecs(cloud, "DeleteImage", RegionId="cn-hangzhou", ImageId="m-bp1deletedimage0001")
    assert ecs(cloud, "DescribeImages", RegionId="cn-hangzhou", ImageId="m-bp1deletedimage0001")["Images"]["Image"] == []
    # The seeded address is taken: RunInstances cannot have it.
    vsw = dispatch(cloud, "testid", VPC, "DescribeVSwitches", {"RegionId": "cn-hangzhou", "VSwitchId": DEMO_VSWITCH_ID})
    assert vsw["VSwitches"]["VSwitch"][0]["AvailableIpAddressCount"] == 256 - 4 - 3


def test_seed_instance_refuses_unknown_references() -> None:
    cloud = FakeCloud("demo")
    with pytest.raises(ValueError, match="vSwitch 'vsw-nope'"):
        cloud.seed_instance("cn-hangzhou", vswitch_id="vsw-nope")
    with pytest.raises(ValueError, match="outside vSwitch"):
        cloud.seed_instance("cn-hangzhou", vswitch_id=DEMO_VSWITCH_ID, private_ip="10.0.0.5")


def test_seeded_resources_of_every_kind() -> None:
    cloud = FakeCloud("empty")
    vpc = cloud.seed_vpc("cn-beijing", cidr_block="10.0.0.0/8", name="legacy")
    vsw = cloud.seed_vswitch("cn-beijing", vpc_id=vpc, zone_id="cn-beijing-g", cidr_block="10.1.0.0/16")
    sg = cloud.seed_security_group(
        "cn-beijing",
        vpc_id=vpc,
        rules=[{"direction": "ingress", "ip_protocol": "TCP", "port_range": "22/22", "source_cidr_ip": "0.0.0.0/0"}],
    )
    image = cloud.seed_image("cn-beijing", name="golden", size=40)
    instance = cloud.seed_instance("cn-beijing", vswitch_id=vsw, security_group_ids=[sg], image_id=image)
    body = ecs(cloud, "DescribeInstanceAttribute", InstanceId=instance)
    assert body["VpcAttributes"]["PrivateIpAddress"]["IpAddress"] == ["10.1.0.1"]
    assert body["ImageId"] == image and body["RegionId"] == "cn-beijing"


def test_quota_knob_limits_run_instances() -> None:
    cloud = FakeCloud("demo")
    cloud.set_quota("cn-hangzhou", 2)
    with pytest.raises(QuotaExceedElasticQuota):
        ecs(
            cloud,
            "RunInstances",
            RegionId="cn-hangzhou",
            ImageId=DEMO_IMAGE_ID,
            InstanceType="ecs.g7.large",
            VSwitchId=DEMO_VSWITCH_ID,
            SecurityGroupId=DEMO_SECURITY_GROUP_ID,
        )

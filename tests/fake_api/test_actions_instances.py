"""Instance actions through dispatch(): RunInstances rules, lifecycle and transitions, describes and paging."""

from __future__ import annotations

from typing import Any

import pytest
from actions_support import Clock

from fake_api.dispatch import dispatch
from fake_api.exceptions import (
    DryRunOperation,
    FakeApiError,
    IdempotentParameterMismatch,
    IncorrectInstanceStatus,
    IncorrectVSwitchStatus,
    InvalidImageIdNotFound,
    InvalidInstanceIdNotFound,
    InvalidInstanceNameMalformed,
    InvalidInstanceTypeValueNotSupported,
    InvalidParameter,
    InvalidParameterMismatch,
    InvalidPrivateIpAddress,
    InvalidPrivateIpAddressDuplicated,
    MissingParameter,
    OperationDeniedNoStock,
    QuotaExceedElasticQuota,
)
from fake_api.models import FakeCloud
from fake_api.seeds import (
    DEMO_IMAGE_ID,
    DEMO_SECURITY_GROUP_ID,
    DEMO_SOURCE_INSTANCE_ID,
    DEMO_VPC_ID,
    DEMO_VSWITCH_ID,
)

ECS, VPC = "2014-05-26", "2016-04-28"
R = "cn-hangzhou"



@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cloud(clock: Clock) -> FakeCloud:
    return FakeCloud("demo", clock=clock, profile="instant")


def ecs(cloud: FakeCloud, action: str, **params: Any) -> dict[str, Any]:
    return dispatch(cloud, "testid", ECS, action, {k: str(v) for k, v in params.items()})


def run(cloud: FakeCloud, **extra: Any) -> list[str]:
    params: dict[str, Any] = {
        "RegionId": R,
        "ImageId": DEMO_IMAGE_ID,
        "InstanceType": "ecs.g7.large",
        "VSwitchId": DEMO_VSWITCH_ID,
        "SecurityGroupId": DEMO_SECURITY_GROUP_ID,
        **extra,
    }
    params = {k: v for k, v in params.items() if v is not None}
    ids: list[str] = ecs(cloud, "RunInstances", **params)["InstanceIdSets"]["InstanceIdSet"]
    return ids


def attribute(cloud: FakeCloud, instance_id: str) -> dict[str, Any]:
    return ecs(cloud, "DescribeInstanceAttribute", InstanceId=instance_id)


def test_run_instances_returns_ids_shaped_like_real_ones(cloud: FakeCloud) -> None:
    ids = run(cloud, Amount=2)
    assert len(ids) == 2
    for instance_id in ids:
        assert instance_id.startswith("i-bp1") and len(instance_id) == 22
        assert instance_id[2:].isalnum() and instance_id == instance_id.lower()
    body = attribute(cloud, ids[0])
    assert (body["Status"], body["Cpu"], body["Memory"]) == ("Running", 2, 8192)
    assert body["ZoneId"] == "cn-hangzhou-h" and body["VpcAttributes"]["VpcId"] == DEMO_VPC_ID
    disks = ecs(cloud, "DescribeDisks", RegionId=R, InstanceId=ids[0])["Disks"]["Disk"]
    assert [(d["Type"], d["Category"], d["Size"]) for d in disks] == [("system", "cloud_efficiency", 40)]
    assert disks[0]["DiskId"].startswith("d-")


def test_private_ips_are_allocated_from_the_vswitch_skipping_used_and_reserved(cloud: FakeCloud) -> None:
    ids = run(cloud, Amount=3)
    ips = [attribute(cloud, i)["VpcAttributes"]["PrivateIpAddress"]["IpAddress"][0] for i in ids]
    assert ips == ["192.168.1.1", "192.168.1.2", "192.168.1.3"]


def test_private_ip_must_be_inside_free_and_not_reserved(cloud: FakeCloud) -> None:
    with pytest.raises(InvalidPrivateIpAddress):
        run(cloud, PrivateIpAddress="10.0.0.5")
    with pytest.raises(InvalidPrivateIpAddress):
        run(cloud, PrivateIpAddress="192.168.1.254")  # one of the last three: reserved
    with pytest.raises(InvalidPrivateIpAddress):
        run(cloud, PrivateIpAddress="192.168.1.0")
    with pytest.raises(InvalidPrivateIpAddressDuplicated) as caught:
        run(cloud, PrivateIpAddress="192.168.1.10")  # web-1 has it
    assert caught.value.http_status == 400


def test_amount_with_private_ip_gives_consecutive_addresses(cloud: FakeCloud) -> None:
    ids = run(cloud, Amount=3, PrivateIpAddress="192.168.1.20")
    ips = [attribute(cloud, i)["VpcAttributes"]["PrivateIpAddress"]["IpAddress"][0] for i in ids]
    assert ips == ["192.168.1.20", "192.168.1.21", "192.168.1.22"]
    with pytest.raises(InvalidPrivateIpAddressDuplicated):
        run(cloud, Amount=2, PrivateIpAddress="192.168.1.9")  # .10 is taken


def test_batch_name_patterns_and_unique_suffix(cloud: FakeCloud) -> None:
    ids = run(cloud, Amount=2, InstanceName="k8s-node-[6,4]", HostName="node-[1,2]")
    names = [(attribute(cloud, i)["InstanceName"], attribute(cloud, i)["HostName"]) for i in ids]
    assert names == [("k8s-node-0006", "node-01"), ("k8s-node-0007", "node-02")]
    ids = run(cloud, Amount=2, InstanceName="web", UniqueSuffix="true")
    assert [attribute(cloud, i)["InstanceName"] for i in ids] == ["web001", "web002"]
    ids = run(cloud, InstanceName="solo")
    assert attribute(cloud, ids[0])["InstanceName"] == "solo"
    (default,) = run(cloud)
    assert attribute(cloud, default)["InstanceName"] == default
    with pytest.raises(InvalidInstanceNameMalformed):
        run(cloud, InstanceName="9lives")
    with pytest.raises(InvalidInstanceNameMalformed):
        run(cloud, InstanceName="x-[1,9]")


def test_security_group_xor_and_same_vpc(cloud: FakeCloud) -> None:
    with pytest.raises(InvalidParameter, match="not both"):
        run(cloud, **{"SecurityGroupIds.1": DEMO_SECURITY_GROUP_ID})
    with pytest.raises(MissingParameter, match="SecurityGroupId"):
        run(cloud, SecurityGroupId=None)
    assert run(cloud, SecurityGroupId=None, **{"SecurityGroupIds.1": DEMO_SECURITY_GROUP_ID})
    other_vpc = dispatch(cloud, "testid", VPC, "CreateVpc", {"RegionId": R, "CidrBlock": "10.0.0.0/16"})["VpcId"]
    other_sg = ecs(cloud, "CreateSecurityGroup", RegionId=R, VpcId=other_vpc)["SecurityGroupId"]
    with pytest.raises(InvalidParameterMismatch, match="same VPC"):
        run(cloud, SecurityGroupId=other_sg)
    with pytest.raises(InvalidParameterMismatch, match="zone"):
        run(cloud, ZoneId="cn-hangzhou-i")


def test_unknown_type_image_and_sold_out_stock(cloud: FakeCloud) -> None:
    with pytest.raises(InvalidInstanceTypeValueNotSupported):
        run(cloud, InstanceType="ecs.nope.large")
    with pytest.raises(InvalidImageIdNotFound):
        run(cloud, ImageId="m-bp1doesnotexist00000")
    cloud.set_stock(R, "cn-hangzhou-h", "ecs.g7.large", "ClosedWithoutStock")
    with pytest.raises(OperationDeniedNoStock) as caught:
        run(cloud)
    assert caught.value.http_status == 403
    assert run(cloud, InstanceType="ecs.g6.large")  # the similar type still sells
    cloud.set_stock(R, "cn-hangzhou-h", "ecs.g7.large", "ClosedWithStock")
    assert run(cloud)


def test_quota_with_and_without_min_amount(cloud: FakeCloud) -> None:
    cloud.set_quota(R, 5)  # the demo already has 2
    with pytest.raises(QuotaExceedElasticQuota):
        run(cloud, Amount=4)
    with pytest.raises(QuotaExceedElasticQuota):
        run(cloud, Amount=5, MinAmount=4)
    ids = run(cloud, Amount=5, MinAmount=2)
    assert len(ids) == 3
    with pytest.raises(InvalidParameter, match="MinAmount"):
        run(cloud, Amount=2, MinAmount=3)
    with pytest.raises(InvalidParameter, match="Amount"):
        run(cloud, Amount=101)


def test_charge_types_and_periods(cloud: FakeCloud) -> None:
    (prepaid,) = run(cloud, InstanceChargeType="PrePaid", Period=1, PeriodUnit="Month")
    body = attribute(cloud, prepaid)
    assert body["InstanceChargeType"] == "PrePaid" and body["ExpiredTime"] > body["CreationTime"]
    with pytest.raises(MissingParameter, match="Period"):
        run(cloud, InstanceChargeType="PrePaid")
    with pytest.raises(InvalidParameter, match="Period"):
        run(cloud, InstanceChargeType="PrePaid", Period=5, PeriodUnit="Week")
    with pytest.raises(InvalidParameter, match="InstanceChargeType"):
        run(cloud, InstanceChargeType="Spot")


def test_system_disk_bandwidth_tags(cloud: FakeCloud) -> None:
    (instance_id,) = run(
        cloud,
        **{"SystemDisk.Category": "cloud_essd", "SystemDisk.Size": 80, "InternetMaxBandwidthOut": 10},
        **{"Tag.1.Key": "team", "Tag.1.Value": "blue", "DataDisk.1.Size": 100, "DataDisk.1.Category": "cloud_essd"},
    )
    listed = ecs(cloud, "DescribeInstances", RegionId=R, InstanceIds=f'["{instance_id}"]')["Instances"]["Instance"][0]
    assert listed["InternetMaxBandwidthOut"] == 10 and listed["PublicIpAddress"]["IpAddress"]
    assert listed["Tags"]["Tag"] == [{"TagKey": "team", "TagValue": "blue"}]
    disks = ecs(cloud, "DescribeDisks", RegionId=R, InstanceId=instance_id, DiskType="all")["Disks"]["Disk"]
    assert sorted((d["Type"], d["Size"]) for d in disks) == [("data", 100), ("system", 80)]
    with pytest.raises(FakeApiError, match="SystemDisk.Size"):
        run(cloud, **{"SystemDisk.Size": 10})
    with pytest.raises(FakeApiError, match="SystemDisk.Category"):
        run(cloud, **{"SystemDisk.Category": "floppy"})


def test_dry_run_validates_without_creating(cloud: FakeCloud) -> None:
    with pytest.raises(DryRunOperation) as caught:
        run(cloud, DryRun="true")
    assert caught.value.message == "Request validation has been passed with DryRun flag set."
    assert ecs(cloud, "DescribeInstances", RegionId=R)["TotalCount"] == 2
    with pytest.raises(InvalidInstanceTypeValueNotSupported):
        run(cloud, DryRun="true", InstanceType="ecs.nope")


def test_client_token_idempotency(cloud: FakeCloud) -> None:
    first = run(cloud, Amount=2, ClientToken="launch-1")
    assert run(cloud, Amount=2, ClientToken="launch-1") == first
    assert ecs(cloud, "DescribeInstances", RegionId=R)["TotalCount"] == 4
    with pytest.raises(IdempotentParameterMismatch):
        run(cloud, Amount=3, ClientToken="launch-1")
    with pytest.raises(FakeApiError, match="ClientToken"):
        run(cloud, ClientToken="x" * 65)


def test_lifecycle_immediate(cloud: FakeCloud) -> None:
    (instance_id,) = run(cloud)
    with pytest.raises(IncorrectInstanceStatus):
        ecs(cloud, "DeleteInstance", InstanceId=instance_id)
    with pytest.raises(IncorrectInstanceStatus):
        ecs(cloud, "StartInstance", InstanceId=instance_id)
    ecs(cloud, "StopInstance", InstanceId=instance_id)
    assert attribute(cloud, instance_id)["Status"] == "Stopped"
    ecs(cloud, "StartInstance", InstanceId=instance_id)
    assert attribute(cloud, instance_id)["Status"] == "Running"
    ecs(cloud, "DeleteInstance", InstanceId=instance_id, Force="true")
    with pytest.raises(InvalidInstanceIdNotFound):
        attribute(cloud, instance_id)
    assert instance_id not in str(ecs(cloud, "DescribeInstances", RegionId=R))


def test_instance_transitions_after_describes(cloud: FakeCloud) -> None:
    cloud.set_transition("instance", "describes", 2)
    cloud.set_transition("instance_stop", "describes", 2)
    (instance_id,) = run(cloud)
    assert [attribute(cloud, instance_id)["Status"] for _ in range(3)] == ["Pending", "Starting", "Running"]
    ecs(cloud, "StopInstance", InstanceId=instance_id)
    seen = [attribute(cloud, instance_id)["Status"] for _ in range(3)]
    assert seen == ["Stopping", "Stopping", "Stopped"]
    with pytest.raises(IncorrectInstanceStatus):
        ecs(cloud, "StopInstance", InstanceId=instance_id)


def test_instance_transitions_after_seconds(cloud: FakeCloud, clock: Clock) -> None:
    cloud.set_transition("instance", "seconds", 10)
    (instance_id,) = run(cloud)
    assert attribute(cloud, instance_id)["Status"] == "Pending"
    clock.now += 6
    assert attribute(cloud, instance_id)["Status"] == "Starting"
    clock.now += 4
    assert attribute(cloud, instance_id)["Status"] == "Running"


def test_delete_instances_all_or_nothing(cloud: FakeCloud) -> None:
    a, b = run(cloud, Amount=2)
    ecs(cloud, "StopInstance", InstanceId=a)
    with pytest.raises(IncorrectInstanceStatus):
        ecs(cloud, "DeleteInstances", RegionId=R, **{"InstanceId.1": a, "InstanceId.2": b})
    assert ecs(cloud, "DescribeInstances", RegionId=R)["TotalCount"] == 4
    ecs(cloud, "DeleteInstances", RegionId=R, Force="true", **{"InstanceId.1": a, "InstanceId.2": b})
    assert ecs(cloud, "DescribeInstances", RegionId=R)["TotalCount"] == 2
    # Their addresses are free again.
    ips = [attribute(cloud, i)["VpcAttributes"]["PrivateIpAddress"]["IpAddress"][0] for i in run(cloud, Amount=2)]
    assert ips == ["192.168.1.1", "192.168.1.2"]


def test_modify_instance_attribute_and_tags(cloud: FakeCloud) -> None:
    ecs(cloud, "ModifyInstanceAttribute", InstanceId=DEMO_SOURCE_INSTANCE_ID, InstanceName="web-one", HostName="web-one", Description="renamed")
    body = attribute(cloud, DEMO_SOURCE_INSTANCE_ID)
    assert (body["InstanceName"], body["HostName"], body["Description"]) == ("web-one", "web-one", "renamed")
    ecs(cloud, "TagResources", RegionId=R, ResourceType="instance", **{"ResourceId.1": DEMO_SOURCE_INSTANCE_ID, "Tag.1.Key": "owner", "Tag.1.Value": "ops"})
    ecs(cloud, "UntagResources", RegionId=R, ResourceType="instance", **{"ResourceId.1": DEMO_SOURCE_INSTANCE_ID, "TagKey.1": "env"})
    listed = ecs(cloud, "DescribeInstances", RegionId=R, InstanceIds=f'["{DEMO_SOURCE_INSTANCE_ID}"]')
    tags = {t["TagKey"]: t["TagValue"] for t in listed["Instances"]["Instance"][0]["Tags"]["Tag"]}
    assert tags == {"app": "web", "owner": "ops"}
    with pytest.raises(FakeApiError, match="tag key"):
        ecs(cloud, "TagResources", RegionId=R, ResourceType="instance", **{"ResourceId.1": DEMO_SOURCE_INSTANCE_ID, "Tag.1.Key": "aliyun-x"})


def test_describe_instances_filters(cloud: FakeCloud) -> None:
    run(cloud, Amount=3, InstanceName="batch-[1,2]")
    assert ecs(cloud, "DescribeInstances", RegionId=R, InstanceName="batch-*")["TotalCount"] == 3
    assert ecs(cloud, "DescribeInstances", RegionId=R, VpcId=DEMO_VPC_ID)["TotalCount"] == 5
    assert ecs(cloud, "DescribeInstances", RegionId=R, VSwitchId=DEMO_VSWITCH_ID, InstanceName="web-1")["TotalCount"] == 1
    assert ecs(cloud, "DescribeInstances", RegionId=R, SecurityGroupId=DEMO_SECURITY_GROUP_ID)["TotalCount"] == 5
    assert ecs(cloud, "DescribeInstances", RegionId=R, Status="Stopped")["TotalCount"] == 0
    assert ecs(cloud, "DescribeInstances", RegionId=R, InstanceIds="[]")["TotalCount"] == 0
    assert ecs(cloud, "DescribeInstances", RegionId=R, **{"Tag.1.Key": "app", "Tag.1.Value": "web"})["TotalCount"] == 2
    with pytest.raises(InvalidParameter, match="InstanceIds"):
        ecs(cloud, "DescribeInstances", RegionId=R, InstanceIds="i-not-json")
    with pytest.raises(InvalidParameter, match="Status"):
        ecs(cloud, "DescribeInstances", RegionId=R, Status="Sleeping")


def test_describe_instances_pages_with_next_token_and_page_number(cloud: FakeCloud) -> None:
    created = run(cloud, Amount=23)
    everything = [DEMO_SOURCE_INSTANCE_ID, "i-bp1d3m0s0urce00002", *created]
    seen: list[str] = []
    token = ""
    while True:
        params: dict[str, Any] = {"RegionId": R, "MaxResults": 10}
        if token:
            params["NextToken"] = token
        body = ecs(cloud, "DescribeInstances", **params)
        assert body["TotalCount"] == 25
        seen += [i["InstanceId"] for i in body["Instances"]["Instance"]]
        token = body["NextToken"]
        if not token:
            break
    assert seen == everything
    page3 = ecs(cloud, "DescribeInstances", RegionId=R, PageNumber=3, PageSize=10)
    assert (page3["PageNumber"], page3["PageSize"], page3["TotalCount"]) == (3, 10, 25)
    assert [i["InstanceId"] for i in page3["Instances"]["Instance"]] == everything[20:]
    with pytest.raises(InvalidParameter, match="NextToken"):
        ecs(cloud, "DescribeInstances", RegionId=R, NextToken="garbage")
    with pytest.raises(InvalidParameter, match="MaxResults"):
        ecs(cloud, "DescribeInstances", RegionId=R, MaxResults=101)


def test_pending_vswitch_refuses_launches(cloud: FakeCloud) -> None:
    cloud.set_transition("vswitch", "describes", 1)
    vsw = dispatch(cloud, "testid", VPC, "CreateVSwitch", {"RegionId": R, "VpcId": DEMO_VPC_ID, "ZoneId": "cn-hangzhou-h", "CidrBlock": "192.168.2.0/24"})["VSwitchId"]
    with pytest.raises(IncorrectVSwitchStatus):
        run(cloud, VSwitchId=vsw)
    dispatch(cloud, "testid", VPC, "DescribeVSwitches", {"RegionId": R, "VSwitchId": vsw})
    assert run(cloud, VSwitchId=vsw)

"""VPC API actions through dispatch(): CIDR rules, vSwitch serialisation, address counts, dependencies."""

from __future__ import annotations

from typing import Any

import pytest

from fake_api.dispatch import dispatch
from fake_api.exceptions import (
    DependencyViolation,
    DependencyViolationSecurityGroup,
    DependencyViolationVSwitch,
    DryRunOperation,
    IdempotentParameterMismatch,
    IncorrectVpcStatus,
    IncorrectVSwitchStatus,
    InvalidCidrBlockMalformed,
    InvalidCidrBlockMaskLength,
    InvalidCidrBlockOverlapped,
    InvalidParameter,
    InvalidVpcIdNotFound,
    InvalidVSwitchIdNotFound,
    InvalidZoneIdNotFound,
)
from fake_api.models import FakeCloud
from fake_api.seeds import DEMO_VPC_ID, DEMO_VSWITCH_ID

VPC, ECS = "2016-04-28", "2014-05-26"
R = "cn-shanghai"


@pytest.fixture
def cloud() -> FakeCloud:
    return FakeCloud("demo", profile="instant")


def vpc_api(cloud: FakeCloud, action: str, **params: Any) -> dict[str, Any]:
    return dispatch(cloud, "testid", VPC, action, {k: str(v) for k, v in params.items()})


def create_vpc(cloud: FakeCloud, cidr: str = "192.168.0.0/16", **extra: Any) -> str:
    vpc_id: str = vpc_api(cloud, "CreateVpc", RegionId=R, CidrBlock=cidr, **extra)["VpcId"]
    return vpc_id


def create_vswitch(cloud: FakeCloud, vpc_id: str, cidr: str, zone: str = "cn-shanghai-e") -> str:
    vswitch_id: str = vpc_api(cloud, "CreateVSwitch", RegionId=R, VpcId=vpc_id, ZoneId=zone, CidrBlock=cidr)["VSwitchId"]
    return vswitch_id


def test_create_vpc_answers_router_and_route_table(cloud: FakeCloud) -> None:
    body = vpc_api(cloud, "CreateVpc", RegionId=R, CidrBlock="192.168.0.0/16", VpcName="replica", Description="copy of demo")
    assert body["VpcId"].startswith("vpc-uf6") and body["VRouterId"].startswith("vrt-") and body["RouteTableId"].startswith("vtb-")
    (vpc,) = vpc_api(cloud, "DescribeVpcs", RegionId=R, VpcId=body["VpcId"])["Vpcs"]["Vpc"]
    assert (vpc["CidrBlock"], vpc["Status"], vpc["VpcName"], vpc["VRouterId"]) == (
        "192.168.0.0/16",
        "Available",
        "replica",
        body["VRouterId"],
    )
    default = vpc_api(cloud, "CreateVpc", RegionId=R)["VpcId"]
    assert vpc_api(cloud, "DescribeVpcs", RegionId=R, VpcId=default)["Vpcs"]["Vpc"][0]["CidrBlock"] == "172.16.0.0/12"


@pytest.mark.parametrize("cidr", ["192.168.0.0", "192.168.0.1/16", "300.0.0.0/8", "10.0.0.0/30", "100.64.0.0/16", "10.0.0.0/7"])
def test_vpc_cidr_rules(cloud: FakeCloud, cidr: str) -> None:
    with pytest.raises(InvalidParameter, match="CidrBlock"):
        create_vpc(cloud, cidr)


def test_vpc_transition_and_dry_run(cloud: FakeCloud) -> None:
    with pytest.raises(DryRunOperation):
        create_vpc(cloud, DryRun="true")
    assert vpc_api(cloud, "DescribeVpcs", RegionId=R)["TotalCount"] == 0
    cloud.set_transition("vpc", "describes", 1)
    vpc_id = create_vpc(cloud)
    with pytest.raises(IncorrectVpcStatus):
        create_vswitch(cloud, vpc_id, "192.168.1.0/24")
    statuses = [vpc_api(cloud, "DescribeVpcs", RegionId=R, VpcId=vpc_id)["Vpcs"]["Vpc"][0]["Status"] for _ in range(2)]
    assert statuses == ["Pending", "Available"]


def test_vswitch_cidr_rules(cloud: FakeCloud) -> None:
    vpc_id = create_vpc(cloud)
    with pytest.raises(InvalidCidrBlockMalformed):
        create_vswitch(cloud, vpc_id, "not-a-cidr")
    with pytest.raises(InvalidCidrBlockMaskLength) as caught:
        create_vswitch(cloud, vpc_id, "192.168.1.0/30")
    assert caught.value.code == "InvalidCirdrBlock.MaskLength"
    with pytest.raises(InvalidParameter, match="not inside"):
        create_vswitch(cloud, vpc_id, "10.0.0.0/24")
    create_vswitch(cloud, vpc_id, "192.168.1.0/24")
    with pytest.raises(InvalidCidrBlockOverlapped):
        create_vswitch(cloud, vpc_id, "192.168.0.0/23")
    with pytest.raises(InvalidZoneIdNotFound):
        create_vswitch(cloud, vpc_id, "192.168.2.0/24", zone="cn-hangzhou-h")
    with pytest.raises(InvalidVpcIdNotFound):
        create_vswitch(cloud, "vpc-nope", "192.168.2.0/24")


def test_vswitch_address_count_reserves_first_and_last_three(cloud: FakeCloud) -> None:
    vpc_id = create_vpc(cloud)
    vswitch_id = create_vswitch(cloud, vpc_id, "192.168.1.0/29")
    (vsw,) = vpc_api(cloud, "DescribeVSwitches", RegionId=R, VSwitchId=vswitch_id)["VSwitches"]["VSwitch"]
    assert (vsw["AvailableIpAddressCount"], vsw["ZoneId"], vsw["VpcId"], vsw["Status"]) == (4, "cn-shanghai-e", vpc_id, "Available")
    demo = vpc_api(cloud, "DescribeVSwitches", RegionId="cn-hangzhou", VSwitchId=DEMO_VSWITCH_ID)["VSwitches"]["VSwitch"][0]
    assert demo["AvailableIpAddressCount"] == 256 - 4 - 2  # two demo instances


def test_one_pending_vswitch_per_vpc(cloud: FakeCloud) -> None:
    cloud.set_transition("vswitch", "describes", 1)
    vpc_id = create_vpc(cloud)
    first = create_vswitch(cloud, vpc_id, "192.168.1.0/24")
    with pytest.raises(IncorrectVSwitchStatus, match=first):
        create_vswitch(cloud, vpc_id, "192.168.2.0/24")
    listed = vpc_api(cloud, "DescribeVSwitches", RegionId=R, VpcId=vpc_id)["VSwitches"]["VSwitch"]
    assert [v["Status"] for v in listed] == ["Pending"]
    create_vswitch(cloud, vpc_id, "192.168.2.0/24")


def test_create_vswitch_client_token(cloud: FakeCloud) -> None:
    vpc_id = create_vpc(cloud)
    params = {"RegionId": R, "VpcId": vpc_id, "ZoneId": "cn-shanghai-f", "CidrBlock": "192.168.3.0/24", "ClientToken": "vs-1"}
    first = vpc_api(cloud, "CreateVSwitch", **params)
    assert vpc_api(cloud, "CreateVSwitch", **params) == first
    with pytest.raises(IdempotentParameterMismatch):
        vpc_api(cloud, "CreateVSwitch", **{**params, "CidrBlock": "192.168.4.0/24"})


def test_modify_and_filters(cloud: FakeCloud) -> None:
    vpc_id = create_vpc(cloud)
    vswitch_id = create_vswitch(cloud, vpc_id, "192.168.1.0/24", zone="cn-shanghai-g")
    vpc_api(cloud, "ModifyVpcAttribute", VpcId=vpc_id, RegionId=R, VpcName="new-name", Description="new words")
    vpc_api(cloud, "ModifyVSwitchAttribute", VSwitchId=vswitch_id, RegionId=R, VSwitchName="vsw-name")
    vpc = vpc_api(cloud, "DescribeVpcs", RegionId=R, VpcName="new-name")["Vpcs"]["Vpc"][0]
    assert (vpc["VpcId"], vpc["Description"], vpc["VSwitchIds"]["VSwitchId"]) == (vpc_id, "new words", [vswitch_id])
    by_zone = vpc_api(cloud, "DescribeVSwitches", RegionId=R, ZoneId="cn-shanghai-g")["VSwitches"]["VSwitch"]
    assert [(v["VSwitchId"], v["VSwitchName"]) for v in by_zone] == [(vswitch_id, "vsw-name")]
    assert vpc_api(cloud, "DescribeVSwitches", RegionId=R, ZoneId="cn-shanghai-e")["TotalCount"] == 0


def test_delete_dependencies_then_not_found(cloud: FakeCloud) -> None:
    with pytest.raises(DependencyViolation):
        vpc_api(cloud, "DeleteVSwitch", RegionId="cn-hangzhou", VSwitchId=DEMO_VSWITCH_ID)
    vpc_id = create_vpc(cloud)
    vswitch_id = create_vswitch(cloud, vpc_id, "192.168.1.0/24")
    group_id = dispatch(cloud, "testid", ECS, "CreateSecurityGroup", {"RegionId": R, "VpcId": vpc_id})["SecurityGroupId"]
    with pytest.raises(DependencyViolationVSwitch):
        vpc_api(cloud, "DeleteVpc", RegionId=R, VpcId=vpc_id)
    vpc_api(cloud, "DeleteVSwitch", RegionId=R, VSwitchId=vswitch_id)
    with pytest.raises(InvalidVSwitchIdNotFound):
        vpc_api(cloud, "DeleteVSwitch", RegionId=R, VSwitchId=vswitch_id)
    with pytest.raises(DependencyViolationSecurityGroup):
        vpc_api(cloud, "DeleteVpc", RegionId=R, VpcId=vpc_id)
    dispatch(cloud, "testid", ECS, "DeleteSecurityGroup", {"RegionId": R, "SecurityGroupId": group_id})
    vpc_api(cloud, "DeleteVpc", RegionId=R, VpcId=vpc_id)
    assert vpc_api(cloud, "DescribeVpcs", RegionId=R, VpcId=vpc_id)["Vpcs"]["Vpc"] == []
    with pytest.raises(InvalidVpcIdNotFound):
        vpc_api(cloud, "DeleteVpc", RegionId=R, VpcId=vpc_id)
    assert vpc_api(cloud, "DescribeVpcs", RegionId="cn-hangzhou")["Vpcs"]["Vpc"][0]["VpcId"] == DEMO_VPC_ID


def test_describe_vpcs_pages(cloud: FakeCloud) -> None:
    made = [create_vpc(cloud, f"10.{n}.0.0/16") for n in range(5)]
    body = vpc_api(cloud, "DescribeVpcs", RegionId=R, PageSize=2, PageNumber=3)
    assert (body["TotalCount"], body["PageNumber"], body["PageSize"]) == (5, 3, 2)
    assert [v["VpcId"] for v in body["Vpcs"]["Vpc"]] == made[4:]
    with pytest.raises(InvalidParameter, match="PageSize"):
        vpc_api(cloud, "DescribeVpcs", RegionId=R, PageSize=51)

"""VPC API (2016-04-28) actions: VPCs and vSwitches."""

from __future__ import annotations

from typing import Any

from ..models.region import RegionBackend
from ..models.transitions import current_status, observe
from ..models.vpcs import Vpc, VSwitch
from .base import VPC_VERSION, Request, action, paged

__all__ = ["render_vpc", "render_vswitch"]


def render_vpc(backend: RegionBackend, vpc: Vpc, now: float) -> dict[str, Any]:
    return {
        "VpcId": vpc.vpc_id,
        "VpcName": vpc.name,
        "Description": vpc.description,
        "CidrBlock": vpc.cidr_block,
        "Status": current_status(vpc, now),
        "RegionId": backend.region_id,
        "VRouterId": vpc.vrouter_id,
        "IsDefault": False,
        "CreationTime": vpc.creation_time,
        "ResourceGroupId": "",
        "VSwitchIds": {"VSwitchId": list(backend.vswitches_by_vpc.get(vpc.vpc_id, {}))},
        "UserCidrs": {"UserCidr": []},
        "RouterTableIds": {"RouterTableIds": [vpc.route_table_id]},
        "NatGatewayIds": {"NatGatewayIds": []},
        "Tags": {"Tag": [{"Key": k, "Value": v} for k, v in vpc.tags.items()]},
    }


def render_vswitch(backend: RegionBackend, vswitch: VSwitch, now: float) -> dict[str, Any]:
    vpc = backend.vpcs.get(vswitch.vpc_id)
    return {
        "VSwitchId": vswitch.vswitch_id,
        "VSwitchName": vswitch.name,
        "Description": vswitch.description,
        "VpcId": vswitch.vpc_id,
        "ZoneId": vswitch.zone_id,
        "CidrBlock": vswitch.cidr_block,
        "Ipv6CidrBlock": vswitch.ipv6_cidr_block,
        "Status": current_status(vswitch, now),
        "AvailableIpAddressCount": vswitch.available_ip_count,
        "IsDefault": False,
        "CreationTime": vswitch.creation_time,
        "ResourceGroupId": "",
        "RouteTable": {"RouteTableId": vpc.route_table_id if vpc else "", "RouteTableType": "System"},
        "Tags": {"Tag": [{"Key": k, "Value": v} for k, v in vswitch.tags.items()]},
    }


@action(VPC_VERSION, "CreateVpc")
def create_vpc(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    vpc = backend.create_vpc(
        p.text("CidrBlock"), p.text("VpcName"), p.text("Description"), tags=p.tags(), dry_run=p.boolean("DryRun")
    )
    return {"VpcId": vpc.vpc_id, "VRouterId": vpc.vrouter_id, "RouteTableId": vpc.route_table_id, "ResourceGroupId": ""}


@action(VPC_VERSION, "DescribeVpcs")
def describe_vpcs(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    selection = backend.describe_vpcs(p.comma_list("VpcId", high=20), p.text("VpcName"), p.tag_filters())
    now = backend.now()

    def rows(offset: int, size: int) -> list[dict[str, Any]]:
        page = selection.page(offset, size)
        out = [render_vpc(backend, v, now) for v in page]
        for vpc in page:
            observe(vpc)
        return out

    vpcs, paging = paged(p, selection.total, rows, max_size=50)
    return {"Vpcs": {"Vpc": vpcs}, **paging}


@action(VPC_VERSION, "ModifyVpcAttribute")
def modify_vpc_attribute(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    backend.modify_vpc(p.required("VpcId"), p.text("VpcName"), p.text("Description"))
    return {}


@action(VPC_VERSION, "DeleteVpc")
def delete_vpc(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    backend.delete_vpc(p.required("VpcId"), dry_run=p.boolean("DryRun"))
    return {}


@action(VPC_VERSION, "CreateVSwitch")
def create_vswitch(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    vswitch = backend.create_vswitch(
        p.required("VpcId"),
        p.required("ZoneId"),
        p.required("CidrBlock"),
        p.text("VSwitchName"),
        p.text("Description"),
        tags=p.tags(),
        dry_run=p.boolean("DryRun"),
    )
    return {"VSwitchId": vswitch.vswitch_id}


@action(VPC_VERSION, "DescribeVSwitches")
def describe_vswitches(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    selection = backend.describe_vswitches(
        p.text("VpcId"), p.text("VSwitchId"), p.text("ZoneId"), p.text("VSwitchName"), p.tag_filters()
    )
    now = backend.now()

    def rows(offset: int, size: int) -> list[dict[str, Any]]:
        page = selection.page(offset, size)
        out = [render_vswitch(backend, v, now) for v in page]
        for vswitch in page:
            observe(vswitch)
        return out

    vswitches, paging = paged(p, selection.total, rows, max_size=50)
    return {"VSwitches": {"VSwitch": vswitches}, **paging}


@action(VPC_VERSION, "ModifyVSwitchAttribute")
def modify_vswitch_attribute(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    backend.modify_vswitch(p.required("VSwitchId"), p.text("VSwitchName"), p.text("Description"))
    return {}


@action(VPC_VERSION, "DeleteVSwitch")
def delete_vswitch(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    backend.delete_vswitch(p.required("VSwitchId"), dry_run=p.boolean("DryRun"))
    return {}

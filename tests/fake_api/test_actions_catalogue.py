"""DescribeInstanceTypes and DescribeAvailableResource: the catalogue and stock per zone."""

from __future__ import annotations

from typing import Any

import pytest

from fake_api.dispatch import dispatch
from fake_api.exceptions import InvalidZoneIdNotFound, MissingParameter
from fake_api.models import FakeCloud

ECS = "2014-05-26"
R = "cn-hangzhou"


@pytest.fixture
def cloud() -> FakeCloud:
    return FakeCloud("empty")


def ecs(cloud: FakeCloud, action: str, **params: Any) -> dict[str, Any]:
    return dispatch(cloud, "testid", ECS, action, {k: str(v) for k, v in params.items()})


def test_instance_types_share_shapes_across_families(cloud: FakeCloud) -> None:
    types = ecs(cloud, "DescribeInstanceTypes")["InstanceTypes"]["InstanceType"]
    shapes = {t["InstanceTypeId"]: (t["CpuCoreCount"], t["MemorySize"]) for t in types}
    assert shapes["ecs.g7.large"] == shapes["ecs.g6.large"] == shapes["ecs.g8i.large"] == (2, 8.0)
    assert shapes["ecs.c7.large"] == (2, 4.0) and shapes["ecs.r7.large"] == (2, 16.0)
    assert shapes["ecs.g7.xlarge"] == (4, 16.0)
    only = ecs(cloud, "DescribeInstanceTypes", **{"InstanceTypes.1": "ecs.g7.large"})["InstanceTypes"]["InstanceType"]
    assert [t["InstanceTypeFamily"] for t in only] == ["ecs.g7"]
    family = ecs(cloud, "DescribeInstanceTypes", InstanceTypeFamily="ecs.r7")["InstanceTypes"]["InstanceType"]
    assert {t["InstanceTypeId"] for t in family} == {"ecs.r7.large", "ecs.r7.xlarge", "ecs.r7.2xlarge"}


def test_available_resource_reports_stock_with_the_real_shape(cloud: FakeCloud) -> None:
    cloud.set_stock(R, "cn-hangzhou-h", "ecs.g7.large", "WithoutStock")
    cloud.set_stock(R, "cn-hangzhou-h", "ecs.g6.large", "ClosedWithStock")
    body = ecs(cloud, "DescribeAvailableResource", RegionId=R, DestinationResource="InstanceType", ZoneId="cn-hangzhou-h", Cores=2, Memory=8)
    (zone,) = body["AvailableZones"]["AvailableZone"]
    assert (zone["ZoneId"], zone["Status"], zone["StatusCategory"]) == ("cn-hangzhou-h", "Available", "WithStock")
    (resource,) = zone["AvailableResources"]["AvailableResource"]
    assert resource["Type"] == "InstanceType"
    supported = {s["Value"]: (s["Status"], s["StatusCategory"]) for s in resource["SupportedResources"]["SupportedResource"]}
    assert supported == {
        "ecs.g7.large": ("SoldOut", "WithoutStock"),
        "ecs.g6.large": ("Available", "ClosedWithStock"),
        "ecs.g8i.large": ("Available", "WithStock"),
    }


def test_available_resource_for_one_type_across_zones(cloud: FakeCloud) -> None:
    cloud.set_stock(R, "cn-hangzhou-i", "ecs.c7.large", "ClosedWithoutStock")
    body = ecs(cloud, "DescribeAvailableResource", RegionId=R, DestinationResource="InstanceType", InstanceType="ecs.c7.large")
    zones = {z["ZoneId"]: (z["Status"], z["StatusCategory"]) for z in body["AvailableZones"]["AvailableZone"]}
    assert zones["cn-hangzhou-i"] == ("SoldOut", "ClosedWithoutStock")
    assert zones["cn-hangzhou-h"] == ("Available", "WithStock")


def test_available_resource_needs_destination_and_known_zone(cloud: FakeCloud) -> None:
    with pytest.raises(MissingParameter, match="DestinationResource"):
        ecs(cloud, "DescribeAvailableResource", RegionId=R)
    with pytest.raises(InvalidZoneIdNotFound):
        ecs(cloud, "DescribeAvailableResource", RegionId=R, DestinationResource="InstanceType", ZoneId="cn-beijing-g")
    disks = ecs(cloud, "DescribeAvailableResource", RegionId=R, DestinationResource="SystemDisk", ZoneId="cn-hangzhou-h")
    values = [s["Value"] for s in disks["AvailableZones"]["AvailableZone"][0]["AvailableResources"]["AvailableResource"][0]["SupportedResources"]["SupportedResource"]]
    assert "cloud_essd" in values

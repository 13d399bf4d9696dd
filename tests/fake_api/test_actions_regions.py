from __future__ import annotations

import pytest

from fake_api.dispatch import dispatch, known_actions
from fake_api.exceptions import InvalidActionNotFound, InvalidRegionIdNotFound, InvalidVersion, MissingParameter
from fake_api.models import FakeCloud

ECS, VPC = "2014-05-26", "2016-04-28"


@pytest.fixture
def cloud() -> FakeCloud:
    return FakeCloud("empty")


def test_describe_regions_lists_the_three_regions_with_endpoints(cloud: FakeCloud) -> None:
    body = dispatch(cloud, "testid", ECS, "DescribeRegions", {})
    regions = {r["RegionId"]: r for r in body["Regions"]["Region"]}
    assert {"cn-hangzhou", "cn-shanghai", "cn-beijing"} <= set(regions)
    assert regions["cn-hangzhou"]["RegionEndpoint"] == "ecs.cn-hangzhou.aliyuncs.com"
    assert "RequestId" not in body


def test_describe_zones_in_both_apis(cloud: FakeCloud) -> None:
    ecs = dispatch(cloud, "testid", ECS, "DescribeZones", {"RegionId": "cn-hangzhou"})
    vpc = dispatch(cloud, "testid", VPC, "DescribeZones", {"RegionId": "cn-hangzhou"})
    ecs_zones = [z["ZoneId"] for z in ecs["Zones"]["Zone"]]
    assert {"cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"} <= set(ecs_zones)
    assert [z["ZoneId"] for z in vpc["Zones"]["Zone"]] == ecs_zones
    assert "ecs.g7.large" in ecs["Zones"]["Zone"][0]["AvailableInstanceTypes"]["InstanceTypes"]


def test_describe_zones_needs_a_known_region(cloud: FakeCloud) -> None:
    with pytest.raises(MissingParameter, match="RegionId"):
        dispatch(cloud, "testid", ECS, "DescribeZones", {})
    with pytest.raises(InvalidRegionIdNotFound) as caught:
        dispatch(cloud, "testid", ECS, "DescribeZones", {"RegionId": "mars-1"})
    assert caught.value.http_status == 404 and caught.value.code == "InvalidRegionId.NotFound"


def test_unknown_action_is_invalid_action_and_unknown_version_invalid_version(cloud: FakeCloud) -> None:
    with pytest.raises(InvalidActionNotFound) as caught:
        dispatch(cloud, "testid", ECS, "LaunchRocket", {})
    assert (caught.value.code, caught.value.http_status) == ("InvalidAction.NotFound", 404)
    with pytest.raises(InvalidVersion) as wrong_version:
        dispatch(cloud, "testid", "2099-01-01", "DescribeRegions", {})
    assert (wrong_version.value.code, wrong_version.value.http_status) == ("InvalidVersion", 400)
    assert wrong_version.value.message.startswith("Specified parameter Version is not valid.")
    with pytest.raises(InvalidActionNotFound):
        dispatch(cloud, "testid", VPC, "DescribeInstances", {"RegionId": "cn-hangzhou"})


def test_known_actions_name_both_apis() -> None:
    actions = known_actions()
    assert (ECS, "DescribeRegions") in actions and (VPC, "DescribeZones") in actions

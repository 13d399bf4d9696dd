"""DescribeRegions and DescribeZones (ECS and VPC)."""

from __future__ import annotations

from typing import Any

from ..exceptions import InvalidRegionIdNotFound
from ..models.catalogue import DISK_CATEGORIES, INSTANCE_TYPES, REGIONS, RegionInfo
from .base import ECS_VERSION, VPC_VERSION, Request, action

__all__: list[str] = []


def _region(request: Request) -> RegionInfo:
    region_id = request.params.required("RegionId")
    region = REGIONS.get(region_id)
    if region is None:
        raise InvalidRegionIdNotFound(f"The region {region_id[:60]!r} does not exist: use one of {', '.join(REGIONS)}.")
    return region


@action(ECS_VERSION, "DescribeRegions")
def describe_regions(request: Request) -> dict[str, Any]:
    return {
        "Regions": {
            "Region": [
                {
                    "RegionId": r.region_id,
                    "LocalName": r.local_name,
                    "RegionEndpoint": f"ecs.{r.region_id}.aliyuncs.com",
                    "Status": "available",
                }
                for r in REGIONS.values()
            ]
        }
    }


@action(VPC_VERSION, "DescribeRegions")
def describe_vpc_regions(request: Request) -> dict[str, Any]:
    return {
        "Regions": {
            "Region": [
                {"RegionId": r.region_id, "LocalName": r.local_name, "RegionEndpoint": f"vpc.{r.region_id}.aliyuncs.com"}
                for r in REGIONS.values()
            ]
        }
    }


@action(ECS_VERSION, "DescribeZones")
def describe_zones(request: Request) -> dict[str, Any]:
    region = _region(request)
    # DescribeZones lists what a zone offers, not its stock (DescribeAvailableResource reports stock).
    types = sorted(INSTANCE_TYPES)
    return {
        "Zones": {
            "Zone": [
                {
                    "ZoneId": zone_id,
                    "LocalName": local_name,
                    "ZoneType": "AvailabilityZone",
                    "AvailableResourceCreation": {"ResourceTypes": ["VSwitch", "IoOptimized", "Instance", "Disk"]},
                    "AvailableInstanceTypes": {"InstanceTypes": types},
                    "AvailableDiskCategories": {"DiskCategories": list(DISK_CATEGORIES)},
                    "AvailableVolumeCategories": {"VolumeCategories": []},
                    "AvailableResources": {"ResourcesInfo": []},
                    "DedicatedHostGenerations": {"DedicatedHostGeneration": []},
                    "AvailableDedicatedHostTypes": {"DedicatedHostType": []},
                }
                for zone_id, local_name in region.zones
            ]
        }
    }


@action(VPC_VERSION, "DescribeZones")
def describe_vpc_zones(request: Request) -> dict[str, Any]:
    region = _region(request)
    return {"Zones": {"Zone": [{"ZoneId": z, "LocalName": name, "ZoneType": "AvailabilityZone"} for z, name in region.zones]}}

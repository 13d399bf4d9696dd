"""DescribeInstanceTypes and DescribeAvailableResource: what is sold, and where it is in stock."""

from __future__ import annotations

from typing import Any

from ..exceptions import InvalidZoneIdNotFound
from ..models.catalogue import DISK_CATEGORIES, INSTANCE_TYPES, InstanceTypeInfo
from .base import ECS_VERSION, Request, action, encode_token, token_window

__all__: list[str] = []

_BUYABLE = ("WithStock", "ClosedWithStock")


def _render_type(info: InstanceTypeInfo) -> dict[str, Any]:
    return {
        "InstanceTypeId": info.instance_type,
        "InstanceTypeFamily": info.family,
        "CpuCoreCount": info.cpu,
        "MemorySize": info.memory_gib,
        "InstanceFamilyLevel": "CreditEntryLevel" if info.burstable else "EnterpriseLevel",
        "CpuArchitecture": "X86",
        "GPUAmount": 0,
        "EniQuantity": info.eni_quantity,
        "EniPrivateIpAddressQuantity": info.eni_private_ip_quantity,
        "EniIpv6AddressQuantity": info.eni_ipv6_quantity,
        "LocalStorageCategory": "",
    }


@action(ECS_VERSION, "DescribeInstanceTypes")
def describe_instance_types(request: Request) -> dict[str, Any]:
    p = request.params
    wanted = set(p.indexed("InstanceTypes", high=10))
    family = p.text("InstanceTypeFamily")
    min_cpu = p.integer("MinimumCpuCoreCount", None, low=0)
    max_cpu = p.integer("MaximumCpuCoreCount", None, low=0)
    min_memory = p.number("MinimumMemorySize", None, low=0)
    max_memory = p.number("MaximumMemorySize", None, low=0)
    matches = [
        info
        for name, info in sorted(INSTANCE_TYPES.items())
        if (not wanted or name in wanted)
        and (family is None or info.family == family)
        and (min_cpu is None or info.cpu >= min_cpu)
        and (max_cpu is None or info.cpu <= max_cpu)
        and (min_memory is None or info.memory_gib >= min_memory)
        and (max_memory is None or info.memory_gib <= max_memory)
    ]
    offset, size = token_window(p, default_size=100, max_size=1600) or (0, 1600)
    page = matches[offset : offset + size]
    next_offset = offset + len(page)
    return {
        "InstanceTypes": {"InstanceType": [_render_type(i) for i in page]},
        "NextToken": encode_token(next_offset) if next_offset < len(matches) else "",
    }


def _supported(value: str, category: str) -> dict[str, Any]:
    return {
        "Value": value,
        "Status": "Available" if category in _BUYABLE else "SoldOut",
        "StatusCategory": category,
    }


@action(ECS_VERSION, "DescribeAvailableResource")
def describe_available_resource(request: Request) -> dict[str, Any]:
    """Stock per zone: ``AvailableZones.AvailableZone[].AvailableResources.AvailableResource[].SupportedResources``."""
    p = request.params
    backend = request.backend()
    destination = p.choice(
        "DestinationResource",
        ("Zone", "IoOptimized", "InstanceType", "SystemDisk", "DataDisk", "Network", "ddh"),
    )
    if destination is None:
        p.required("DestinationResource")
    zone_filter = p.text("ZoneId")
    if zone_filter is not None and zone_filter not in backend.region.zone_ids:
        raise InvalidZoneIdNotFound(f"The zone {zone_filter[:60]!r} does not exist in {backend.region_id}.")
    p.choice("InstanceChargeType", ("PostPaid", "PrePaid"))
    type_filter = p.text("InstanceType")
    cores = p.integer("Cores", None, low=0)
    memory = p.number("Memory", None, low=0)
    types = [
        info
        for name, info in sorted(INSTANCE_TYPES.items())
        if (type_filter is None or name == type_filter)
        and (cores is None or info.cpu == cores)
        and (memory is None or info.memory_gib == memory)
    ]
    zones = []
    for zone_id in backend.region.zone_ids:
        if zone_filter is not None and zone_id != zone_filter:
            continue
        stock = {t.instance_type: backend.cloud.stock_category(backend.region_id, zone_id, t.instance_type) for t in types}
        if destination == "InstanceType":
            resources = [{"Type": "InstanceType", "SupportedResources": {"SupportedResource": [_supported(t, c) for t, c in stock.items()]}}]
        elif destination in ("SystemDisk", "DataDisk"):
            resources = [
                {
                    "Type": destination,
                    "SupportedResources": {
                        "SupportedResource": [
                            {**_supported(c, "WithStock"), "Min": 20, "Max": 2048 if destination == "SystemDisk" else 32768, "Unit": "GiB"}
                            for c in DISK_CATEGORIES
                        ]
                    },
                }
            ]
        else:  # Zone, IoOptimized, Network, ddh: the zone itself is the resource
            resources = [{"Type": "Zone", "SupportedResources": {"SupportedResource": [_supported(zone_id, "WithStock")]}}]
        if types and any(c in _BUYABLE for c in stock.values()):
            zone_category = "WithStock"
        elif types and type_filter is not None:
            zone_category = next(iter(stock.values()))
        else:
            zone_category = "WithStock" if types else "WithoutStock"
        zone_row: dict[str, Any] = {
            "RegionId": backend.region_id,
            "ZoneId": zone_id,
            "Status": "Available" if zone_category in _BUYABLE else "SoldOut",
            "StatusCategory": zone_category,
            "AvailableResources": {"AvailableResource": resources},
        }
        if destination == "Zone" and zone_category not in _BUYABLE and type_filter is not None:
            zone_row["AvailableResources"] = {"AvailableResource": []}
        zones.append(zone_row)
    return {"AvailableZones": {"AvailableZone": zones}}

"""What a clone's destination offers, looked up at synth time so a configuration that cannot work is refused
before anything is made: a given vSwitch (region, VPC, zone, free addresses), the zones and the instance
types they offer, key pairs.

Cached in the context file like source snapshots (keys ``vswitch:<region>:<id>``,
``zone-instance-types:<region>``, ``instance-type-sizes:<region>``, ``key-pair:<region>:<name>``), so a
synth that passed stays repeatable and offline. Something not found is never cached: once the user has
created it, the next synth sees it. A check that refuses a cached fact removes the entry (:func:`forget`),
so fixing the cloud and synthesizing again is enough.

Example::

    from cdk_clone.lookup.destination import lookup_vswitch
    vswitch = lookup_vswitch("vsw-uf6given0001", "cn-shanghai")
    vswitch.available_ip_count     # 252
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from cdk_clone.lookup.context import ContextFile, _cached, _client
from cdk_clone.lookup.reader import _items, _text

if TYPE_CHECKING:
    from cdk_clone.api import AlibabaCloudClient

__all__ = [
    "DestinationVSwitch",
    "InstanceTypeSize",
    "forget",
    "key_pair_key",
    "lookup_instance_type_sizes",
    "lookup_key_pair",
    "lookup_vswitch",
    "lookup_zone_instance_types",
    "read_vswitch",
    "vswitch_key",
    "zone_instance_types_key",
]


class DestinationVSwitch(BaseModel):
    """A vSwitch as DescribeVSwitches tells it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    vswitch_id: str
    region_id: str
    vpc_id: str
    zone_id: str
    cidr_block: str
    available_ip_count: int


class InstanceTypeSize(BaseModel):
    """vCPUs and memory of an instance type (to tell whether a zone offers a similar one)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cpu: int
    memory_gib: float


def vswitch_key(region_id: str, vswitch_id: str) -> str:
    return f"vswitch:{region_id}:{vswitch_id}"


def zone_instance_types_key(region_id: str) -> str:
    return f"zone-instance-types:{region_id}"


def key_pair_key(region_id: str, name: str) -> str:
    return f"key-pair:{region_id}:{name}"


def forget(key: str, *, context_file: Path | None = None) -> None:
    """Remove a cached fact that led to a refusal: the next synth asks the cloud again."""
    ContextFile(context_file).remove(key)


def read_vswitch(client: AlibabaCloudClient, region_id: str, vswitch_id: str) -> DestinationVSwitch | None:
    """The vSwitch ``vswitch_id`` of ``region_id``, or None when that region has none of that ID."""
    answer = client.vpc("DescribeVSwitches", {"RegionId": region_id, "VSwitchId": vswitch_id}, region_id=region_id)
    for entry in _items(answer, "VSwitches", "VSwitch"):
        if entry.get("VSwitchId") == vswitch_id:
            return DestinationVSwitch(
                vswitch_id=vswitch_id,
                region_id=region_id,
                vpc_id=str(entry.get("VpcId") or ""),
                zone_id=str(entry.get("ZoneId") or ""),
                cidr_block=str(entry.get("CidrBlock") or ""),
                available_ip_count=int(entry.get("AvailableIpAddressCount") or 0),
            )
    return None


class _NotFound(LookupError):
    pass


def _found_only(context: ContextFile, key: str, fetch: Any, parse: Any, dump: Any, refresh: bool) -> Any:
    """``_cached``, except that not found (``fetch`` answering None) is answered None and never cached: the
    user may create the object and synthesize again."""

    def fetch_found() -> Any:
        value = fetch()
        if value is None:
            raise _NotFound(key)
        return value

    try:
        return _cached(context, key, refresh, parse=parse, fetch=fetch_found, dump=dump)
    except _NotFound:
        return None


def lookup_vswitch(
    vswitch_id: str,
    region_id: str,
    *,
    context_file: Path | None = None,
    refresh: bool = False,
    client: AlibabaCloudClient | None = None,
) -> DestinationVSwitch | None:
    """The vSwitch from the context file when cached, else DescribeVSwitches (cached when found)."""
    return _found_only(  # type: ignore[no-any-return]
        ContextFile(context_file),
        vswitch_key(region_id, vswitch_id),
        fetch=lambda: read_vswitch(_client(region_id, client), region_id, vswitch_id),
        parse=DestinationVSwitch.model_validate,
        dump=lambda v: v.model_dump(mode="json"),
        refresh=refresh,
    )


def read_zone_instance_types(client: AlibabaCloudClient, region_id: str) -> dict[str, list[str]]:
    """Zone -> the instance types it offers (DescribeZones' AvailableInstanceTypes; not stock)."""
    answer = client.ecs("DescribeZones", {"RegionId": region_id}, region_id=region_id)
    offers: dict[str, list[str]] = {}
    for zone in _items(answer, "Zones", "Zone"):
        zone_id = _text(zone.get("ZoneId"))
        if zone_id:
            offers[zone_id] = sorted(str(t) for t in _items(zone, "AvailableInstanceTypes", "InstanceTypes"))
    return offers


def lookup_zone_instance_types(
    region_id: str,
    *,
    context_file: Path | None = None,
    refresh: bool = False,
    client: AlibabaCloudClient | None = None,
) -> dict[str, list[str]]:
    """Zone -> offered instance types of ``region_id``, cached as ``zone-instance-types:<region>``."""
    return _cached(
        ContextFile(context_file),
        zone_instance_types_key(region_id),
        refresh,
        parse=_zone_offers,
        fetch=lambda: read_zone_instance_types(_client(region_id, client), region_id),
        dump=dict,
    )


def _zone_offers(value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
        raise ValueError("zone offers must map a zone to a list of instance types")
    return {str(k): [str(t) for t in v] for k, v in value.items()}


def read_instance_type_sizes(client: AlibabaCloudClient, region_id: str) -> dict[str, InstanceTypeSize]:
    """Instance type -> vCPUs and memory (DescribeInstanceTypes)."""
    sizes = {}
    for entry in client.paginate(
        "ecs", "DescribeInstanceTypes", {"RegionId": region_id}, items="InstanceTypes.InstanceType",
        region_id=region_id,
    ):
        sizes[str(entry["InstanceTypeId"])] = InstanceTypeSize(
            cpu=int(entry.get("CpuCoreCount") or 0), memory_gib=float(entry.get("MemorySize") or 0)
        )
    return sizes


def lookup_instance_type_sizes(
    region_id: str,
    *,
    context_file: Path | None = None,
    refresh: bool = False,
    client: AlibabaCloudClient | None = None,
) -> dict[str, InstanceTypeSize]:
    """Instance type sizes of ``region_id``, cached as ``instance-type-sizes:<region>``."""
    return _cached(
        ContextFile(context_file),
        f"instance-type-sizes:{region_id}",
        refresh,
        parse=lambda value: {str(k): InstanceTypeSize.model_validate(v) for k, v in dict(value).items()},
        fetch=lambda: read_instance_type_sizes(_client(region_id, client), region_id),
        dump=lambda sizes: {k: v.model_dump(mode="json") for k, v in sizes.items()},
    )


def read_key_pair(client: AlibabaCloudClient, region_id: str, name: str) -> str | None:
    """The fingerprint of key pair ``name`` in ``region_id``, or None when there is none of that name."""
    answer = client.ecs("DescribeKeyPairs", {"RegionId": region_id, "KeyPairName": name}, region_id=region_id)
    for entry in _items(answer, "KeyPairs", "KeyPair"):
        if entry.get("KeyPairName") == name:
            return str(entry.get("KeyPairFingerPrint") or "")
    return None


def lookup_key_pair(
    name: str,
    region_id: str,
    *,
    context_file: Path | None = None,
    refresh: bool = False,
    client: AlibabaCloudClient | None = None,
) -> str | None:
    """The fingerprint of key pair ``name`` in ``region_id`` (cached when found), or None."""
    return _found_only(  # type: ignore[no-any-return]
        ContextFile(context_file),
        key_pair_key(region_id, name),
        fetch=lambda: read_key_pair(_client(region_id, client), region_id, name),
        parse=str,
        dump=str,
        refresh=refresh,
    )

"""VPCs and vSwitches: CIDR rules, private-IP allocation, dependency rules on delete."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import (
    DependencyViolation,
    DependencyViolationInstance,
    DependencyViolationSecurityGroup,
    DependencyViolationVSwitch,
    DryRunOperation,
    IncorrectVpcStatus,
    IncorrectVSwitchStatus,
    InvalidCidrBlockMalformed,
    InvalidCidrBlockMaskLength,
    InvalidCidrBlockOverlapped,
    InvalidParameter,
    InvalidPrivateIpAddress,
    InvalidPrivateIpAddressDuplicated,
    InvalidVpcIdNotFound,
    InvalidVSwitchIdIpNotEnough,
    InvalidVSwitchIdNotFound,
    InvalidZoneIdNotFound,
    TaskConflict,
)
from .base import Selection, index_add, index_remove, iso_time
from .contention import DEPARTING_KINDS, ContentionRules
from .tags import TagFilter, matches_tags
from .transitions import Transition, current_status
from .validation import check_description, check_resource_tags, check_vpc_name, check_vswitch_name, parse_network

__all__ = ["DEFAULT_VPC_CIDR", "VSwitch", "Vpc", "VpcRules"]

DEFAULT_VPC_CIDR = "172.16.0.0/12"
_PRIVATE_RANGES = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_FORBIDDEN_RANGES = tuple(
    ipaddress.IPv4Network(n) for n in ("100.64.0.0/10", "224.0.0.0/4", "127.0.0.0/8", "169.254.0.0/16", "0.0.0.0/8")
)
# The first address and the last three of every vSwitch are reserved by the cloud.
_RESERVED_LOW, _RESERVED_HIGH = 1, 3


@dataclass(slots=True)
class Vpc:
    vpc_id: str
    cidr_block: str
    name: str
    description: str
    vrouter_id: str
    route_table_id: str
    creation_time: str
    settled_status: str = "Available"
    transition: Transition | None = None
    tags: dict[str, str] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        return {
            "vpc_id": self.vpc_id,
            "cidr_block": self.cidr_block,
            "name": self.name,
            "description": self.description,
            "vrouter_id": self.vrouter_id,
            "route_table_id": self.route_table_id,
            "creation_time": self.creation_time,
            "status": self.settled_status,
            "transition": self.transition.to_record() if self.transition else None,
            "tags": dict(self.tags),
        }


@dataclass(slots=True)
class VSwitch:
    vswitch_id: str
    vpc_id: str
    zone_id: str
    cidr_block: str
    name: str
    description: str
    creation_time: str
    settled_status: str = "Available"
    transition: Transition | None = None
    tags: dict[str, str] = field(default_factory=dict)
    network: ipaddress.IPv4Network = field(init=False)
    used: set[int] = field(default_factory=set)  # allocated addresses as integers
    _hint: int = 0  # no free address below this one (keeps allocation amortised O(1))
    # The vSwitch's IPv6 block (a /64), "" when IPv6 is not enabled on it; addresses given out from it.
    ipv6_cidr_block: str = ""
    ipv6_used: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.network = ipaddress.IPv4Network(self.cidr_block)
        self._hint = self.first_usable

    @property
    def first_usable(self) -> int:
        return int(self.network.network_address) + _RESERVED_LOW

    @property
    def last_usable(self) -> int:
        return int(self.network.broadcast_address) - _RESERVED_HIGH

    @property
    def available_ip_count(self) -> int:
        return max(self.network.num_addresses - _RESERVED_LOW - _RESERVED_HIGH - len(self.used), 0)

    def address_problem(self, address: int) -> str | None:
        """Why ``address`` cannot be given to an instance, or None if it can."""
        if not (self.first_usable <= address <= self.last_usable):
            return (
                f"{ipaddress.IPv4Address(address)} is not a usable address of vSwitch {self.vswitch_id} "
                f"({self.cidr_block}; its first address and last three are reserved)."
            )
        if address in self.used:
            return f"{ipaddress.IPv4Address(address)} is already in use in vSwitch {self.vswitch_id}."
        return None

    def allocate(self, count: int, first: str | None = None) -> list[str]:
        """Take ``count`` addresses: consecutive from ``first`` when given, else the lowest free ones."""
        if first is not None:
            try:
                start = int(ipaddress.IPv4Address(first))
            except ValueError:
                raise InvalidPrivateIpAddress(f"PrivateIpAddress {first[:60]!r} is not an IPv4 address.") from None
            wanted = list(range(start, start + count))
            for address in wanted:
                problem = self.address_problem(address)
                if problem is not None:
                    error = InvalidPrivateIpAddressDuplicated if address in self.used else InvalidPrivateIpAddress
                    raise error(problem)
        else:
            if self.available_ip_count < count:
                raise InvalidVSwitchIdIpNotEnough(
                    f"vSwitch {self.vswitch_id} has {self.available_ip_count} free addresses; {count} are needed."
                )
            wanted = []
            candidate = self._hint
            while len(wanted) < count:
                if candidate not in self.used:
                    wanted.append(candidate)
                candidate += 1
            self._hint = candidate
        self.used.update(wanted)
        return [str(ipaddress.IPv4Address(a)) for a in wanted]

    def allocate_ipv6(self, count: int) -> list[str]:
        """``count`` IPv6 addresses of the vSwitch's block (the lowest free ones, after the reserved first)."""
        network = ipaddress.IPv6Network(self.ipv6_cidr_block)
        found: list[str] = []
        candidate = int(network.network_address) + 1
        while len(found) < count:
            if candidate not in self.ipv6_used:
                self.ipv6_used.add(candidate)
                found.append(str(ipaddress.IPv6Address(candidate)))
            candidate += 1
        return found

    def reserve_ipv6(self, address: str) -> None:
        value = int(ipaddress.IPv6Address(address))
        if not self.ipv6_cidr_block or ipaddress.IPv6Address(value) not in ipaddress.IPv6Network(self.ipv6_cidr_block):
            raise ValueError(f"IPv6 address {address} is outside vSwitch {self.vswitch_id} ({self.ipv6_cidr_block or 'no IPv6'})")
        self.ipv6_used.add(value)

    def release_ipv6(self, address: str) -> None:
        self.ipv6_used.discard(int(ipaddress.IPv6Address(address)))

    def reserve(self, address: str) -> None:
        """Mark an address used while loading a world (no checks beyond being inside the block)."""
        value = int(ipaddress.IPv4Address(address))
        if ipaddress.IPv4Address(value) not in self.network:
            raise ValueError(f"private IP {address} is outside vSwitch {self.vswitch_id} ({self.cidr_block})")
        self.used.add(value)

    def release(self, address: str) -> None:
        value = int(ipaddress.IPv4Address(address))
        self.used.discard(value)
        self._hint = min(self._hint, value)

    def to_record(self) -> dict[str, Any]:
        return {
            "vswitch_id": self.vswitch_id,
            "vpc_id": self.vpc_id,
            "zone_id": self.zone_id,
            "cidr_block": self.cidr_block,
            "name": self.name,
            "description": self.description,
            "creation_time": self.creation_time,
            "status": self.settled_status,
            "transition": self.transition.to_record() if self.transition else None,
            "tags": dict(self.tags),
            "ipv6_cidr_block": self.ipv6_cidr_block,
        }


def _ipv6_block(text: str) -> str:
    """A seeded vSwitch IPv6 block, written exactly (a /64 as the cloud gives them), or ""."""
    if not text:
        return ""
    network = ipaddress.IPv6Network(text, strict=True)
    if network.prefixlen != 64:
        raise ValueError(f"a vSwitch IPv6 block is a /64, got {text!r}")
    return str(network)


def _vpc_network(cidr_block: str) -> ipaddress.IPv4Network:
    # CreateVpc answers every kind of bad CIDR with InvalidParameter (reference, section 2).
    network = parse_network(cidr_block, InvalidParameter, "CidrBlock")
    if not (8 <= network.prefixlen <= 28):
        raise InvalidParameter(f"The CidrBlock {cidr_block} has mask /{network.prefixlen}: a VPC mask must be /8 to /28.")
    for forbidden in _FORBIDDEN_RANGES:
        if network.overlaps(forbidden):
            raise InvalidParameter(
                f"The CidrBlock {cidr_block} overlaps the reserved range {forbidden}: use 10.0.0.0/8, "
                "172.16.0.0/12, 192.168.0.0/16 or a subnet of them."
            )
    return network


class VpcRules(ContentionRules):
    """CreateVpc / DescribeVpcs / ModifyVpcAttribute / DeleteVpc and the same for vSwitches."""

    # VPCs ---------------------------------------------------------------------------------------------
    def get_vpc(self, vpc_id: str) -> Vpc:
        vpc = self.vpcs.get(vpc_id)
        if vpc is None:
            raise InvalidVpcIdNotFound(f"The VPC {vpc_id[:80]!r} does not exist in {self.region_id}.")
        return vpc

    def vpc_status(self, vpc: Vpc) -> str:
        return current_status(vpc, self.now())

    def create_vpc(
        self,
        cidr_block: str | None,
        name: str | None = None,
        description: str | None = None,
        *,
        tags: dict[str, str] | None = None,
        dry_run: bool = False,
    ) -> Vpc:
        cidr = cidr_block or DEFAULT_VPC_CIDR
        _vpc_network(cidr)
        if name is not None:
            check_vpc_name(name)
        if description is not None:
            check_description(description)
        check_resource_tags(tags or {})
        if dry_run:
            raise DryRunOperation()
        now = self.now()
        vpc = Vpc(
            vpc_id=self.new_id("vpc", self.vpcs),
            cidr_block=cidr,
            name=name or "",
            description=description or "",
            vrouter_id=self.new_id("vrt", ()),
            route_table_id=self.new_id("vtb", ()),
            creation_time=iso_time(now),
            settled_status="Available",
            transition=Transition.begin(("Pending",), "Available", self.setting("vpc"), now),
            tags=dict(tags or {}),
        )
        self.vpcs[vpc.vpc_id] = vpc
        return vpc

    def describe_vpcs(
        self, vpc_ids: list[str] | None = None, name: str | None = None, tags: TagFilter | None = None
    ) -> Selection[Vpc]:
        if vpc_ids is None and name is None and not tags:
            return Selection(len(self.vpcs), self.vpcs.values())
        pool = self.vpcs.values() if vpc_ids is None else [self.vpcs[i] for i in dict.fromkeys(vpc_ids) if i in self.vpcs]
        matches = [v for v in pool if (name is None or v.name == name) and matches_tags(v.tags, tags)]
        return Selection(len(matches), matches)

    def modify_vpc(self, vpc_id: str, name: str | None, description: str | None) -> None:
        vpc = self.get_vpc(vpc_id)
        if name is not None:
            check_vpc_name(name)
        if description is not None:
            check_description(description)
        self.check_not_deleted(vpc_id, "VPC", IncorrectVpcStatus)
        self.claim(vpc_id, "VPC")
        if name is not None:
            vpc.name = name
        if description is not None:
            vpc.description = description

    def delete_vpc(self, vpc_id: str, *, dry_run: bool = False) -> None:
        """Delete a VPC: it is shown (Pending) until the ``vpc_delete`` window has passed."""
        vpc = self.get_vpc(vpc_id)
        self.check_vpc_available(vpc)
        vswitches = self.vswitches_by_vpc.get(vpc_id)
        if vswitches:
            deleting = " (being deleted)" if all(self.departing(v) for v in vswitches) else ""
            raise DependencyViolationVSwitch(
                f"The VPC {vpc_id} still has vSwitches ({', '.join(list(vswitches)[:5])}){deleting}: "
                "delete them first, or retry when they are gone."
            )
        if self.groups_by_vpc.get(vpc_id):
            raise DependencyViolationSecurityGroup(
                f"The VPC {vpc_id} still has security groups ({', '.join(list(self.groups_by_vpc[vpc_id])[:5])}): "
                "delete them first."
            )
        if self.instances_by_vpc.get(vpc_id):
            raise DependencyViolationInstance(f"The VPC {vpc_id} still has instances: delete them first.")
        hold = self.network_hold(vpc_id=vpc_id)
        if hold is not None:
            raise DependencyViolationInstance(
                f"The VPC {vpc_id} still holds the network interface of instance {hold.instance_id}, released a "
                "moment ago: retry in a moment."
            )
        if dry_run:
            raise DryRunOperation()
        self.claim(vpc_id, "VPC")
        vpc.settled_status, vpc.transition = DEPARTING_KINDS["vpc"], None
        self.depart("vpc", vpc_id, self.window("vpc_delete"))

    # vSwitches ----------------------------------------------------------------------------------------
    def get_vswitch(self, vswitch_id: str) -> VSwitch:
        vswitch = self.vswitches.get(vswitch_id)
        if vswitch is None:
            raise InvalidVSwitchIdNotFound(f"The vSwitch {vswitch_id[:80]!r} does not exist in {self.region_id}.")
        return vswitch

    def vswitch_status(self, vswitch: VSwitch) -> str:
        return current_status(vswitch, self.now())

    def create_vswitch(
        self,
        vpc_id: str,
        zone_id: str,
        cidr_block: str,
        name: str | None = None,
        description: str | None = None,
        *,
        tags: dict[str, str] | None = None,
        dry_run: bool = False,
    ) -> VSwitch:
        vpc = self.get_vpc(vpc_id)
        if zone_id not in self.region.zone_ids:
            raise InvalidZoneIdNotFound(
                f"The zone {zone_id[:60]!r} does not exist in {self.region_id}: use one of "
                f"{', '.join(self.region.zone_ids)}."
            )
        network = parse_network(cidr_block, InvalidCidrBlockMalformed, "CidrBlock")
        if not (16 <= network.prefixlen <= 29):
            raise InvalidCidrBlockMaskLength(
                f"The vSwitch CidrBlock {cidr_block} has mask /{network.prefixlen}: it must be /16 to /29."
            )
        vpc_network = ipaddress.IPv4Network(vpc.cidr_block)
        if not network.subnet_of(vpc_network):
            raise InvalidParameter(
                f"The vSwitch CidrBlock {cidr_block} is not inside the CIDR block {vpc.cidr_block} of VPC {vpc_id}."
            )
        siblings = self.vswitches_by_vpc.get(vpc_id, {})
        for other in siblings.values():
            if other.network.overlaps(network):
                raise InvalidCidrBlockOverlapped(
                    f"The CidrBlock {cidr_block} overlaps {other.cidr_block} of vSwitch {other.vswitch_id}."
                )
        if name is not None:
            check_vswitch_name(name)
        if description is not None:
            check_description(description)
        check_resource_tags(tags or {})
        self.check_vpc_available(vpc)
        self._check_no_vswitch_task(vpc_id, siblings)
        # The real service creates one vSwitch at a time per VPC; clients must retry or serialise.
        for other in siblings.values():
            if self.vswitch_status(other) != "Available":
                raise IncorrectVSwitchStatus(
                    f"VSwitch creation simultaneously is not supported. (the vSwitch {other.vswitch_id} of VPC "
                    f"{vpc_id} is still {self.vswitch_status(other)}: retry when it is Available)"
                )
        if dry_run:
            raise DryRunOperation()
        now = self.now()
        vswitch = VSwitch(
            vswitch_id=self.new_id("vsw", self.vswitches),
            vpc_id=vpc_id,
            zone_id=zone_id,
            cidr_block=str(network),
            name=name or "",
            description=description or "",
            creation_time=iso_time(now),
            transition=Transition.begin(("Pending",), "Available", self.setting("vswitch"), now),
            tags=dict(tags or {}),
        )
        self._add_vswitch(vswitch)
        return vswitch

    def _add_vswitch(self, vswitch: VSwitch) -> None:
        self.vswitches[vswitch.vswitch_id] = vswitch
        index_add(self.vswitches_by_vpc, vswitch.vpc_id, vswitch.vswitch_id, vswitch)

    def describe_vswitches(
        self,
        vpc_id: str | None = None,
        vswitch_id: str | None = None,
        zone_id: str | None = None,
        name: str | None = None,
        tags: TagFilter | None = None,
    ) -> Selection[VSwitch]:
        if vswitch_id is not None:
            base: Any = [self.vswitches[vswitch_id]] if vswitch_id in self.vswitches else []
        elif vpc_id is not None:
            base = self.vswitches_by_vpc.get(vpc_id, {}).values()
        else:
            base = self.vswitches.values()
        if vswitch_id is None and zone_id is None and name is None and not tags:
            return Selection(len(base), base)
        matches = [
            v
            for v in base
            if (vpc_id is None or v.vpc_id == vpc_id)
            and (zone_id is None or v.zone_id == zone_id)
            and (name is None or v.name == name)
            and matches_tags(v.tags, tags)
        ]
        return Selection(len(matches), matches)

    def modify_vswitch(self, vswitch_id: str, name: str | None, description: str | None) -> None:
        vswitch = self.get_vswitch(vswitch_id)
        if name is not None:
            check_vswitch_name(name)
        if description is not None:
            check_description(description)
        self.check_not_deleted(vswitch_id, "vSwitch", IncorrectVSwitchStatus)
        self.claim(vswitch_id, "vSwitch")
        if name is not None:
            vswitch.name = name
        if description is not None:
            vswitch.description = description

    def delete_vswitch(self, vswitch_id: str, *, dry_run: bool = False) -> None:
        """Delete a vSwitch: it is shown (Pending) until the ``vswitch_delete`` window has passed."""
        vswitch = self.get_vswitch(vswitch_id)
        status = self.vswitch_status(vswitch)
        self.check_not_deleted(vswitch_id, "vSwitch", IncorrectVSwitchStatus)
        if status != "Available":
            raise IncorrectVSwitchStatus(
                f"The current virtual switch status does not support this operation. (the vSwitch {vswitch_id} "
                f"is {status}: retry when it is Available)"
            )
        self._check_no_vswitch_task(vswitch.vpc_id, self.vswitches_by_vpc.get(vswitch.vpc_id, {}))
        if self.instances_by_vswitch.get(vswitch_id):
            raise DependencyViolation(
                f"Specified object has dependent resources. (the vSwitch {vswitch_id} still has instances "
                f"{', '.join(list(self.instances_by_vswitch[vswitch_id])[:5])}: delete them first)"
            )
        hold = self.network_hold(vswitch_id=vswitch_id)
        if hold is not None:
            raise DependencyViolation(
                f"Specified object has dependent resources. (the network interface of instance {hold.instance_id}, "
                f"released a moment ago, is still attached to the vSwitch {vswitch_id}: retry in a moment)"
            )
        if dry_run:
            raise DryRunOperation()
        self.claim(vswitch_id, "vSwitch")
        vswitch.settled_status, vswitch.transition = DEPARTING_KINDS["vswitch"], None
        self.depart("vswitch", vswitch_id, self.window("vswitch_delete"))

    def finish_vswitch_delete(self, vswitch_id: str) -> None:
        vswitch = self.vswitches.pop(vswitch_id, None)
        if vswitch is not None:
            index_remove(self.vswitches_by_vpc, vswitch.vpc_id, vswitch_id)

    def _check_no_vswitch_task(self, vpc_id: str, siblings: dict[str, VSwitch]) -> None:
        """TaskConflict while a vSwitch of the VPC is being deleted: the VPC runs one such task at a time."""
        deleting = next((v for v in siblings if self.departing(v)), None)
        if deleting is not None:
            raise TaskConflict(
                f"The operation is too frequent, please wait a moment and try again. (the vSwitch {deleting} of "
                f"VPC {vpc_id} is being deleted)"
            )

    # Loading ------------------------------------------------------------------------------------------
    def load_vpc(self, record: dict[str, Any]) -> Vpc:
        now = self.now()
        cidr = record.get("cidr_block") or DEFAULT_VPC_CIDR
        _vpc_network(cidr)
        vpc_id = record.get("vpc_id") or self.new_id("vpc", self.vpcs)
        vpc = Vpc(
            vpc_id=vpc_id,
            cidr_block=cidr,
            name=record.get("name", ""),
            description=record.get("description", ""),
            vrouter_id=record.get("vrouter_id") or self.new_id("vrt", ()),
            route_table_id=record.get("route_table_id") or self.new_id("vtb", ()),
            creation_time=record.get("creation_time") or iso_time(now),
            settled_status=record.get("status", "Available"),
            transition=Transition.from_record(record.get("transition")),
            tags=dict(record.get("tags") or {}),
        )
        self.vpcs[vpc.vpc_id] = vpc
        return vpc

    def load_vswitch(self, record: dict[str, Any]) -> VSwitch:
        vpc = self.vpcs.get(record["vpc_id"])
        if vpc is None:
            raise ValueError(f"vSwitch record names VPC {record['vpc_id']!r}, which the world does not hold")
        zone_id = record["zone_id"]
        if zone_id not in self.region.zone_ids:
            raise ValueError(f"vSwitch zone {zone_id!r} is not a zone of {self.region_id}")
        vswitch = VSwitch(
            vswitch_id=record.get("vswitch_id") or self.new_id("vsw", self.vswitches),
            vpc_id=vpc.vpc_id,
            zone_id=zone_id,
            cidr_block=str(ipaddress.IPv4Network(record["cidr_block"])),
            name=record.get("name", ""),
            description=record.get("description", ""),
            creation_time=record.get("creation_time") or iso_time(self.now()),
            settled_status=record.get("status", "Available"),
            transition=Transition.from_record(record.get("transition")),
            tags=dict(record.get("tags") or {}),
            ipv6_cidr_block=_ipv6_block(record.get("ipv6_cidr_block") or ""),
        )
        self._add_vswitch(vswitch)
        return vswitch

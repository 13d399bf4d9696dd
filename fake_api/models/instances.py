"""Instances and their disks: RunInstances rules (stock, quota, private IPs, names), lifecycle, describes."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import (
    DryRunOperation,
    IncorrectImageStatus,
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
    InvalidSecurityGroupIdNotFound,
    InvalidVSwitchIdIpNotEnough,
    InvalidVSwitchIdNotFound,
    MissingParameter,
    OperationDeniedNoStock,
    QuotaExceedElasticQuota,
)
from .base import Selection, index_add, index_remove, iso_time
from .catalogue import INSTANCE_TYPES
from .disks import Disk, DiskRequest, DiskRules
from .tags import TagFilter, matches_tags
from .transitions import Transition, current_status
from .validation import check_description, check_host_name, check_instance_name, check_resource_tags
from .vpcs import VSwitch

__all__ = [
    "INSTANCE_STATUSES",
    "Instance",
    "InstanceRules",
    "InstanceView",
    "LaunchRequest",
    "expand_names",
]

INSTANCE_STATUSES: tuple[str, ...] = ("Pending", "Starting", "Running", "Stopping", "Stopped")
_SOLD_OUT = ("WithoutStock", "ClosedWithoutStock")
_MONTH_PERIODS = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36, 48, 60})
_DAY = 86400.0
_BATCH_PATTERN = re.compile(r"^(?P<prefix>[^\[\]]*)\[(?P<begin>[0-9]*)(?:,(?P<bits>[0-9]*))?\](?P<suffix>[^\[\]]*)$")


@dataclass(frozen=True, slots=True)
class InstanceView:
    """An instance as answers show it, without its status (which moves with time), in two forms.

    ``fields`` is the answer's dict with an empty ``Status``; ``json_head`` and ``json_tail`` are its JSON
    before and after the status value, so that an answer's JSON is ``json_head + status + json_tail``.
    Built by the response layer and kept on the instance (``Instance.view_cache``) until the instance
    changes. Example::

        view = InstanceView({"InstanceId": "i-1", "Status": ""}, '{"InstanceId":"i-1","Status":', "}")
    """

    fields: dict[str, Any]
    json_head: str
    json_tail: str


@dataclass(slots=True)
class Instance:
    instance_id: str
    zone_id: str
    instance_type: str
    image_id: str
    name: str
    host_name: str
    description: str
    network_type: str  # vpc | classic
    vpc_id: str
    vswitch_id: str
    private_ips: list[str]
    security_group_ids: list[str]
    charge_type: str  # PostPaid | PrePaid
    creation_time: str
    settled_status: str = "Running"
    transition: Transition | None = None
    period: int = 0
    period_unit: str = ""
    expired_time: str = ""
    internet_max_bandwidth_out: int = 0
    internet_charge_type: str = "PayByTraffic"
    public_ip: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    disks: list[Disk] = field(default_factory=list)
    # The rendered, status-free view of the instance; whoever changes a field it shows resets it to None.
    view_cache: InstanceView | None = field(default=None, compare=False, repr=False)

    @property
    def cpu(self) -> int:
        info = INSTANCE_TYPES.get(self.instance_type)
        return info.cpu if info else 0

    @property
    def memory_mib(self) -> int:
        info = INSTANCE_TYPES.get(self.instance_type)
        return int(info.memory_gib * 1024) if info else 0

    @property
    def system_disk(self) -> Disk | None:
        return next((d for d in self.disks if d.disk_type == "system"), None)

    @property
    def system_disk_size(self) -> int:
        disk = self.system_disk
        return disk.size if disk else 40

    def to_record(self) -> dict[str, Any]:
        return {
            "instance_id": self.instance_id,
            "zone_id": self.zone_id,
            "instance_type": self.instance_type,
            "image_id": self.image_id,
            "name": self.name,
            "host_name": self.host_name,
            "description": self.description,
            "network_type": self.network_type,
            "vpc_id": self.vpc_id,
            "vswitch_id": self.vswitch_id,
            "private_ips": list(self.private_ips),
            "security_group_ids": list(self.security_group_ids),
            "charge_type": self.charge_type,
            "period": self.period,
            "period_unit": self.period_unit,
            "expired_time": self.expired_time,
            "internet_max_bandwidth_out": self.internet_max_bandwidth_out,
            "internet_charge_type": self.internet_charge_type,
            "public_ip": self.public_ip,
            "tags": dict(self.tags),
            "creation_time": self.creation_time,
            "status": self.settled_status,
            "transition": self.transition.to_record() if self.transition else None,
            "disks": [d.to_record() for d in self.disks],
        }


@dataclass(slots=True)
class LaunchRequest:
    """RunInstances parameters after parsing (types checked), before the rules."""

    image_id: str
    instance_type: str
    vswitch_id: str
    security_group_ids: list[str]
    amount: int = 1
    min_amount: int | None = None
    zone_id: str | None = None
    private_ip: str | None = None
    instance_name: str | None = None
    host_name: str | None = None
    unique_suffix: bool = False
    description: str | None = None
    charge_type: str = "PostPaid"
    period: int | None = None
    period_unit: str = "Month"
    system_disk: DiskRequest = field(default_factory=DiskRequest)
    data_disks: list[DiskRequest] = field(default_factory=list)
    internet_max_bandwidth_out: int = 0
    internet_charge_type: str = "PayByTraffic"
    tags: dict[str, str] = field(default_factory=dict)


def expand_names(pattern: str, count: int, unique_suffix: bool) -> list[str]:
    """Names for ``count`` instances: ``prefix[begin,bits]suffix`` numbers them; UniqueSuffix appends 001...

    >>> expand_names("k8s-node-[6,4]", 2, False)
    ['k8s-node-0006', 'k8s-node-0007']
    >>> expand_names("web", 2, True)
    ['web001', 'web002']
    """
    match = _BATCH_PATTERN.match(pattern)
    if match is None:
        if "[" in pattern or "]" in pattern:
            raise InvalidInstanceNameMalformed(
                f"The name pattern {pattern[:60]!r} is not valid: write prefix[begin,bits]suffix, e.g. web-[1,3]."
            )
        if unique_suffix and count > 1:
            return [f"{pattern}{n:03d}" for n in range(1, count + 1)]
        return [pattern] * count
    begin_text, bits_text = match.group("begin"), match.group("bits")
    begin = int(begin_text) if begin_text else 0
    bits = int(bits_text) if bits_text else 6
    if len(begin_text) > 6 or not (0 <= begin <= 999999) or not (1 <= bits <= 6):
        raise InvalidInstanceNameMalformed(
            f"The name pattern {pattern[:60]!r} is not valid: begin must be 0 to 999999 and bits 1 to 6."
        )
    prefix, suffix = match.group("prefix"), match.group("suffix")
    names = [f"{prefix}{str(begin + n).zfill(bits)}{suffix}" for n in range(count)]
    if unique_suffix and suffix and count > 1:
        names = [f"{name}{n:03d}" for n, name in enumerate(names, start=1)]
    return names


def _fake_public_ip(instance_id: str) -> str:
    # Derived from the ID so that it is stable and distinct enough for a fake.
    digest = sum((i + 1) * ord(c) for i, c in enumerate(instance_id))
    return f"47.{96 + digest % 20}.{(digest >> 5) % 256}.{1 + (digest >> 13) % 254}"


class InstanceRules(DiskRules):
    """RunInstances, Start/Stop/Delete, ModifyInstanceAttribute, DescribeInstances."""

    def get_instance(self, instance_id: str) -> Instance:
        instance = self.instances.get(instance_id)
        if instance is None:
            raise InvalidInstanceIdNotFound(f"The instance {instance_id[:80]!r} does not exist in {self.region_id}.")
        return instance

    def instance_status(self, instance: Instance) -> str:
        return current_status(instance, self.now())

    # RunInstances -------------------------------------------------------------------------------------
    def run_instances(self, launch: LaunchRequest, *, dry_run: bool = False) -> list[Instance]:
        vswitch = self.vswitches.get(launch.vswitch_id)
        if vswitch is None:
            raise InvalidVSwitchIdNotFound(f"The vSwitch {launch.vswitch_id[:80]!r} does not exist in {self.region_id}.")
        if launch.zone_id is not None and launch.zone_id != vswitch.zone_id:
            raise InvalidParameterMismatch(
                f"ZoneId {launch.zone_id[:40]} does not match the zone {vswitch.zone_id} of vSwitch {vswitch.vswitch_id}."
            )
        if not launch.security_group_ids:
            raise MissingParameter("RunInstances needs SecurityGroupId or SecurityGroupIds.N.")
        if len(launch.security_group_ids) > 5:
            raise InvalidParameter("An instance can join at most 5 security groups.")
        for group_id in launch.security_group_ids:
            group = self.security_groups.get(group_id)
            if group is None:
                raise InvalidSecurityGroupIdNotFound(f"The security group {group_id[:80]!r} does not exist in {self.region_id}.")
            if group.vpc_id != vswitch.vpc_id:
                raise InvalidParameterMismatch(
                    f"The security group {group_id} is in VPC {group.vpc_id or 'classic'}, but vSwitch "
                    f"{vswitch.vswitch_id} is in VPC {vswitch.vpc_id}: they must be in the same VPC."
                )
        type_info = INSTANCE_TYPES.get(launch.instance_type)
        if type_info is None:
            raise InvalidInstanceTypeValueNotSupported(
                f"The instance type {launch.instance_type[:60]!r} is not offered: see DescribeInstanceTypes."
            )
        image = self.images.get(launch.image_id) or self.cloud.public_images(self.region_id).get(launch.image_id)
        if image is None:
            raise InvalidImageIdNotFound(f"The image {launch.image_id[:80]!r} does not exist in {self.region_id}.")
        image_status = current_status(image, self.now())
        if image_status != "Available":
            raise IncorrectImageStatus(f"The image {launch.image_id} is {image_status}: wait until it is Available.")
        if not (1 <= launch.amount <= 100):
            raise InvalidParameter(f"Amount is {launch.amount}; it must be from 1 to 100.")
        if launch.min_amount is not None and not (1 <= launch.min_amount <= launch.amount):
            raise InvalidParameter(f"MinAmount is {launch.min_amount}; it must be from 1 to Amount ({launch.amount}).")
        self._check_charge(launch)
        disk_shapes = self.launch_disk_shapes(image, launch.instance_type, launch.system_disk, launch.data_disks)
        if not (0 <= launch.internet_max_bandwidth_out <= 100):
            raise InvalidParameter(
                f"InternetMaxBandwidthOut is {launch.internet_max_bandwidth_out}; it must be from 0 to 100 Mbit/s."
            )
        names = expand_names(launch.instance_name, launch.amount, launch.unique_suffix) if launch.instance_name else None
        for name in dict.fromkeys(names or []):
            check_instance_name(name)
        host_names = expand_names(launch.host_name, launch.amount, launch.unique_suffix) if launch.host_name else None
        for host_name in dict.fromkeys(host_names or []):
            check_host_name(host_name)
        if launch.description is not None:
            check_description(launch.description)
        check_resource_tags(launch.tags)
        vswitch_status = current_status(vswitch, self.now())
        if vswitch_status != "Available":
            raise IncorrectVSwitchStatus(f"The vSwitch {vswitch.vswitch_id} is {vswitch_status}: retry when it is Available.")
        stock = self.cloud.stock_category(self.region_id, vswitch.zone_id, launch.instance_type)
        if stock in _SOLD_OUT:
            raise OperationDeniedNoStock(
                f"The instance type {launch.instance_type} is sold out in {vswitch.zone_id} ({stock}): choose another "
                "type or zone (DescribeAvailableResource lists what has stock)."
            )
        # Quota: all or nothing, unless MinAmount accepts fewer.
        room = max(self.instance_quota - len(self.instances), 0)
        count = launch.amount
        if room < count:
            if launch.min_amount is not None and room >= launch.min_amount:
                count = room
            else:
                raise QuotaExceedElasticQuota(
                    f"{launch.amount} instances would exceed the quota of {self.instance_quota} instances in "
                    f"{self.region_id} ({len(self.instances)} exist); set MinAmount to accept fewer."
                )
        if launch.private_ip is not None:
            _check_private_ips(vswitch, launch.private_ip, count)
        elif vswitch.available_ip_count < count:
            raise InvalidVSwitchIdIpNotEnough(
                f"vSwitch {vswitch.vswitch_id} has {vswitch.available_ip_count} free addresses; {count} are needed."
            )
        if dry_run:
            raise DryRunOperation()
        addresses = vswitch.allocate(count, launch.private_ip)
        now = self.now()
        setting = self.setting("instance")
        expired = ""
        if launch.charge_type == "PrePaid" and launch.period:
            days = launch.period * (7 if launch.period_unit == "Week" else 30)
            expired = iso_time(now + days * _DAY)
        created: list[Instance] = []
        for n in range(count):
            instance_id = self.new_id("i", self.instances)
            instance = Instance(
                instance_id=instance_id,
                zone_id=vswitch.zone_id,
                instance_type=launch.instance_type,
                image_id=image.image_id,
                name=names[n] if names else instance_id,
                host_name=host_names[n] if host_names else f"iZ{instance_id[2:]}Z",
                description=launch.description or "",
                network_type="vpc",
                vpc_id=vswitch.vpc_id,
                vswitch_id=vswitch.vswitch_id,
                private_ips=[addresses[n]],
                security_group_ids=list(dict.fromkeys(launch.security_group_ids)),
                charge_type=launch.charge_type,
                creation_time=iso_time(now),
                settled_status="Running",
                transition=Transition.begin(("Pending", "Starting"), "Running", setting, now),
                period=(launch.period or 0) if launch.charge_type == "PrePaid" else 0,
                period_unit=launch.period_unit if launch.charge_type == "PrePaid" else "",
                expired_time=expired,
                internet_max_bandwidth_out=launch.internet_max_bandwidth_out,
                internet_charge_type=launch.internet_charge_type,
                public_ip=_fake_public_ip(instance_id) if launch.internet_max_bandwidth_out > 0 else "",
                tags=dict(launch.tags),
            )
            disk_setting = self.setting("disk")
            instance.disks = [
                self.make_disk(shape, instance, now, Transition.begin(("Creating", "Attaching"), "In_use", disk_setting, now))
                for shape in disk_shapes
            ]
            self._add_instance(instance)
            created.append(instance)
        return created

    def _check_charge(self, launch: LaunchRequest) -> None:
        if launch.charge_type not in ("PostPaid", "PrePaid"):
            raise InvalidParameter(f"InstanceChargeType {launch.charge_type[:30]!r} is not valid: use PostPaid or PrePaid.")
        if launch.charge_type != "PrePaid":
            return
        if launch.period is None:
            raise MissingParameter("A PrePaid instance needs Period (and PeriodUnit Month or Week).")
        if launch.period_unit == "Week":
            if not (1 <= launch.period <= 4):
                raise InvalidParameter(f"Period is {launch.period}; with PeriodUnit Week it must be 1 to 4.")
        elif launch.period_unit == "Month":
            if launch.period not in _MONTH_PERIODS:
                raise InvalidParameter(
                    f"Period is {launch.period}; with PeriodUnit Month it must be 1-9, 12, 24, 36, 48 or 60."
                )
        else:
            raise InvalidParameter(f"PeriodUnit {launch.period_unit[:30]!r} is not valid: use Month or Week.")

    def _add_instance(self, instance: Instance) -> None:
        self.instances[instance.instance_id] = instance
        if instance.vpc_id:
            index_add(self.instances_by_vpc, instance.vpc_id, instance.instance_id, instance)
        if instance.vswitch_id:
            index_add(self.instances_by_vswitch, instance.vswitch_id, instance.instance_id, instance)
        for group_id in instance.security_group_ids:
            index_add(self.instances_by_group, group_id, instance.instance_id, instance)
        index_add(self.instances_by_image, instance.image_id, instance.instance_id, instance)

    def _remove_instance(self, instance: Instance) -> None:
        del self.instances[instance.instance_id]
        index_remove(self.instances_by_vpc, instance.vpc_id, instance.instance_id)
        index_remove(self.instances_by_vswitch, instance.vswitch_id, instance.instance_id)
        for group_id in instance.security_group_ids:
            index_remove(self.instances_by_group, group_id, instance.instance_id)
        index_remove(self.instances_by_image, instance.image_id, instance.instance_id)
        self.release_disks(instance)
        vswitch = self.vswitches.get(instance.vswitch_id)
        if vswitch is not None:
            for address in instance.private_ips:
                vswitch.release(address)

    # Lifecycle ----------------------------------------------------------------------------------------
    def start_instance(self, instance_id: str, *, dry_run: bool = False) -> None:
        instance = self.get_instance(instance_id)
        status = self.instance_status(instance)
        if status != "Stopped":
            raise IncorrectInstanceStatus(f"The instance {instance_id} is {status}: only a Stopped instance can be started.")
        if dry_run:
            raise DryRunOperation()
        now = self.now()
        instance.settled_status = "Running"
        instance.transition = Transition.begin(("Starting",), "Running", self.setting("instance_start"), now)

    def stop_instance(self, instance_id: str, *, dry_run: bool = False) -> None:
        instance = self.get_instance(instance_id)
        status = self.instance_status(instance)
        if status != "Running":
            raise IncorrectInstanceStatus(f"The instance {instance_id} is {status}: only a Running instance can be stopped.")
        if dry_run:
            raise DryRunOperation()
        now = self.now()
        instance.settled_status = "Stopped"
        instance.transition = Transition.begin(("Stopping",), "Stopped", self.setting("instance_stop"), now)

    def delete_instances(self, instance_ids: list[str], *, force: bool = False, dry_run: bool = False) -> None:
        """Release instances: each must be Stopped unless ``force``; all are checked before any goes."""
        instances = [self.get_instance(i) for i in dict.fromkeys(instance_ids)]
        for instance in instances:
            status = self.instance_status(instance)
            if status != "Stopped" and not force:
                raise IncorrectInstanceStatus(
                    f"The instance {instance.instance_id} is {status}: stop it first, or pass Force=true to release it."
                )
        if dry_run:
            raise DryRunOperation()
        for instance in instances:
            self._remove_instance(instance)

    def modify_instance(
        self, instance_id: str, name: str | None, host_name: str | None, description: str | None
    ) -> None:
        instance = self.get_instance(instance_id)
        if name is not None:
            check_instance_name(name)
        if host_name is not None:
            check_host_name(host_name)
        if description is not None:
            check_description(description)
        if name is not None:
            instance.name = name
        if host_name is not None:
            instance.host_name = host_name
        if description is not None:
            instance.description = description
        instance.view_cache = None

    # Describes ----------------------------------------------------------------------------------------
    def describe_instances(
        self,
        *,
        instance_ids: list[str] | None = None,
        vpc_id: str | None = None,
        vswitch_id: str | None = None,
        security_group_id: str | None = None,
        zone_id: str | None = None,
        name: str | None = None,
        status: str | None = None,
        charge_type: str | None = None,
        network_type: str | None = None,
        instance_type: str | None = None,
        image_id: str | None = None,
        private_ips: list[str] | None = None,
        tags: TagFilter | None = None,
    ) -> Selection[Instance]:
        """Instances matching every filter, in creation order. The narrowest index is the starting pool."""
        base: Any
        remaining = {
            "vpc": vpc_id,
            "vswitch": vswitch_id,
            "group": security_group_id,
        }
        if instance_ids is not None:
            base = [self.instances[i] for i in dict.fromkeys(instance_ids) if i in self.instances]
        elif vswitch_id is not None:
            base = self.instances_by_vswitch.get(vswitch_id, {}).values()
            remaining["vswitch"] = None
        elif security_group_id is not None:
            base = self.instances_by_group.get(security_group_id, {}).values()
            remaining["group"] = None
        elif vpc_id is not None:
            base = self.instances_by_vpc.get(vpc_id, {}).values()
            remaining["vpc"] = None
        elif image_id is not None:
            base = self.instances_by_image.get(image_id, {}).values()
        else:
            base = self.instances.values()
        name_match = _wildcard(name) if name is not None else None
        ips = set(private_ips) if private_ips is not None else None
        filters = [
            remaining["vpc"],
            remaining["vswitch"],
            remaining["group"],
            zone_id,
            name,
            status,
            charge_type,
            network_type,
            instance_type,
            image_id,
            ips,
            tags,
        ]
        if instance_ids is None and all(f is None or f == [] for f in filters):
            return Selection(len(base), base)
        now = self.now()
        matches = [
            i
            for i in base
            if (remaining["vpc"] is None or i.vpc_id == remaining["vpc"])
            and (remaining["vswitch"] is None or i.vswitch_id == remaining["vswitch"])
            and (remaining["group"] is None or remaining["group"] in i.security_group_ids)
            and (zone_id is None or i.zone_id == zone_id)
            and (name_match is None or name_match.match(i.name) is not None)
            and (charge_type is None or i.charge_type == charge_type)
            and (network_type is None or i.network_type == network_type)
            and (instance_type is None or i.instance_type == instance_type)
            and (image_id is None or i.image_id == image_id)
            and (ips is None or not ips.isdisjoint(i.private_ips))
            and matches_tags(i.tags, tags)
            and (status is None or current_status(i, now) == status)
        ]
        return Selection(len(matches), matches)

    # Loading ------------------------------------------------------------------------------------------
    def load_instance(self, record: dict[str, Any]) -> Instance:
        """Add an instance from a record. Classic-network instances, hidden images and PrePaid are allowed."""
        instance_id = record.get("instance_id") or self.new_id("i", self.instances)
        network_type = record.get("network_type") or ("vpc" if record.get("vswitch_id") else "classic")
        vswitch = None
        if network_type == "vpc":
            vswitch = self.vswitches.get(record.get("vswitch_id", ""))
            if vswitch is None:
                raise ValueError(f"instance {instance_id}: vSwitch {record.get('vswitch_id')!r} is not in the world")
        instance_type = record.get("instance_type", "ecs.g7.large")
        if instance_type not in INSTANCE_TYPES:
            raise ValueError(f"instance {instance_id}: unknown instance type {instance_type!r}")
        for group_id in record.get("security_group_ids") or []:
            if group_id not in self.security_groups:
                raise ValueError(f"instance {instance_id}: security group {group_id!r} is not in the world")
        now_text = iso_time(self.now())
        zone_id = record.get("zone_id") or (vswitch.zone_id if vswitch else self.region.zone_ids[0])
        private_ips = list(record.get("private_ips") or ([record["private_ip"]] if record.get("private_ip") else []))
        if vswitch is not None:
            if not private_ips:
                private_ips = vswitch.allocate(1)
            else:
                for address in private_ips:
                    vswitch.reserve(address)
        elif not private_ips:
            private_ips = ["10.0.0.2"]
        instance = Instance(
            instance_id=instance_id,
            zone_id=zone_id,
            instance_type=instance_type,
            image_id=record.get("image_id", ""),
            name=record.get("name") or instance_id,
            host_name=record.get("host_name") or f"iZ{instance_id[2:]}Z",
            description=record.get("description", ""),
            network_type=network_type,
            vpc_id=vswitch.vpc_id if vswitch else "",
            vswitch_id=vswitch.vswitch_id if vswitch else "",
            private_ips=private_ips,
            security_group_ids=list(record.get("security_group_ids") or []),
            charge_type=record.get("charge_type", "PostPaid"),
            creation_time=record.get("creation_time") or now_text,
            settled_status=record.get("status", "Running"),
            transition=Transition.from_record(record.get("transition")),
            period=int(record.get("period") or 0),
            period_unit=record.get("period_unit", ""),
            expired_time=record.get("expired_time", ""),
            internet_max_bandwidth_out=int(record.get("internet_max_bandwidth_out") or 0),
            internet_charge_type=record.get("internet_charge_type", "PayByTraffic"),
            public_ip=record.get("public_ip", ""),
            tags=dict(record.get("tags") or {}),
        )
        for disk_record in record.get("disks") or [{}]:
            disk = self.load_disk(disk_record, zone_id)
            disk.instance_id = instance_id
            disk.attached_time = disk.attached_time or disk.creation_time
            disk.charge_type, disk.expired_time = instance.charge_type, instance.expired_time
            instance.disks.append(disk)
        self._add_instance(instance)
        return instance


def _check_private_ips(vswitch: VSwitch, first: str, count: int) -> None:
    """``count`` consecutive addresses from ``first`` must be usable and free in the vSwitch."""
    try:
        start = int(ipaddress.IPv4Address(first))
    except ValueError:
        raise InvalidPrivateIpAddress(f"PrivateIpAddress {first[:60]!r} is not an IPv4 address.") from None
    for address in range(start, start + count):
        problem = vswitch.address_problem(address)
        if problem is not None:
            error = InvalidPrivateIpAddressDuplicated if address in vswitch.used else InvalidPrivateIpAddress
            raise error(problem)


def _wildcard(pattern: str) -> re.Pattern[str]:
    """InstanceName filters accept * as a wildcard."""
    return re.compile("^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$", re.DOTALL)

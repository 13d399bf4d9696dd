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
    IncorrectInstanceStatusInitializing,
    IncorrectVSwitchStatus,
    InvalidImageIdNotFound,
    InvalidInstanceIdNotFound,
    InvalidInstanceIdsMalformed,
    InvalidInstanceTypeValueNotSupported,
    InvalidNetworkTypeMismatchRamRole,
    InvalidOperationDeletionProtection,
    InvalidParameter,
    InvalidParameterAllEmpty,
    InvalidParameterMismatch,
    InvalidPrivateIpAddress,
    InvalidPrivateIpAddressDuplicated,
    InvalidSecurityGroupIdNotFound,
    InvalidVSwitchIdNotFound,
    MissingParameter,
    OperationDeniedNoStock,
    QuotaExceedElasticQuota,
)
from .base import Selection, index_add, index_remove, iso_time
from .catalogue import INSTANCE_TYPES
from .contention import DEPARTING_KINDS
from .disks import Disk
from .instance_options import InstanceSettings, NetworkInterface, check_password, check_user_data, minute_time
from .instance_options import credit_specification as checked_credit_specification
from .launch_settings import LaunchRequest, LaunchSettingsRules, expand_names, host_name_for
from .tags import TagFilter, matches_tags
from .transitions import Transition, current_status
from .validation import check_description, check_host_name, check_instance_name, check_resource_tags
from .vpcs import VSwitch

__all__ = [
    "INSTANCE_STATUSES",
    "Instance",
    "InstanceChanges",
    "InstanceRules",
    "InstanceView",
    "LaunchRequest",
    "RoleResult",
    "expand_names",
]

INSTANCE_STATUSES: tuple[str, ...] = ("Pending", "Starting", "Running", "Stopping", "Stopped")
_SOLD_OUT = ("WithoutStock", "ClosedWithoutStock")
_MONTH_PERIODS = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36, 48, 60})
_DAY = 86400.0


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
class InstanceChanges:
    """What ModifyInstanceAttribute asks to change (None: leave as is)."""

    name: str | None = None
    host_name: str | None = None
    description: str | None = None
    password: str | None = None
    user_data: str | None = None
    credit_specification: str | None = None
    deletion_protection: bool | None = None
    enable_jumbo_frame: bool | None = None
    security_group_ids: list[str] | None = None


@dataclass(frozen=True, slots=True)
class RoleResult:
    """The outcome of attaching or detaching a RAM role for one instance, as the API reports it per instance."""

    instance_id: str
    success: bool
    code: str
    message: str
    role_name: str = ""


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
    settings: InstanceSettings = field(default_factory=InstanceSettings)
    secondary_private_ips: list[str] = field(default_factory=list)  # of the primary network interface
    ipv6_addresses: list[str] = field(default_factory=list)
    network_interfaces: list[NetworkInterface] = field(default_factory=list)  # secondary ones
    start_time: str = ""  # when it last started (minute precision, as DescribeInstances shows it)
    stopped_mode: str = ""  # KeepCharging or StopCharging while stopped
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
            "settings": self.settings.to_record(),
            "secondary_private_ips": list(self.secondary_private_ips),
            "ipv6_addresses": list(self.ipv6_addresses),
            "network_interfaces": [e.to_record() for e in self.network_interfaces],
            "start_time": self.start_time,
            "stopped_mode": self.stopped_mode,
        }


def _fake_public_ip(instance_id: str) -> str:
    # Derived from the ID so that it is stable and distinct enough for a fake.
    digest = sum((i + 1) * ord(c) for i, c in enumerate(instance_id))
    return f"47.{96 + digest % 20}.{(digest >> 5) % 256}.{1 + (digest >> 13) % 254}"


class InstanceRules(LaunchSettingsRules):
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
        image = self.find_image(launch.image_id)
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
        names, host_names = self.launch_names(launch, windows=image.os_type == "windows")
        settings = self.launch_settings(launch, type_info, image)
        self.check_network_extras(launch, vswitch, type_info)
        if launch.description is not None:
            check_description(launch.description)
        check_resource_tags(launch.tags)
        vswitch_status = current_status(vswitch, self.now())
        if vswitch_status != "Available":
            raise IncorrectVSwitchStatus(
                f"The current virtual switch status does not support this operation. (the vSwitch "
                f"{vswitch.vswitch_id} is {vswitch_status}: retry when it is Available)"
            )
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
        self.check_address_room(launch, vswitch, count)
        groups = [0] * count
        if settings.deployment_set_id:
            groups = self.place_in_deployment_set(
                settings.deployment_set_id, vswitch.zone_id, count, launch.deployment_set_group_no
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
                host_name=host_name_for(host_names[n], instance_id) if host_names else f"iZ{instance_id[2:]}Z",
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
                settings=self.settings_for(settings, groups[n]),
                start_time=minute_time(now),
            )
            self.attach_network_extras(instance, launch, vswitch)
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
        self.release_network_extras(instance)
        vswitch = self.vswitches.get(instance.vswitch_id)
        if vswitch is not None:
            for address in instance.private_ips:
                vswitch.release(address)

    # Lifecycle ----------------------------------------------------------------------------------------
    def start_instance(self, instance_id: str, *, dry_run: bool = False) -> None:
        instance = self.get_instance(instance_id)
        status = self.instance_status(instance)
        self.check_not_released(instance)
        if status != "Stopped":
            raise IncorrectInstanceStatus(f"The instance {instance_id} is {status}: only a Stopped instance can be started.")
        if dry_run:
            raise DryRunOperation()
        self.claim(instance_id, "instance")
        now = self.now()
        instance.settled_status = "Running"
        instance.transition = Transition.begin(("Starting",), "Running", self.setting("instance_start"), now)
        instance.start_time, instance.stopped_mode = minute_time(now), ""
        instance.view_cache = None

    def stop_instance(self, instance_id: str, *, stopped_mode: str | None = None, dry_run: bool = False) -> None:
        instance = self.get_instance(instance_id)
        status = self.instance_status(instance)
        self.check_not_released(instance)
        if status != "Running":
            raise IncorrectInstanceStatus(f"The instance {instance_id} is {status}: only a Running instance can be stopped.")
        if dry_run:
            raise DryRunOperation()
        self.claim(instance_id, "instance")
        now = self.now()
        instance.settled_status = "Stopped"
        instance.transition = Transition.begin(("Stopping",), "Stopped", self.setting("instance_stop"), now)
        # Economical mode (StopCharging) is for pay-as-you-go VPC instances; others keep charging.
        economical = stopped_mode == "StopCharging" and instance.charge_type == "PostPaid" and instance.vpc_id
        instance.stopped_mode = "StopCharging" if economical else "KeepCharging"
        instance.view_cache = None

    def delete_instances(
        self,
        instance_ids: list[str],
        *,
        force: bool = False,
        terminate_subscription: bool = False,
        dry_run: bool = False,
    ) -> None:
        """Release instances: each must be Stopped unless ``force``, none may still be launching, and a
        subscription one must have been converted to pay-as-you-go (or have expired: ``terminate_subscription``);
        all are checked before any goes. A released instance is shown (Stopping) until the
        ``instance_release`` window has passed, and its network interface holds its vSwitch and groups a while
        longer."""
        instances = [self.get_instance(i) for i in dict.fromkeys(instance_ids)]
        for instance in instances:
            if instance.settings.deletion_protection:
                raise InvalidOperationDeletionProtection(
                    f"The instance {instance.instance_id} has release protection on (DeletionProtection): turn it "
                    "off with ModifyInstanceAttribute DeletionProtection=false, then release it."
                )
            status = self.instance_status(instance)
            if instance.transition is not None and "Pending" in instance.transition.stages:
                raise IncorrectInstanceStatusInitializing(
                    f"The specified instance status does not support this operation. (the instance "
                    f"{instance.instance_id} is {status}: it is still being created; retry when it is Running)"
                )
            self.check_not_released(instance)
            if status in ("Starting", "Stopping"):
                raise IncorrectInstanceStatus(
                    f"The instance {instance.instance_id} is {status}: retry when it is Running or Stopped."
                )
            if status != "Stopped" and not force:
                raise IncorrectInstanceStatus(
                    f"The instance {instance.instance_id} is {status}: stop it first, or pass Force=true to release it."
                )
            self.check_release_allowed(instance, terminate_subscription)
        if dry_run:
            raise DryRunOperation()
        for instance in instances:
            self.claim(instance.instance_id, "instance")
        release = self.window("instance_release")
        for instance in instances:
            if self.instance_status(instance) != "Stopped":
                instance.settled_status, instance.transition = DEPARTING_KINDS["instance"], None
                instance.view_cache = None
            self.depart("instance", instance.instance_id, release)

    def check_release_allowed(self, instance: Instance, terminate_subscription: bool) -> None:
        """The billing rules of a release (see billing.py)."""
        raise NotImplementedError

    def check_not_released(self, instance: Instance) -> None:
        """IncorrectInstanceStatus for an instance that is being released (it is still shown for a while)."""
        if self.departing(instance.instance_id):
            raise IncorrectInstanceStatus(
                f"The current status of the resource does not support this operation. (the instance "
                f"{instance.instance_id} is being released)"
            )

    def finish_release(self, instance_id: str, gone_at: float) -> None:
        """The released instance is gone; its network interface still holds its vSwitch and groups a while."""
        instance = self.instances.get(instance_id)
        if instance is not None:
            self._remove_instance(instance)
            self.hold_network(
                instance.instance_id, instance.vpc_id, instance.vswitch_id, instance.security_group_ids, gone_at
            )

    def modify_instance(self, instance_id: str, changes: InstanceChanges, *, dry_run: bool = False) -> None:
        """ModifyInstanceAttribute: every given attribute is checked before any changes."""
        instance = self.get_instance(instance_id)
        self.check_not_released(instance)
        settings = instance.settings
        if changes.name is not None:
            check_instance_name(changes.name)
        if changes.host_name is not None:
            check_host_name(changes.host_name, windows=settings.os_type == "windows")
        if changes.description is not None:
            check_description(changes.description)
        if changes.password is not None:
            check_password(changes.password, settings.os_type)
        if changes.user_data is not None:
            check_user_data(changes.user_data)
        type_info = INSTANCE_TYPES.get(instance.instance_type)
        if changes.credit_specification is not None and type_info is not None:
            checked_credit_specification(changes.credit_specification, type_info)
        if changes.security_group_ids is not None:
            self._check_new_groups(instance, changes.security_group_ids)
        if dry_run:
            raise DryRunOperation()
        self.claim(instance_id, "instance")
        if changes.name is not None:
            instance.name = changes.name
        if changes.host_name is not None:
            instance.host_name = changes.host_name
        if changes.description is not None:
            instance.description = changes.description
        if changes.user_data is not None:
            settings.user_data = changes.user_data
        if changes.credit_specification is not None:
            settings.credit_specification = changes.credit_specification
        if changes.deletion_protection is not None:
            settings.deletion_protection = changes.deletion_protection
        if changes.enable_jumbo_frame is not None:
            settings.enable_jumbo_frame = changes.enable_jumbo_frame
        if changes.security_group_ids is not None:
            for group_id in instance.security_group_ids:
                index_remove(self.instances_by_group, group_id, instance.instance_id)
            instance.security_group_ids = list(changes.security_group_ids)
            for group_id in instance.security_group_ids:
                index_add(self.instances_by_group, group_id, instance.instance_id, instance)
        instance.view_cache = None

    def _check_new_groups(self, instance: Instance, group_ids: list[str]) -> None:
        if len(set(group_ids)) != len(group_ids) or not (1 <= len(group_ids) <= 5):
            raise InvalidParameter("SecurityGroupIds.N must name 1 to 5 distinct security groups.")
        for group_id in group_ids:
            group = self.security_groups.get(group_id)
            if group is None:
                raise InvalidSecurityGroupIdNotFound(f"The security group {group_id[:80]!r} does not exist in {self.region_id}.")
            if group.vpc_id != instance.vpc_id:
                raise InvalidParameterMismatch(
                    f"The security group {group_id} is in VPC {group.vpc_id or 'classic'}, but instance "
                    f"{instance.instance_id} is in VPC {instance.vpc_id or 'classic'}."
                )

    # RAM roles of instances ---------------------------------------------------------------------------
    def attach_ram_role(self, instance_ids: list[str], role_name: str) -> list[RoleResult]:
        """Give each instance the role; an instance holding another role is refused on its own (per-instance result)."""
        name = self.checked_ram_role(role_name, "RamRoleName")
        instances = self._role_instances(instance_ids)
        results: list[RoleResult] = []
        for instance in instances:
            current = instance.settings.ram_role_name
            if current and current != name:
                results.append(RoleResult(instance.instance_id, False, "Operation.Conflict",
                                          f"The instance already has the RAM role {current}: detach it first."))
                continue
            instance.settings.ram_role_name = name
            results.append(RoleResult(instance.instance_id, True, "200", "success"))
        return results

    def detach_ram_role(self, instance_ids: list[str], role_name: str | None) -> list[RoleResult]:
        instances = self._role_instances(instance_ids)
        results: list[RoleResult] = []
        for instance in instances:
            current = instance.settings.ram_role_name
            if not current or (role_name is not None and current != role_name):
                results.append(RoleResult(instance.instance_id, False, "InvalidRamRole.NotFound",
                                          f"The instance has {'no RAM role' if not current else 'the RAM role ' + current}."))
                continue
            instance.settings.ram_role_name = ""
            results.append(RoleResult(instance.instance_id, True, "200", "success", current))
        return results

    def instance_ram_roles(self, instance_ids: list[str] | None, role_name: str | None) -> list[tuple[str, str]]:
        """(instance ID, role name or "") for the given instances, or every instance holding ``role_name``."""
        if instance_ids is None and role_name is None:
            raise InvalidParameterAllEmpty("DescribeInstanceRamRole needs InstanceIds or RamRoleName.")
        pool = self._role_instances(instance_ids) if instance_ids is not None else list(self.instances.values())
        return [
            (i.instance_id, i.settings.ram_role_name)
            for i in pool
            if role_name is None or i.settings.ram_role_name == role_name
        ]

    def _role_instances(self, instance_ids: list[str]) -> list[Instance]:
        if not instance_ids or len(instance_ids) > 100:
            raise InvalidInstanceIdsMalformed("InstanceIds must be a JSON array of 1 to 100 instance IDs.")
        instances = [self.get_instance(i) for i in dict.fromkeys(instance_ids)]
        for instance in instances:
            if instance.network_type != "vpc":
                raise InvalidNetworkTypeMismatchRamRole(
                    f"The instance {instance.instance_id} is in the classic network: RAM roles are for VPC instances."
                )
        return instances

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
            settings=self._loaded_settings(record),
            start_time=record.get("start_time") or minute_time(self.now()),
            stopped_mode=record.get("stopped_mode", ""),
        )
        self._load_network_extras(instance, record)
        for disk_record in record.get("disks") or [{}]:
            disk = self.load_disk(disk_record, zone_id)
            disk.instance_id = instance_id
            disk.attached_time = disk.attached_time or disk.creation_time
            disk.charge_type, disk.expired_time = instance.charge_type, instance.expired_time
            instance.disks.append(disk)
        self._add_instance(instance)
        return instance

    def _loaded_settings(self, record: dict[str, Any]) -> InstanceSettings:
        """An instance record's settings; OS names come from its image when the record leaves them out."""
        settings_record = dict(record.get("settings") or {})
        image = self.find_image(record.get("image_id", ""))
        if image is not None:
            settings_record.setdefault("os_name", image.os_name)
            settings_record.setdefault("os_name_en", image.os_name_en)
            settings_record.setdefault("os_type", image.os_type)
        settings = InstanceSettings.from_record(settings_record)
        settings.resource_group_id = settings.resource_group_id or self.check_resource_group(None)
        return settings

    def _load_network_extras(self, instance: Instance, record: dict[str, Any]) -> None:
        instance.secondary_private_ips = list(record.get("secondary_private_ips") or [])
        instance.ipv6_addresses = list(record.get("ipv6_addresses") or [])
        instance.network_interfaces = [NetworkInterface.from_record(e) for e in record.get("network_interfaces") or []]
        for vswitch, address, ipv6 in self.extra_addresses(instance):
            if vswitch is None:
                raise ValueError(f"instance {instance.instance_id}: address {address} is in a vSwitch the world does not hold")
            if ipv6:
                vswitch.reserve_ipv6(address)
            else:
                vswitch.reserve(address)


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

"""What RunInstances is asked (:class:`LaunchRequest`) and the rules of everything in it beyond type, image, disks
and the primary address: names and host names of a batch, key pair, RAM role, user data, password, release
protection, resource group, deployment set, spot bidding, metadata access, credit mode, bandwidth, automatic
release and renewal, secondary private IPs, IPv6 addresses and secondary network interfaces.

Every check runs before anything is made, so a refused launch leaves nothing behind.

Example::

    expand_names("k8s-node-[6,4]", 2, False)      # ['k8s-node-0006', 'k8s-node-0007']
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..exceptions import (
    InvalidInstanceNameMalformed,
    InvalidOperationIpv4CountExceeded,
    InvalidOperationIpv6CountExceeded,
    InvalidParameter,
    InvalidParameterMismatch,
    InvalidParamNetworkInterface,
    InvalidParamsHostnameExceed,
    InvalidParamsInstanceNameExceed,
    InvalidRamRoleNotEcsRole,
    InvalidRamRoleNotFound,
    InvalidSecurityGroupIdNotFound,
    InvalidVSwitchIdIpNotEnough,
    InvalidVSwitchIdNotFound,
    InvalidVSwitchIpv6NotTurnOn,
)
from .catalogue import InstanceTypeInfo
from .deployment_sets import DeploymentSetRules
from .disks import DiskRequest, DiskRules
from .instance_options import (
    InstanceSettings,
    MetadataOptions,
    NetworkInterface,
    SpotOptions,
    auto_release_time,
    auto_renew_period,
    check_password,
    check_user_data,
    credit_specification,
    inbound_bandwidth,
)
from .key_pairs import KeyPairRules
from .validation import check_host_name, check_instance_name

if TYPE_CHECKING:
    from .images import Image
    from .instances import Instance
    from .vpcs import VSwitch

__all__ = ["EniRequest", "LaunchRequest", "LaunchSettingsRules", "expand_names", "host_name_for"]

_BATCH_PATTERN = re.compile(r"^(?P<prefix>[^\[\]]*)\[(?P<begin>[0-9]*)(?:,(?P<bits>[0-9]*))?\](?P<suffix>[^\[\]]*)$")
_INSTANCE_ID_PLACEHOLDER = "${instance_id}"
_SAMPLE_INSTANCE_ID = "i-" + "x" * 20  # as long as real IDs, to check host names before IDs exist


@dataclass(slots=True)
class EniRequest:
    """One secondary network interface of a launch (``NetworkInterface.N`` of type Secondary)."""

    vswitch_id: str | None = None
    security_group_ids: list[str] = field(default_factory=list)
    primary_ip: str | None = None
    secondary_ip_count: int = 0
    name: str = ""
    description: str = ""
    delete_on_release: bool = True


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
    host_names: list[str] = field(default_factory=list)  # HostNames.N, one per instance
    unique_suffix: bool = False
    description: str | None = None
    charge_type: str = "PostPaid"
    period: int | None = None
    period_unit: str = "Month"
    auto_renew: bool = False
    auto_renew_period: int | None = None
    system_disk: DiskRequest = field(default_factory=DiskRequest)
    data_disks: list[DiskRequest] = field(default_factory=list)
    internet_max_bandwidth_out: int = 0
    internet_max_bandwidth_in: int | None = None
    internet_charge_type: str = "PayByTraffic"
    tags: dict[str, str] = field(default_factory=dict)
    key_pair_name: str | None = None
    ram_role_name: str | None = None
    user_data: str | None = None
    password: str | None = None
    deletion_protection: bool = False
    resource_group_id: str | None = None
    deployment_set_id: str | None = None
    deployment_set_group_no: int | None = None
    spot_strategy: str | None = None
    spot_price_limit: float | None = None
    spot_duration: int | None = None
    spot_interruption_behavior: str | None = None
    http_endpoint: str | None = None
    http_tokens: str | None = None
    http_put_response_hop_limit: int | None = None
    credit_specification: str | None = None
    auto_release_time: str | None = None
    secondary_private_ip_count: int = 0
    ipv6_address_count: int = 0
    network_interfaces: list[EniRequest] = field(default_factory=list)


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


def _suffix_added(pattern: str, count: int, unique_suffix: bool) -> bool:
    """Whether UniqueSuffix appends its three digits to this pattern."""
    if not unique_suffix or count < 2:
        return False
    match = _BATCH_PATTERN.match(pattern)
    return match is None or bool(match.group("suffix"))


def host_name_for(pattern_result: str, instance_id: str) -> str:
    """A host name with its ``${instance_id}`` placeholder filled in."""
    return pattern_result.replace(_INSTANCE_ID_PLACEHOLDER, instance_id)


class LaunchSettingsRules(DiskRules, KeyPairRules, DeploymentSetRules):
    """The checks of a launch's settings, names and extra addresses; the instance rules create from them."""

    def launch_settings(self, launch: LaunchRequest, type_info: InstanceTypeInfo, image: Image) -> InstanceSettings:
        """Every setting of the launch, checked, as each new instance will hold it."""
        windows = image.os_type == "windows"
        key_pair_name = ""
        if launch.key_pair_name and not windows:  # the API ignores key pairs for Windows instances
            key_pair_name = self.get_key_pair(launch.key_pair_name).name
        ram_role_name = self.checked_ram_role(launch.ram_role_name, "RamRoleName") if launch.ram_role_name else ""
        if launch.password is not None:
            check_password(launch.password, image.os_type)
        prepaid = launch.charge_type == "PrePaid"
        if launch.deployment_set_id is not None:
            self.get_deployment_set(launch.deployment_set_id)
        return InstanceSettings(
            os_name=image.os_name,
            os_name_en=image.os_name_en,
            os_type=image.os_type,
            key_pair_name=key_pair_name,
            ram_role_name=ram_role_name,
            user_data=check_user_data(launch.user_data) if launch.user_data else "",
            deletion_protection=launch.deletion_protection,
            resource_group_id=self.check_resource_group(launch.resource_group_id),
            spot=SpotOptions.checked(
                launch.spot_strategy,
                launch.spot_price_limit,
                launch.spot_duration,
                launch.spot_interruption_behavior,
                launch.charge_type,
            ),
            metadata=MetadataOptions.checked(launch.http_endpoint, launch.http_tokens, launch.http_put_response_hop_limit),
            credit_specification=credit_specification(launch.credit_specification, type_info),
            internet_max_bandwidth_in=inbound_bandwidth(launch.internet_max_bandwidth_in, launch.internet_max_bandwidth_out),
            auto_release_time="" if prepaid else auto_release_time(launch.auto_release_time, self.now()),
            auto_renew=prepaid and launch.auto_renew,
            auto_renew_period=(
                auto_renew_period(launch.auto_renew_period, launch.period_unit) if prepaid and launch.auto_renew else 0
            ),
            deployment_set_id=launch.deployment_set_id or "",
        )

    def checked_ram_role(self, name: str, parameter: str) -> str:
        role = self.account.ram_roles.get(name)
        if role is None:
            raise InvalidRamRoleNotFound(
                f"{parameter} {name[:70]!r} is not a RAM role of this account (roles are global to the account: "
                "create it in RAM first)."
            )
        if not role.trusts_ecs:
            raise InvalidRamRoleNotEcsRole(
                f"The RAM role {name} does not trust ecs.aliyuncs.com ({', '.join(role.services) or 'no service'}): "
                "an instance can take only a role whose trust policy names ECS."
            )
        return role.name

    def launch_names(self, launch: LaunchRequest, windows: bool) -> tuple[list[str] | None, list[str] | None]:
        """Instance names and host names for ``launch.amount`` instances (None where the cloud picks them)."""
        names = None
        if launch.instance_name:
            names = expand_names(launch.instance_name, launch.amount, launch.unique_suffix)
            if _suffix_added(launch.instance_name, launch.amount, launch.unique_suffix) and len(names[0]) > 128:
                raise InvalidParamsInstanceNameExceed(
                    f"InstanceName {launch.instance_name[:40]!r} with UniqueSuffix's three digits passes 128 "
                    "characters: shorten it."
                )
            for name in dict.fromkeys(names):
                check_instance_name(name)
        if launch.host_name and launch.host_names:
            raise InvalidParameter("Give HostName or HostNames.N, not both.")
        host_names = None
        if launch.host_names:
            if len(launch.host_names) != launch.amount:
                raise InvalidParameter(
                    f"HostNames.N holds {len(launch.host_names)} host names for Amount {launch.amount}: give one each."
                )
            host_names = list(launch.host_names)
        elif launch.host_name:
            host_names = expand_names(launch.host_name, launch.amount, launch.unique_suffix)
            limit = 15 if windows else 64
            sample = host_name_for(host_names[0], _SAMPLE_INSTANCE_ID)
            if _suffix_added(launch.host_name, launch.amount, launch.unique_suffix) and len(sample) > limit:
                raise InvalidParamsHostnameExceed(
                    f"HostName {launch.host_name[:40]!r} with UniqueSuffix's three digits passes {limit} characters: "
                    "shorten it."
                )
        for host_name in dict.fromkeys(host_names or []):
            check_host_name(host_name_for(host_name, _SAMPLE_INSTANCE_ID), windows=windows)
        return names, host_names

    # Secondary addresses and network interfaces ---------------------------------------------------------
    def check_network_extras(self, launch: LaunchRequest, vswitch: VSwitch, type_info: InstanceTypeInfo) -> None:
        """Secondary IPs, IPv6 addresses and secondary ENIs the instance type and the vSwitches allow."""
        per_eni = type_info.eni_private_ip_quantity
        if not (0 <= launch.secondary_private_ip_count <= per_eni - 1):
            raise InvalidOperationIpv4CountExceeded(
                f"{launch.secondary_private_ip_count} secondary private IPs asked: a network interface of "
                f"{type_info.instance_type} holds at most {per_eni} IPv4 addresses (1 primary and {per_eni - 1} secondary)."
            )
        if launch.ipv6_address_count:
            if not vswitch.ipv6_cidr_block:
                raise InvalidVSwitchIpv6NotTurnOn(
                    f"Ipv6AddressCount is {launch.ipv6_address_count} but vSwitch {vswitch.vswitch_id} has no IPv6 "
                    "block: enable IPv6 on its VPC and vSwitch, or leave Ipv6AddressCount out."
                )
            if launch.ipv6_address_count > type_info.eni_ipv6_quantity:
                raise InvalidOperationIpv6CountExceeded(
                    f"Ipv6AddressCount is {launch.ipv6_address_count}; a network interface of {type_info.instance_type} "
                    f"holds at most {type_info.eni_ipv6_quantity} IPv6 addresses."
                )
        if len(launch.network_interfaces) > type_info.eni_quantity - 1:
            raise InvalidParamNetworkInterface(
                f"{len(launch.network_interfaces)} secondary network interfaces asked; {type_info.instance_type} takes "
                f"{type_info.eni_quantity} interfaces in all (the primary one included)."
            )
        for n, eni in enumerate(launch.network_interfaces, start=1):
            eni_vswitch = self._eni_vswitch(eni, vswitch, n)
            for group_id in eni.security_group_ids:
                group = self.security_groups.get(group_id)
                if group is None:
                    raise InvalidSecurityGroupIdNotFound(
                        f"NetworkInterface.{n}.SecurityGroupId {group_id[:60]!r} does not exist in {self.region_id}."
                    )
                if group.vpc_id != vswitch.vpc_id:
                    raise InvalidParameterMismatch(
                        f"NetworkInterface.{n}: security group {group_id} is not in VPC {vswitch.vpc_id}."
                    )
            if not (0 <= eni.secondary_ip_count <= per_eni - 1):
                raise InvalidOperationIpv4CountExceeded(
                    f"NetworkInterface.{n}.SecondaryPrivateIpAddressCount is {eni.secondary_ip_count}; at most "
                    f"{per_eni - 1}."
                )
            if eni.primary_ip is not None:
                if launch.amount > 1:
                    raise InvalidParamNetworkInterface(
                        f"NetworkInterface.{n}.PrimaryIpAddress needs Amount 1: one address cannot go to several instances."
                    )
                problem = eni_vswitch.address_problem(_ip_value(eni.primary_ip, n))
                if problem is not None:
                    raise InvalidParamNetworkInterface(f"NetworkInterface.{n}.PrimaryIpAddress: {problem}")

    def _eni_vswitch(self, eni: EniRequest, vswitch: VSwitch, n: int) -> VSwitch:
        if eni.vswitch_id is None:
            return vswitch
        found = self.vswitches.get(eni.vswitch_id)
        if found is None:
            raise InvalidVSwitchIdNotFound(f"NetworkInterface.{n}.VSwitchId {eni.vswitch_id[:60]!r} does not exist.")
        if found.vpc_id != vswitch.vpc_id or found.zone_id != vswitch.zone_id:
            raise InvalidParamNetworkInterface(
                f"NetworkInterface.{n}.VSwitchId {found.vswitch_id} must be in the instance's VPC ({vswitch.vpc_id}) "
                f"and zone ({vswitch.zone_id})."
            )
        return found

    def check_address_room(self, launch: LaunchRequest, vswitch: VSwitch, count: int) -> None:
        """Enough free IPv4 addresses, in every vSwitch involved, for ``count`` instances and their extras."""
        needed: dict[str, int] = {vswitch.vswitch_id: count * (1 + launch.secondary_private_ip_count)}
        if launch.private_ip is not None:
            needed[vswitch.vswitch_id] -= count  # checked address by address instead
        for n, eni in enumerate(launch.network_interfaces, start=1):
            target = self._eni_vswitch(eni, vswitch, n)
            needed[target.vswitch_id] = needed.get(target.vswitch_id, 0) + count * (1 + eni.secondary_ip_count)
        for vswitch_id, amount in needed.items():
            target = self.vswitches[vswitch_id]
            if target.available_ip_count < amount:
                raise InvalidVSwitchIdIpNotEnough(
                    f"vSwitch {vswitch_id} has {target.available_ip_count} free addresses; {amount} are needed."
                )

    def attach_network_extras(self, instance: Instance, launch: LaunchRequest, vswitch: VSwitch) -> None:
        """Give a new instance its secondary IPs, IPv6 addresses and secondary network interfaces."""
        if launch.secondary_private_ip_count:
            instance.secondary_private_ips = vswitch.allocate(launch.secondary_private_ip_count)
        if launch.ipv6_address_count:
            instance.ipv6_addresses = vswitch.allocate_ipv6(launch.ipv6_address_count)
        for n, eni in enumerate(launch.network_interfaces, start=1):
            target = self._eni_vswitch(eni, vswitch, n)
            (primary,) = target.allocate(1, eni.primary_ip)
            instance.network_interfaces.append(
                NetworkInterface(
                    eni_id=self.new_id("eni", ()),
                    vswitch_id=target.vswitch_id,
                    security_group_ids=list(eni.security_group_ids or instance.security_group_ids),
                    primary_ip=primary,
                    secondary_ips=target.allocate(eni.secondary_ip_count) if eni.secondary_ip_count else [],
                    name=eni.name,
                    description=eni.description,
                    delete_on_release=eni.delete_on_release,
                )
            )

    def extra_addresses(self, instance: Instance) -> list[tuple[VSwitch | None, str, bool]]:
        """(vSwitch, address, is IPv6) of every address the instance holds beyond its primary private IP."""
        own = self.vswitches.get(instance.vswitch_id)
        found = [(own, a, False) for a in instance.secondary_private_ips]
        found += [(own, a, True) for a in instance.ipv6_addresses]
        for eni in instance.network_interfaces:
            target = self.vswitches.get(eni.vswitch_id)
            found += [(target, a, False) for a in [eni.primary_ip, *eni.secondary_ips]]
        return found

    def release_network_extras(self, instance: Instance) -> None:
        for vswitch, address, ipv6 in self.extra_addresses(instance):
            if vswitch is not None:
                (vswitch.release_ipv6 if ipv6 else vswitch.release)(address)

    @staticmethod
    def settings_for(settings: InstanceSettings, group_no: int) -> InstanceSettings:
        """One instance's own copy of the launch's settings (its deployment-set group, if any)."""
        return replace(settings, deployment_set_group_no=group_no)


def _ip_value(address: str, n: int) -> int:
    try:
        return int(ipaddress.IPv4Address(address))
    except ValueError:
        raise InvalidParamNetworkInterface(f"NetworkInterface.{n}.PrimaryIpAddress {address[:40]!r} is not an IPv4 address.") from None

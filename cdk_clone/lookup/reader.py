"""Read a source instance over the ECS and VPC API into a :class:`SourceInstance` snapshot.

This module only asks the cloud; caching the answer (so synth is repeatable and offline) is
:mod:`cdk_clone.lookup.context`'s job.

Example::

    from cdk_clone.api import AlibabaCloudClient
    from cdk_clone.lookup.reader import read_source_instance

    client = AlibabaCloudClient("cn-hangzhou")
    source = read_source_instance(client, "cn-hangzhou", "i-bp1d3m0s0urce00001")
    source.vswitch_cidr_block      # '172.16.1.0/24'
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from cdk_clone.lookup.snapshot import DiskSnapshot, SecurityGroupRule, SecurityGroupSnapshot, SourceInstance
from cdk_clone.naming import is_system_tag

if TYPE_CHECKING:
    from cdk_clone.api import AlibabaCloudClient

__all__ = [
    "SourceInstanceNotFound",
    "SourceReader",
    "disk_snapshot",
    "instance_settings",
    "read_auto_renewals",
    "read_disks",
    "read_disks_of",
    "read_ram_roles",
    "read_region_disks",
    "read_security_group",
    "read_source_instance",
    "read_user_data",
    "read_zone_ids",
]

_T = TypeVar("_T")
# DescribeInstances takes at most 100 IDs.
_MOST_IDS = 100
_MOST_RAM_ROLE_IDS = 50  # DescribeInstanceRamRole takes at most 50
_MOST_DISKS = 500  # DescribeDisks' MaxResults
_FEW_INSTANCES = 10  # up to this many, one DescribeDisks each costs less than listing a region's disks


class SourceInstanceNotFound(LookupError):
    """The instance to clone does not exist in the region it was looked for in."""

    def __init__(self, instance_id: str, region_id: str) -> None:
        self.instance_id = instance_id
        self.region_id = region_id
        super().__init__(
            f"source instance {instance_id} was not found in region {region_id}: check the instance ID and "
            "that source_region is the region the instance lives in"
        )


def _items(container: Any, *path: str) -> list[dict[str, Any]]:
    """Follow Alibaba's list wrapping (``{"Instances": {"Instance": [...]}}``) and tolerate absent levels."""
    node: Any = container
    for key in path:
        if not isinstance(node, dict):
            return []
        node = node.get(key)
    return list(node) if isinstance(node, list) else []


def _text(value: Any) -> str | None:
    # The API answers "" for an absent optional value (SourceCidrIp of a group-peered rule, ...).
    if value is None:
        return None
    text = str(value)
    return text or None


def _rule(permission: dict[str, Any]) -> SecurityGroupRule:
    direction = str(permission.get("Direction", "ingress")).lower()
    if direction == "egress":
        cidr = _text(permission.get("DestCidrIp"))
        peer = _text(permission.get("DestGroupId"))
    else:
        direction = "ingress"
        cidr = _text(permission.get("SourceCidrIp"))
        peer = _text(permission.get("SourceGroupId"))
    # Priority is documented as a string but sent as a number by some answers: accept both.
    priority_raw = permission.get("Priority", 1)
    return SecurityGroupRule(
        direction=direction,  # type: ignore[arg-type]  # narrowed to the two literals above
        ip_protocol=str(permission.get("IpProtocol", "all")),
        port_range=str(permission.get("PortRange") or "-1/-1"),
        cidr_ip=cidr,
        peer_security_group_id=peer,
        policy=str(permission.get("Policy") or "accept").lower(),  # type: ignore[arg-type]
        priority=int(priority_raw) if str(priority_raw).strip() else 1,
        nic_type=str(permission.get("NicType") or "intranet"),
        description=str(permission.get("Description") or ""),
    )


def read_security_group(client: AlibabaCloudClient, region_id: str, group_id: str) -> SecurityGroupSnapshot:
    """A security group and its rules (DescribeSecurityGroupAttribute), rules normalised to lowercase."""
    answer = client.ecs(
        "DescribeSecurityGroupAttribute",
        {"RegionId": region_id, "SecurityGroupId": group_id, "Direction": "all"},
        region_id=region_id,
    )
    permissions = _items(answer, "Permissions", "Permission")
    # Rules keep the API's order; the snapshot's rule set is what the replica re-creates.
    return SecurityGroupSnapshot(
        security_group_id=group_id,
        name=str(answer.get("SecurityGroupName") or group_id),
        description=str(answer.get("Description") or ""),
        vpc_id=_text(answer.get("VpcId")),
        rules=tuple(_rule(p) for p in permissions),
    )


def _cpu_and_memory(client: AlibabaCloudClient, region_id: str, instance: dict[str, Any]) -> tuple[int, int]:
    cpu, memory = instance.get("Cpu"), instance.get("Memory")
    if cpu and memory:
        return int(cpu), int(memory)
    # Some answers leave them out: the instance type's catalogue entry has them (memory in GiB there).
    instance_type = str(instance.get("InstanceType"))
    answer = client.ecs(
        "DescribeInstanceTypes",
        {"RegionId": region_id, "InstanceTypes.1": instance_type},
        region_id=region_id,
    )
    for entry in _items(answer, "InstanceTypes", "InstanceType"):
        if entry.get("InstanceTypeId") == instance_type:
            return int(entry["CpuCoreCount"]), round(float(entry["MemorySize"]) * 1024)
    raise LookupError(f"instance type {instance_type} of {instance.get('InstanceId')} is unknown in {region_id}")


def _image_visible(client: AlibabaCloudClient, region_id: str, image_id: str) -> bool:
    # Without Status, DescribeImages lists Available images only: exactly "could a clone boot from it".
    answer = client.ecs("DescribeImages", {"RegionId": region_id, "ImageId": image_id}, region_id=region_id)
    return any(image.get("ImageId") == image_id for image in _items(answer, "Images", "Image"))


def _cidr(client: AlibabaCloudClient, region_id: str, action: str, id_param: str, key: str, item: str,
          resource_id: str) -> str | None:
    answer = client.vpc(action, {"RegionId": region_id, id_param: resource_id}, region_id=region_id)
    for entry in _items(answer, key, item):
        if entry.get(id_param) == resource_id:
            return _text(entry.get("CidrBlock"))
    return None


def _flag(value: Any, default: bool = False) -> bool:
    # Booleans arrive as JSON booleans, or as "true"/"false" in some answers.
    if value is None or value == "":
        return default
    return value is True or str(value).lower() == "true"


def _whole(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


def disk_snapshot(disk: dict[str, Any]) -> DiskSnapshot:
    """One disk of a DescribeDisks answer, as a snapshot (also how ``cdk-clone verify`` reads a clone's)."""
    return DiskSnapshot(
        disk_id=str(disk["DiskId"]),
        kind="system" if str(disk.get("Type", "")).lower() == "system" else "data",
        category=str(disk.get("Category") or "cloud_efficiency"),
        size_gib=int(disk.get("Size") or 1),
        device=str(disk.get("Device") or ""),
        performance_level=_text(disk.get("PerformanceLevel")),
        encrypted=_flag(disk.get("Encrypted")),
        kms_key_id=_text(disk.get("KMSKeyId")),
        delete_with_instance=_flag(disk.get("DeleteWithInstance"), default=True),
    )


def read_disks(client: AlibabaCloudClient, region_id: str, instance_id: str) -> tuple[DiskSnapshot, ...]:
    """The disks of ``instance_id``: the system disk first, then data disks by device."""
    answer = client.ecs(
        "DescribeDisks",
        {"RegionId": region_id, "InstanceId": instance_id, "PageSize": 100},
        region_id=region_id,
    )
    return _in_device_order(disk_snapshot(d) for d in _items(answer, "Disks", "Disk"))


def _in_device_order(disks: Iterable[DiskSnapshot]) -> tuple[DiskSnapshot, ...]:
    # A stable order keeps the context file diff-free, and is the order clones' data disks are declared in.
    return tuple(sorted(disks, key=lambda d: (d.kind != "system", d.device, d.disk_id)))


def read_ram_roles(client: AlibabaCloudClient, region_id: str, instance_ids: list[str]) -> dict[str, str | None]:
    """Instance ID -> the RAM role attached to it, or None (DescribeInstanceRamRole, 50 instances a call)."""
    roles: dict[str, str | None] = dict.fromkeys(instance_ids)
    for start in range(0, len(instance_ids), _MOST_RAM_ROLE_IDS):
        chunk = instance_ids[start : start + _MOST_RAM_ROLE_IDS]
        answer = client.ecs(
            "DescribeInstanceRamRole",
            {"RegionId": region_id, "InstanceIds": json.dumps(chunk), "PageSize": _MOST_RAM_ROLE_IDS},
            region_id=region_id,
        )
        for entry in _items(answer, "InstanceRamRoleSets", "InstanceRamRoleSet"):
            if entry.get("InstanceId") in roles:
                roles[str(entry["InstanceId"])] = _text(entry.get("RamRoleName"))
    return roles


def read_user_data(client: AlibabaCloudClient, region_id: str, instance_id: str) -> str | None:
    """The instance's user data, Base64 as the API keeps it (DescribeUserData), or None."""
    answer = client.ecs("DescribeUserData", {"RegionId": region_id, "InstanceId": instance_id}, region_id=region_id)
    return _text(answer.get("UserData"))


def read_auto_renewals(
    client: AlibabaCloudClient, region_id: str, instance_ids: list[str]
) -> dict[str, tuple[bool, int | None]]:
    """Subscription instance ID -> (auto-renew on, months or weeks per renewal) (DescribeInstanceAutoRenewAttribute,
    100 a call). Pay-as-you-go instances have no renewal: leave them out."""
    renewals: dict[str, tuple[bool, int | None]] = {}
    for start in range(0, len(instance_ids), _MOST_IDS):
        chunk = instance_ids[start : start + _MOST_IDS]
        answer = client.ecs(
            "DescribeInstanceAutoRenewAttribute",
            {"RegionId": region_id, "InstanceId": ",".join(chunk), "PageSize": _MOST_IDS},
            region_id=region_id,
        )
        for entry in _items(answer, "InstanceRenewAttributes", "InstanceRenewAttribute"):
            enabled = _flag(entry.get("AutoRenewEnabled"))
            renewals[str(entry.get("InstanceId"))] = (enabled, _whole(entry.get("Duration")) if enabled else None)
    return renewals


def read_disks_of(
    client: AlibabaCloudClient,
    region_id: str,
    instance_ids: list[str],
    *,
    region_disks: Callable[[], Mapping[str, tuple[DiskSnapshot, ...]]] | None = None,
) -> dict[str, tuple[DiskSnapshot, ...]]:
    """The disks of each of ``instance_ids``, in :func:`read_disks`' order. DescribeDisks filters by one
    instance only: a few instances are asked one by one, many (a fleet of clones) by listing the region's disks
    once (:func:`read_region_disks`, or ``region_disks`` when a listing is already at hand)."""
    if len(instance_ids) <= _FEW_INSTANCES:
        return {i: read_disks(client, region_id, i) for i in instance_ids}
    every = region_disks() if region_disks is not None else read_region_disks(client, region_id)
    return {i: every.get(i, ()) for i in instance_ids}


def read_region_disks(client: AlibabaCloudClient, region_id: str) -> dict[str, tuple[DiskSnapshot, ...]]:
    """Every disk of the region attached to an instance, by instance, in :func:`read_disks`' order: one
    listing, page after page."""
    grouped: dict[str, list[DiskSnapshot]] = {}
    for disk in client.paginate(
        "ecs", "DescribeDisks", {"RegionId": region_id}, items="Disks.Disk", page_size=_MOST_DISKS, region_id=region_id
    ):
        owner = disk.get("InstanceId")
        if owner:
            grouped.setdefault(str(owner), []).append(disk_snapshot(disk))
    return {i: _in_device_order(disks) for i, disks in grouped.items()}


def instance_settings(instance: dict[str, Any]) -> dict[str, Any]:
    """The settings a clone copies that DescribeInstances tells, as :class:`SourceInstance` fields (also how
    ``cdk-clone verify`` reads a clone's). Absent fields take RunInstances' defaults."""
    metadata = instance.get("MetadataOptions") or {}
    interfaces = _items(instance, "NetworkInterfaces", "NetworkInterface")
    primary = next((n for n in interfaces if str(n.get("Type") or "Primary") == "Primary"), {})
    secondary_ips = [ip for ip in _items(primary, "PrivateIpSets", "PrivateIpSet") if not _flag(ip.get("Primary"))]
    spot = str(instance.get("SpotStrategy") or "NoSpot")
    price = instance.get("SpotPriceLimit")
    return {
        "description": str(instance.get("Description") or ""),
        "os_type": "windows" if str(instance.get("OSType") or "").lower() == "windows" else "linux",
        "key_pair_name": _text(instance.get("KeyPairName")),
        "deletion_protection": _flag(instance.get("DeletionProtection")),
        "internet_charge_type": (
            "PayByBandwidth" if instance.get("InternetChargeType") == "PayByBandwidth" else "PayByTraffic"
        ),
        "internet_max_bandwidth_in": _whole(instance.get("InternetMaxBandwidthIn")) or None,
        "spot_strategy": spot if spot in ("SpotWithPriceLimit", "SpotAsPriceGo") else "NoSpot",
        "spot_price_limit": float(str(price)) if spot == "SpotWithPriceLimit" and price not in (None, "") else None,
        "spot_duration": _whole(instance.get("SpotDuration")) if spot != "NoSpot" else None,
        "resource_group_id": _text(instance.get("ResourceGroupId")),
        "deployment_set_id": _text(instance.get("DeploymentSetId")),
        "credit_specification": _text(instance.get("CreditSpecification")),
        "http_tokens": _text(metadata.get("HttpTokens")),
        "http_endpoint": _text(metadata.get("HttpEndpoint")),
        "secondary_private_ip_count": len(secondary_ips),
        "ipv6_address_count": len(_items(primary, "Ipv6Sets", "Ipv6Set")),
        "secondary_network_interface_ids": tuple(
            str(n.get("NetworkInterfaceId")) for n in interfaces if n is not primary and n.get("NetworkInterfaceId")
        ),
    }


class SourceReader:
    """Reads source instances of one region; what several sources share is read once per reader.

    Twenty sources in one VPC share its VPC, vSwitch, security groups and often their image: one reader
    asks for each of those once, and for the instances themselves in one DescribeInstances of up to 100
    IDs, instead of six calls per source.

    Example::

        reader = SourceReader(client, "cn-hangzhou")
        sources = reader.read(["i-bp1web1", "i-bp1web2"])     # {instance ID: SourceInstance}
    """

    def __init__(self, client: AlibabaCloudClient, region_id: str) -> None:
        self.client = client
        self.region_id = region_id
        self._memo: dict[tuple[str, str], Any] = {}

    def read(self, instance_ids: list[str]) -> dict[str, SourceInstance]:
        """Every instance of ``instance_ids``; :class:`SourceInstanceNotFound` names the first one missing."""
        wanted = list(dict.fromkeys(instance_ids))
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), _MOST_IDS):
            chunk = wanted[start : start + _MOST_IDS]
            answer = self.client.ecs(
                "DescribeInstances",
                {"RegionId": self.region_id, "InstanceIds": json.dumps(chunk), "MaxResults": _MOST_IDS},
                region_id=self.region_id,
            )
            found.update({i["InstanceId"]: i for i in _items(answer, "Instances", "Instance") if i.get("InstanceId") in chunk})
        for instance_id in wanted:
            if instance_id not in found:
                raise SourceInstanceNotFound(instance_id, self.region_id)
        # What DescribeInstances does not tell, asked for all the sources at once where the API allows it.
        # RAM roles are for VPC instances (the API refuses to describe a classic one's).
        in_vpc = [i for i in wanted if str(found[i].get("InstanceNetworkType") or "vpc").lower() != "classic"]
        roles = read_ram_roles(self.client, self.region_id, in_vpc)
        prepaid = [i for i in wanted if found[i].get("InstanceChargeType") == "PrePaid"]
        renewals = read_auto_renewals(self.client, self.region_id, prepaid)
        return {
            instance_id: self._snapshot(
                found[instance_id],
                ram_role_name=roles.get(instance_id),
                user_data=read_user_data(self.client, self.region_id, instance_id),
                renewal=renewals.get(instance_id),
            )
            for instance_id in wanted
        }

    def _once(self, kind: str, key: str, read: Callable[[], _T]) -> _T:
        if (kind, key) not in self._memo:
            self._memo[(kind, key)] = read()
        value: _T = self._memo[(kind, key)]
        return value

    def _group(self, group_id: str) -> SecurityGroupSnapshot:
        return self._once("group", group_id, lambda: read_security_group(self.client, self.region_id, group_id))

    def _snapshot(
        self,
        instance: dict[str, Any],
        *,
        ram_role_name: str | None,
        user_data: str | None,
        renewal: tuple[bool, int | None] | None,
    ) -> SourceInstance:
        client, region_id = self.client, self.region_id
        instance_id = str(instance["InstanceId"])
        vpc_attributes = instance.get("VpcAttributes") or {}
        vpc_id = _text(vpc_attributes.get("VpcId"))
        vswitch_id = _text(vpc_attributes.get("VSwitchId"))
        network_type = str(instance.get("InstanceNetworkType") or ("vpc" if vpc_id else "classic")).lower()
        private_ips = (vpc_attributes.get("PrivateIpAddress") or {}).get("IpAddress") or []
        if not private_ips:  # classic instances carry their address in InnerIpAddress
            private_ips = (instance.get("InnerIpAddress") or {}).get("IpAddress") or []

        cpu, memory_mib = self._once(
            "type", str(instance.get("InstanceType")), lambda: _cpu_and_memory(client, region_id, instance)
        )
        image_id = str(instance.get("ImageId"))
        group_ids = [str(g) for g in (instance.get("SecurityGroupIds") or {}).get("SecurityGroupId") or []]
        # Tags the cloud sets itself (acs:..., aliyun...) are not the user's to copy: RunInstances refuses them.
        tags = {
            str(t.get("TagKey")): str(t.get("TagValue") or "")
            for t in _items(instance, "Tags", "Tag")
            if t.get("TagKey") and not is_system_tag(str(t.get("TagKey")))
        }
        charge_type = str(instance.get("InstanceChargeType") or "PostPaid")
        period = instance.get("Period")
        period_unit = instance.get("PeriodUnit")
        if charge_type == "PrePaid" and not period:
            # DescribeInstances does not say how long a subscription was bought for; one month is the
            # shortest commitment a clone can be given, and the user can set another in the construct.
            period, period_unit = 1, "Month"

        return SourceInstance(
            instance_id=instance_id,
            region_id=region_id,
            zone_id=str(instance.get("ZoneId")),
            instance_type=str(instance.get("InstanceType")),
            cpu=cpu,
            memory_mib=memory_mib,
            image_id=image_id,
            image_visible=self._once("image", image_id, lambda: _image_visible(client, region_id, image_id)),
            network_type="classic" if network_type == "classic" else "vpc",
            vpc_id=vpc_id,
            vpc_cidr_block=(
                self._once(
                    "vpc", vpc_id, lambda: _cidr(client, region_id, "DescribeVpcs", "VpcId", "Vpcs", "Vpc", vpc_id)
                )
                if vpc_id
                else None
            ),
            vswitch_id=vswitch_id,
            vswitch_cidr_block=(
                self._once(
                    "vswitch",
                    vswitch_id,
                    lambda: _cidr(client, region_id, "DescribeVSwitches", "VSwitchId", "VSwitches", "VSwitch", vswitch_id),
                )
                if vswitch_id
                else None
            ),
            private_ip=_text(private_ips[0]) if private_ips else None,
            instance_charge_type="PrePaid" if charge_type == "PrePaid" else "PostPaid",
            period=int(period) if period else None,
            period_unit=str(period_unit) if period_unit else None,
            security_groups=tuple(self._group(g) for g in group_ids),
            instance_name=str(instance.get("InstanceName") or instance_id),
            host_name=_text(instance.get("HostName")),
            disks=read_disks(client, region_id, instance_id),
            tags=tags,
            internet_max_bandwidth_out=int(instance.get("InternetMaxBandwidthOut") or 0),
            ram_role_name=ram_role_name,
            user_data=user_data,
            auto_renew=renewal[0] if renewal else False,
            auto_renew_period=renewal[1] if renewal else None,
            **instance_settings(instance),
        )


def read_source_instance(client: AlibabaCloudClient, region_id: str, instance_id: str) -> SourceInstance:
    """Describe ``instance_id`` in ``region_id`` with everything a clone needs.

    Calls DescribeInstances, DescribeImages, DescribeDisks, DescribeSecurityGroupAttribute (per group),
    DescribeVpcs and DescribeVSwitches (VPC instances), and DescribeInstanceTypes only when the
    instance's answer lacks vCPU and memory. Raises :class:`SourceInstanceNotFound` when the instance
    is not in the region. Several sources: :class:`SourceReader` reads what they share once.
    """
    return SourceReader(client, region_id).read([instance_id])[instance_id]


def read_zone_ids(client: AlibabaCloudClient, region_id: str) -> list[str]:
    """The zones of ``region_id`` (DescribeZones), sorted, for placing a vSwitch replica."""
    answer = client.ecs("DescribeZones", {"RegionId": region_id}, region_id=region_id)
    zones = sorted({str(z["ZoneId"]) for z in _items(answer, "Zones", "Zone") if z.get("ZoneId")})
    if not zones:
        raise LookupError(f"region {region_id} has no zones: check the region ID (e.g. cn-shanghai)")
    return zones

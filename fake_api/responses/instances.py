"""ECS instance actions: RunInstances, lifecycle, attributes, DescribeInstances/InstanceAttribute."""

from __future__ import annotations

import uuid
import zlib
from functools import lru_cache
from typing import Any

from ..exceptions import InvalidParameter, InvalidParamNetworkInterface, MissingParameter
from ..models.disks import MAX_DATA_DISKS, DiskRequest
from ..models.instances import INSTANCE_STATUSES, Instance, InstanceChanges, InstanceView
from ..models.launch_settings import EniRequest, LaunchRequest
from ..models.region import RegionBackend
from ..models.transitions import current_status, observe
from ..rendering import EncodedRows, json_members, json_string
from .base import ECS_VERSION, Request, action, paged
from .params import Params

__all__ = ["instance_view", "render_instance", "render_instance_rows"]


def render_instance(backend: RegionBackend, instance: Instance, now: float) -> dict[str, Any]:
    """One instance as DescribeInstances shows it (DescribeInstanceAttribute shows the same fields).

    The static part is built once per change of the instance and shared between answers, so a page costs
    little more than its size; only the status is computed per call. Callers must not mutate the answer.
    """
    return {**instance_view(backend, instance).fields, "Status": current_status(instance, now)}


def instance_view(backend: RegionBackend, instance: Instance) -> InstanceView:
    """The instance's status-free view (fields and JSON), built on first use after each change of the instance."""
    view = instance.view_cache
    if view is None:
        fields = _static_view(backend, instance)
        members = list(fields.items())
        at = [name for name, _ in members].index("Status")
        before, after = json_members(dict(members[:at])), json_members(dict(members[at + 1 :]))
        view = instance.view_cache = InstanceView(
            fields,
            "{" + (before + "," if before else "") + '"Status":',
            ("," + after if after else "") + "}",
        )
    return view


def render_instance_rows(backend: RegionBackend, instances: list[Instance], now: float) -> EncodedRows:
    """A page of DescribeInstances rows, with their JSON spliced from each instance's kept view."""
    rows: list[dict[str, Any]] = []
    pieces: list[str] = []  # joined once: each row's head, status and tail, then a comma
    for instance in instances:
        view = instance_view(backend, instance)
        status = current_status(instance, now)
        row = view.fields.copy()  # a plain copy is cheaper than {**fields, ...}; Status keeps its place
        row["Status"] = status
        rows.append(row)
        pieces += (view.json_head, _status_json(status), view.json_tail, ",")
    if pieces:
        pieces[-1] = "]"
    return EncodedRows(rows, encoded="[" + "".join(pieces) if pieces else "[]")


@lru_cache(maxsize=64)
def _status_json(status: str) -> str:
    return json_string(status)  # a handful of statuses, each encoded once


def _static_view(backend: RegionBackend, instance: Instance) -> dict[str, Any]:
    in_vpc = instance.network_type == "vpc"
    settings = instance.settings
    spot = settings.spot
    return {
        "InstanceId": instance.instance_id,
        "InstanceName": instance.name,
        "Description": instance.description,
        "HostName": instance.host_name,
        "ImageId": instance.image_id,
        "OSName": settings.os_name,
        "OSNameEn": settings.os_name_en,
        "OSType": settings.os_type,
        "RegionId": backend.region_id,
        "ZoneId": instance.zone_id,
        "InstanceType": instance.instance_type,
        "InstanceTypeFamily": instance.instance_type.rsplit(".", 1)[0],
        "Cpu": instance.cpu,
        "Memory": instance.memory_mib,
        "CpuOptions": {"CoreCount": max(instance.cpu // 2, 1), "ThreadsPerCore": 2 if instance.cpu > 1 else 1,
                       "Numa": ""},
        "GPUAmount": 0,
        "GPUSpec": "",
        "LocalStorageAmount": 0,
        "LocalStorageCapacity": 0,
        "IoOptimized": True,
        "DeviceAvailable": len(instance.disks) < 17,
        "Status": "",
        "StoppedMode": instance.stopped_mode or "Not-applicable",
        "StartTime": instance.start_time,
        "CreationTime": instance.creation_time,
        "InstanceNetworkType": instance.network_type,
        "InstanceChargeType": instance.charge_type,
        "SaleCycle": instance.period_unit if instance.charge_type == "PrePaid" else "",
        "ExpiredTime": instance.expired_time or "2099-12-31T15:59Z",
        "AutoReleaseTime": settings.auto_release_time,
        "DeletionProtection": settings.deletion_protection,
        "Recyclable": False,
        "ResourceGroupId": settings.resource_group_id,
        "KeyPairName": settings.key_pair_name,
        "CreditSpecification": settings.credit_specification,
        "SpotStrategy": spot.strategy,
        "SpotPriceLimit": spot.price_limit,
        "SpotDuration": spot.duration,
        "SpotInterruptionBehavior": spot.interruption_behavior,
        "DeploymentSetId": settings.deployment_set_id,
        "DeploymentSetGroupNo": settings.deployment_set_group_no,
        "MetadataOptions": {
            "HttpEndpoint": settings.metadata.http_endpoint,
            "HttpTokens": settings.metadata.http_tokens,
            "HttpPutResponseHopLimit": settings.metadata.hop_limit,
            "InstanceMetadataTags": "disabled",
        },
        "InternetChargeType": instance.internet_charge_type,
        "InternetMaxBandwidthIn": settings.internet_max_bandwidth_in,
        "InternetMaxBandwidthOut": instance.internet_max_bandwidth_out,
        "VpcAttributes": {
            "VpcId": instance.vpc_id,
            "VSwitchId": instance.vswitch_id,
            "PrivateIpAddress": {"IpAddress": list(instance.private_ips) if in_vpc else []},
            "NatIpAddress": "",
        },
        "InnerIpAddress": {"IpAddress": [] if in_vpc else list(instance.private_ips)},
        "PublicIpAddress": {"IpAddress": [instance.public_ip] if instance.public_ip else []},
        "EipAddress": {"AllocationId": "", "IpAddress": "", "Bandwidth": 0, "InternetChargeType": "",
                       "IsSupportUnassociate": False},
        "RdmaIpAddress": {"IpAddress": []},
        "SecurityGroupIds": {"SecurityGroupId": list(instance.security_group_ids)},
        "NetworkInterfaces": {"NetworkInterface": _network_interfaces(instance) if in_vpc else []},
        "SerialNumber": _serial_number(instance.instance_id),
        "VlanId": "",
        "ClusterId": "",
        "HpcClusterId": "",
        "ISP": "",
        "EnableNVS": False,
        "DedicatedHostAttribute": {"DedicatedHostId": "", "DedicatedHostName": "", "DedicatedHostClusterId": ""},
        "DedicatedInstanceAttribute": {"Tenancy": "", "Affinity": ""},
        "EcsCapacityReservationAttr": {"CapacityReservationId": "", "CapacityReservationPreference": ""},
        "HibernationOptions": {"Configured": False},
        "ImageOptions": {"LoginAsNonRoot": False},
        "Tags": {"Tag": [{"TagKey": k, "TagValue": v} for k, v in instance.tags.items()]},
        "OperationLocks": {"LockReason": []},
    }


def _network_interfaces(instance: Instance) -> list[dict[str, Any]]:
    """The primary interface (the instance's own addresses) and the secondary ones, as DescribeInstances lists them."""
    primary_ip = instance.private_ips[0] if instance.private_ips else ""
    primary = _interface(
        "eni-" + instance.instance_id[2:], "Primary", primary_ip, instance.secondary_private_ips, instance.ipv6_addresses
    )
    secondary = [
        _interface(e.eni_id, "Secondary", e.primary_ip, e.secondary_ips, []) for e in instance.network_interfaces
    ]
    return [primary, *secondary]


def _interface(eni_id: str, kind: str, primary_ip: str, secondary_ips: list[str], ipv6: list[str]) -> dict[str, Any]:
    return {
        "NetworkInterfaceId": eni_id,
        "Type": kind,
        "PrimaryIpAddress": primary_ip,
        "MacAddress": _mac(eni_id),
        "PrivateIpSets": {
            "PrivateIpSet": [
                {"PrivateIpAddress": address, "Primary": address == primary_ip, "PrivateDnsName": ""}
                for address in [primary_ip, *secondary_ips]
            ]
        },
        "Ipv6Sets": {"Ipv6Set": [{"Ipv6Address": address} for address in ipv6]},
        "Ipv4PrefixSets": {"Ipv4PrefixSet": []},
        "Ipv6PrefixSets": {"Ipv6PrefixSet": []},
    }


def _serial_number(instance_id: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "ecs-instance/" + instance_id))


def _mac(resource_id: str) -> str:
    digest = zlib.crc32(resource_id.encode())
    return "00:16:3e:" + ":".join(f"{(digest >> s) & 0xFF:02x}" for s in (0, 8, 16))


@action(ECS_VERSION, "DescribeInstances")
def describe_instances(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    status = p.choice("Status", INSTANCE_STATUSES)
    selection = backend.describe_instances(
        instance_ids=p.json_list("InstanceIds"),
        vpc_id=p.text("VpcId"),
        vswitch_id=p.text("VSwitchId"),
        security_group_id=p.text("SecurityGroupId"),
        zone_id=p.text("ZoneId"),
        name=p.text("InstanceName"),
        status=status,
        charge_type=p.choice("InstanceChargeType", ("PostPaid", "PrePaid")),
        network_type=p.choice("InstanceNetworkType", ("vpc", "classic")),
        instance_type=p.text("InstanceType"),
        image_id=p.text("ImageId"),
        private_ips=p.json_list("PrivateIpAddresses"),
        tags=p.tag_filters(),
    )
    now = backend.now()

    def rows(offset: int, size: int) -> list[dict[str, Any]]:
        page = selection.page(offset, size)
        out = render_instance_rows(backend, page, now)
        for instance in page:
            observe(instance)
        return out

    instances, paging = paged(p, selection.total, rows, max_size=100, allow_token=True)
    return {"Instances": {"Instance": instances}, **paging}


@action(ECS_VERSION, "DescribeInstanceAttribute")
def describe_instance_attribute(request: Request) -> dict[str, Any]:
    backend = request.backend_for_instance()
    instance = backend.get_instance(request.params.required("InstanceId"))
    body = render_instance(backend, instance, backend.now())
    observe(instance)
    answer = {k: body[k] for k in _ATTRIBUTE_FIELDS}
    jumbo = instance.settings.enable_jumbo_frame
    answer["IoOptimized"] = "optimized"
    answer["DedicatedHostAttribute"] = {"DedicatedHostId": "", "DedicatedHostName": ""}
    answer["EipAddress"] = {"AllocationId": "", "IpAddress": "", "Bandwidth": 0, "InternetChargeType": ""}
    answer["OperationLocks"] = {"LockReason": []}
    answer["EnableJumboFrame"] = jumbo
    answer["EnableNetworkEncryption"] = False
    answer["NetworkOptions"] = {"EnableJumboFrame": jumbo, "EnableNetworkEncryption": False, "BandwidthWeighting": ""}
    return answer


# The fields DescribeInstanceAttribute answers (its SDK model), taken from the DescribeInstances view.
_ATTRIBUTE_FIELDS = (
    "InstanceId", "InstanceName", "Description", "HostName", "ImageId", "RegionId", "ZoneId", "InstanceType", "Cpu",
    "Memory", "Status", "StoppedMode", "CreationTime", "ExpiredTime", "InstanceNetworkType", "InstanceChargeType",
    "InternetChargeType", "InternetMaxBandwidthIn", "InternetMaxBandwidthOut", "CreditSpecification",
    "VpcAttributes", "InnerIpAddress", "PublicIpAddress", "SecurityGroupIds", "SerialNumber", "VlanId", "ClusterId",
)


def _launch_request(request: Request) -> LaunchRequest:
    p = request.params
    primary, secondary = _network_interface_requests(p)
    group_id = p.text("SecurityGroupId")
    group_ids = p.indexed("SecurityGroupIds", high=16)
    if group_id and group_ids:
        raise InvalidParameter("Give SecurityGroupId or SecurityGroupIds.N, not both.")
    vswitch_id = p.text("VSwitchId")
    private_ip = p.text("PrivateIpAddress")
    secondary_count = 0
    ipv6_count = p.integer("Ipv6AddressCount", 0, low=0, high=10) or 0
    if primary is not None:
        index, interface = primary
        if vswitch_id or group_id or group_ids or private_ip or ipv6_count:
            raise InvalidParamNetworkInterface(
                "NetworkInterface.N with InstanceType Primary replaces VSwitchId, SecurityGroupId(s), "
                "PrivateIpAddress and Ipv6AddressCount: give them only on the primary interface."
            )
        vswitch_id, group_ids, private_ip = interface.vswitch_id, interface.security_group_ids, interface.primary_ip
        secondary_count = interface.secondary_ip_count
        ipv6_count = p.integer(f"NetworkInterface.{index}.Ipv6AddressCount", 0, low=0, high=10) or 0
    if not group_id and not group_ids:
        raise MissingParameter("RunInstances needs SecurityGroupId or SecurityGroupIds.N.")
    if vswitch_id is None:
        raise MissingParameter("RunInstances needs VSwitchId: the fake launches instances into VPCs only.")
    amount = p.integer("Amount", 1, low=1, high=100)
    assert amount is not None
    charge = p.choice("InstanceChargeType", ("PostPaid", "PrePaid"), "PostPaid")
    assert charge is not None
    bandwidth = p.integer("InternetMaxBandwidthOut", 0, low=0, high=100)
    return LaunchRequest(
        image_id=p.required("ImageId"),
        instance_type=p.required("InstanceType"),
        vswitch_id=vswitch_id,
        security_group_ids=[group_id] if group_id else group_ids,
        amount=amount,
        min_amount=p.integer("MinAmount", None, low=1, high=100),
        zone_id=p.text("ZoneId"),
        private_ip=private_ip,
        instance_name=p.text("InstanceName"),
        host_name=p.text("HostName"),
        host_names=p.indexed("HostNames", high=100),
        unique_suffix=p.boolean("UniqueSuffix"),
        description=p.text("Description"),
        charge_type=charge,
        period=p.integer("Period", None, low=1, high=60),
        period_unit=p.choice("PeriodUnit", ("Month", "Week"), "Month") or "Month",
        auto_renew=p.boolean("AutoRenew"),
        auto_renew_period=p.integer("AutoRenewPeriod", None, low=1, high=60),
        system_disk=_disk_request(p, "SystemDisk"),
        data_disks=[_disk_request(p, f"DataDisk.{n}") for n in p.numbered("DataDisk", high=MAX_DATA_DISKS)],
        internet_max_bandwidth_out=bandwidth or 0,
        internet_max_bandwidth_in=p.integer("InternetMaxBandwidthIn", None, low=0, high=10000),
        internet_charge_type=p.choice("InternetChargeType", ("PayByTraffic", "PayByBandwidth"), "PayByTraffic")
        or "PayByTraffic",
        tags=p.tags(),
        key_pair_name=p.text("KeyPairName"),
        ram_role_name=p.text("RamRoleName"),
        user_data=p.text("UserData"),
        password=p.text("Password"),
        deletion_protection=p.boolean("DeletionProtection"),
        resource_group_id=p.text("ResourceGroupId"),
        deployment_set_id=p.text("DeploymentSetId"),
        deployment_set_group_no=p.integer("DeploymentSetGroupNo", None, low=1, high=7),
        spot_strategy=p.text("SpotStrategy"),
        spot_price_limit=p.number("SpotPriceLimit", None, low=0),
        spot_duration=p.integer("SpotDuration", None, low=0, high=6),
        spot_interruption_behavior=p.text("SpotInterruptionBehavior"),
        http_endpoint=p.text("HttpEndpoint"),
        http_tokens=p.text("HttpTokens"),
        http_put_response_hop_limit=p.integer("HttpPutResponseHopLimit", None, low=0, high=1000),
        credit_specification=p.text("CreditSpecification"),
        auto_release_time=p.text("AutoReleaseTime"),
        secondary_private_ip_count=secondary_count,
        ipv6_address_count=ipv6_count,
        network_interfaces=secondary,
    )


def _network_interface_requests(p: Params) -> tuple[tuple[int, EniRequest] | None, list[EniRequest]]:
    """``NetworkInterface.N.*``: at most one Primary (with its N; it stands for the instance's own network settings)."""
    primary: tuple[int, EniRequest] | None = None
    secondary: list[EniRequest] = []
    for n in p.numbered("NetworkInterface", high=8):
        prefix = f"NetworkInterface.{n}"
        kind = p.choice(f"{prefix}.InstanceType", ("Primary", "Secondary"), "Secondary")
        groups = [g for g in [p.text(f"{prefix}.SecurityGroupId")] if g] + p.indexed_nested(
            "NetworkInterface", n, "SecurityGroupIds", high=16
        )
        eni = EniRequest(
            vswitch_id=p.text(f"{prefix}.VSwitchId"),
            security_group_ids=groups,
            primary_ip=p.text(f"{prefix}.PrimaryIpAddress"),
            secondary_ip_count=p.integer(f"{prefix}.SecondaryPrivateIpAddressCount", 0, low=0, high=49) or 0,
            name=p.text(f"{prefix}.NetworkInterfaceName") or "",
            description=p.text(f"{prefix}.Description") or "",
            delete_on_release=p.boolean(f"{prefix}.DeleteOnRelease", True),
        )
        if kind == "Primary":
            if primary is not None:
                raise InvalidParamNetworkInterface("Only one NetworkInterface.N may be of InstanceType Primary.")
            if eni.vswitch_id is None or not groups:
                raise InvalidParamNetworkInterface(
                    f"{prefix} is the primary interface: it needs VSwitchId and SecurityGroupId (or SecurityGroupIds.N)."
                )
            primary = (n, eni)
        else:
            secondary.append(eni)
    return primary, secondary


def _disk_request(p: Params, prefix: str) -> DiskRequest:
    """``SystemDisk.*`` or ``DataDisk.N.*`` with their types checked (the rules come in the model)."""
    return DiskRequest(
        category=p.text(f"{prefix}.Category"),
        size=p.integer(f"{prefix}.Size", None, low=1, high=10**6),
        performance_level=p.text(f"{prefix}.PerformanceLevel"),
        snapshot_id=p.text(f"{prefix}.SnapshotId"),
        device=p.text(f"{prefix}.Device"),
        name=p.text(f"{prefix}.DiskName"),
        description=p.text(f"{prefix}.Description"),
        encrypted=p.optional_boolean(f"{prefix}.Encrypted"),
        kms_key_id=p.text(f"{prefix}.KMSKeyId"),
        delete_with_instance=p.optional_boolean(f"{prefix}.DeleteWithInstance"),
        bursting_enabled=p.optional_boolean(f"{prefix}.BurstingEnabled"),
        provisioned_iops=p.integer(f"{prefix}.ProvisionedIops", None, low=0, high=1000000),
        auto_snapshot_policy_id=p.text(f"{prefix}.AutoSnapshotPolicyId"),
    )


@action(ECS_VERSION, "RunInstances")
def run_instances(request: Request) -> dict[str, Any]:
    backend = request.backend()
    launch = _launch_request(request)
    created = backend.run_instances(launch, dry_run=request.params.boolean("DryRun"))
    ids = [i.instance_id for i in created]
    return {"InstanceIdSets": {"InstanceIdSet": ids}, "OrderId": "", "TradePrice": 0.0}


@action(ECS_VERSION, "StartInstance")
def start_instance(request: Request) -> dict[str, Any]:
    backend = request.backend_for_instance()
    backend.start_instance(request.params.required("InstanceId"), dry_run=request.params.boolean("DryRun"))
    return {}


@action(ECS_VERSION, "StopInstance")
def stop_instance(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend_for_instance()
    p.boolean("ForceStop")
    mode = p.choice("StoppedMode", ("StopCharging", "KeepCharging"))
    backend.stop_instance(p.required("InstanceId"), stopped_mode=mode, dry_run=p.boolean("DryRun"))
    return {}


@action(ECS_VERSION, "DeleteInstance")
def delete_instance(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend_for_instance()
    backend.delete_instances(
        [p.required("InstanceId")],
        force=p.boolean("Force"),
        terminate_subscription=p.boolean("TerminateSubscription"),
        dry_run=p.boolean("DryRun"),
    )
    return {}


@action(ECS_VERSION, "DeleteInstances")
def delete_instances(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    ids = p.indexed("InstanceId", high=100)
    if not ids:
        raise MissingParameter("DeleteInstances needs InstanceId.N (1 to 100 instances).")
    backend.delete_instances(
        ids,
        force=p.boolean("Force"),
        terminate_subscription=p.boolean("TerminateSubscription"),
        dry_run=p.boolean("DryRun"),
    )
    return {}


@action(ECS_VERSION, "ModifyInstanceChargeType")
def modify_instance_charge_type(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    ids = p.json_list("InstanceIds", high=100)
    if not ids:
        raise MissingParameter("ModifyInstanceChargeType needs InstanceIds, a JSON array of 1 to 20 instance IDs.")
    p.boolean("AutoPay", True)
    p.boolean("IsDetailFee")
    order_id, fees = backend.modify_charge_type(
        ids,
        p.text("InstanceChargeType", "PrePaid") or "PrePaid",
        period=p.integer("Period", None, low=1, high=60),
        period_unit=p.text("PeriodUnit", "Month") or "Month",
        include_data_disks=p.boolean("IncludeDataDisks"),
    )
    return {"OrderId": order_id, "FeeOfInstances": {"FeeOfInstance": fees}}


@action(ECS_VERSION, "ModifyInstanceAttribute")
def modify_instance_attribute(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend_for_instance()
    groups = p.indexed("SecurityGroupIds", high=16)
    changes = InstanceChanges(
        name=p.text("InstanceName"),
        host_name=p.text("HostName"),
        description=p.text("Description"),
        password=p.text("Password"),
        user_data=p.text("UserData"),
        credit_specification=p.text("CreditSpecification"),
        deletion_protection=p.optional_boolean("DeletionProtection"),
        enable_jumbo_frame=p.optional_boolean("EnableJumboFrame"),
        security_group_ids=groups or None,
    )
    backend.modify_instance(p.required("InstanceId"), changes, dry_run=p.boolean("DryRun"))
    return {}



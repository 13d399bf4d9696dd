"""ECS instance actions: RunInstances, lifecycle, attributes, DescribeInstances/InstanceAttribute."""

from __future__ import annotations

import zlib
from functools import lru_cache
from typing import Any

from ..exceptions import InvalidParameter, MissingParameter
from ..models.disks import MAX_DATA_DISKS, DiskRequest
from ..models.instances import INSTANCE_STATUSES, Instance, InstanceView, LaunchRequest
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
    primary = instance.private_ips[0] if instance.private_ips else ""
    return {
        "InstanceId": instance.instance_id,
        "InstanceName": instance.name,
        "Description": instance.description,
        "HostName": instance.host_name,
        "ImageId": instance.image_id,
        "RegionId": backend.region_id,
        "ZoneId": instance.zone_id,
        "InstanceType": instance.instance_type,
        "InstanceTypeFamily": instance.instance_type.rsplit(".", 1)[0],
        "Cpu": instance.cpu,
        "Memory": instance.memory_mib,
        "Status": "",
        "InstanceNetworkType": instance.network_type,
        "InstanceChargeType": instance.charge_type,
        "InternetChargeType": instance.internet_charge_type,
        "InternetMaxBandwidthOut": instance.internet_max_bandwidth_out,
        "CreationTime": instance.creation_time,
        "ExpiredTime": instance.expired_time or "2099-12-31T15:59Z",
        "VpcAttributes": {
            "VpcId": instance.vpc_id,
            "VSwitchId": instance.vswitch_id,
            "PrivateIpAddress": {"IpAddress": list(instance.private_ips) if in_vpc else []},
            "NatIpAddress": "",
        },
        "InnerIpAddress": {"IpAddress": [] if in_vpc else list(instance.private_ips)},
        "PublicIpAddress": {"IpAddress": [instance.public_ip] if instance.public_ip else []},
        "SecurityGroupIds": {"SecurityGroupId": list(instance.security_group_ids)},
        "NetworkInterfaces": {
            "NetworkInterface": (
                [
                    {
                        "NetworkInterfaceId": "eni-" + instance.instance_id[2:],
                        "PrimaryIpAddress": primary,
                        "Type": "Primary",
                        "MacAddress": _mac(instance.instance_id),
                    }
                ]
                if in_vpc
                else []
            )
        },
        "Tags": {"Tag": [{"TagKey": k, "TagValue": v} for k, v in instance.tags.items()]},
        "OperationLocks": {"LockReason": []},
    }


def _mac(instance_id: str) -> str:
    digest = zlib.crc32(instance_id.encode())
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
    return {k: v for k, v in body.items() if k not in ("Tags", "NetworkInterfaces")}


def _launch_request(request: Request) -> LaunchRequest:
    p = request.params
    group_id = p.text("SecurityGroupId")
    group_ids = p.indexed("SecurityGroupIds", high=16)
    if group_id and group_ids:
        raise InvalidParameter("Give SecurityGroupId or SecurityGroupIds.N, not both.")
    if not group_id and not group_ids:
        raise MissingParameter("RunInstances needs SecurityGroupId or SecurityGroupIds.N.")
    vswitch_id = p.text("VSwitchId")
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
        private_ip=p.text("PrivateIpAddress"),
        instance_name=p.text("InstanceName"),
        host_name=p.text("HostName"),
        unique_suffix=p.boolean("UniqueSuffix"),
        description=p.text("Description"),
        charge_type=charge,
        period=p.integer("Period", None, low=1, high=60),
        period_unit=p.choice("PeriodUnit", ("Month", "Week"), "Month") or "Month",
        system_disk=_disk_request(p, "SystemDisk"),
        data_disks=[_disk_request(p, f"DataDisk.{n}") for n in p.numbered("DataDisk", high=MAX_DATA_DISKS)],
        internet_max_bandwidth_out=bandwidth or 0,
        internet_charge_type=p.choice("InternetChargeType", ("PayByTraffic", "PayByBandwidth"), "PayByTraffic")
        or "PayByTraffic",
        tags=p.tags(),
    )


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
    p.choice("StoppedMode", ("StopCharging", "KeepCharging"))
    backend.stop_instance(p.required("InstanceId"), dry_run=p.boolean("DryRun"))
    return {}


@action(ECS_VERSION, "DeleteInstance")
def delete_instance(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend_for_instance()
    backend.delete_instances([p.required("InstanceId")], force=p.boolean("Force"), dry_run=p.boolean("DryRun"))
    return {}


@action(ECS_VERSION, "DeleteInstances")
def delete_instances(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    ids = p.indexed("InstanceId", high=100)
    if not ids:
        raise MissingParameter("DeleteInstances needs InstanceId.N (1 to 100 instances).")
    backend.delete_instances(ids, force=p.boolean("Force"), dry_run=p.boolean("DryRun"))
    return {}


@action(ECS_VERSION, "ModifyInstanceAttribute")
def modify_instance_attribute(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend_for_instance()
    backend.modify_instance(p.required("InstanceId"), p.text("InstanceName"), p.text("HostName"), p.text("Description"))
    return {}

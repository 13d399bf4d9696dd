"""Disk actions: DescribeDisks, DetachDisk, DeleteDisk."""

from __future__ import annotations

from typing import Any

from ..exceptions import DryRunOperation
from ..models.catalogue import DISK_CATEGORIES
from ..models.disks import DISK_STATUSES, Disk
from ..models.region import RegionBackend
from .base import ECS_VERSION, Request, action, paged

__all__ = ["render_disk"]


def render_disk(backend: RegionBackend, disk: Disk, placement: bool = False) -> dict[str, Any]:
    """One disk as DescribeDisks shows it (``Placement`` only when asked with AdditionalAttributes)."""
    status = backend.disk_status(disk)
    iops, throughput = disk.performance()
    attached = status == "In_use"
    body: dict[str, Any] = {
        "DiskId": disk.disk_id,
        "DiskName": disk.name,
        "Description": disk.description,
        "RegionId": backend.region_id,
        "ZoneId": disk.zone_id,
        "Type": disk.disk_type,
        "Category": disk.category,
        "PerformanceLevel": disk.performance_level,
        "Size": disk.size,
        "Status": status,
        "InstanceId": disk.instance_id,
        "Device": disk.device if attached else "",
        "ImageId": disk.image_id,
        "SourceSnapshotId": disk.source_snapshot_id,
        "Portable": disk.portable,
        "DeleteWithInstance": disk.delete_with_instance,
        "DeleteAutoSnapshot": disk.delete_auto_snapshot,
        "EnableAutoSnapshot": bool(disk.auto_snapshot_policy_id),
        "EnableAutomatedSnapshotPolicy": bool(disk.auto_snapshot_policy_id),
        "AutoSnapshotPolicyId": disk.auto_snapshot_policy_id,
        "Encrypted": disk.encrypted,
        "KMSKeyId": disk.kms_key_id,
        "DiskChargeType": disk.charge_type,
        "ExpiredTime": disk.expired_time or "2999-09-08T16:00Z",
        "CreationTime": disk.creation_time,
        "AttachedTime": disk.attached_time if disk.instance_id else "",
        "DetachedTime": disk.detached_time,
        "IOPS": iops,
        "IOPSRead": iops // 2,
        "IOPSWrite": iops // 2,
        "Throughput": throughput,
        "ThroughputRead": throughput // 2,
        "ThroughputWrite": throughput // 2,
        "BurstingEnabled": disk.bursting_enabled,
        "ProvisionedIops": disk.provisioned_iops,
        "MultiAttach": "Disabled",
        "SerialNumber": disk.disk_id.removeprefix("d-"),
        "ResourceGroupId": "",
        "ProductCode": "",
        "Attachments": {
            "Attachment": (
                [{"InstanceId": disk.instance_id, "Device": disk.device, "AttachedTime": disk.attached_time}]
                if disk.instance_id
                else []
            )
        },
        "MountInstances": {"MountInstance": []},
        "MountInstanceNum": 0,
        "OperationLocks": {"OperationLock": []},
        "Tags": {"Tag": [{"TagKey": k, "TagValue": v} for k, v in disk.tags.items()]},
    }
    if placement:
        body["Placement"] = {"ZoneIds": disk.zone_id}
    return body


@action(ECS_VERSION, "DescribeDisks")
def describe_disks(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    categories = ("all", *DISK_CATEGORIES, "ephemeral", "ephemeral_ssd", "local_ssd_pro", "local_hdd_pro")
    selection = backend.describe_disks(
        disk_ids=p.json_list("DiskIds"),
        instance_id=p.text("InstanceId"),
        disk_type=p.choice("DiskType", ("all", "system", "data")),
        zone_id=p.text("ZoneId"),
        category=p.choice("Category", categories),
        status=p.choice("Status", ("All", *DISK_STATUSES)),
        snapshot_id=p.text("SnapshotId"),
        portable=p.optional_boolean("Portable"),
        encrypted=p.optional_boolean("Encrypted"),
        kms_key_id=p.text("KMSKeyId"),
        delete_with_instance=p.optional_boolean("DeleteWithInstance"),
        name=p.text("DiskName"),
        charge_type=p.choice("DiskChargeType", ("PrePaid", "PostPaid")),
        tags=p.tag_filters(),
    )
    placement = "Placement" in p.indexed("AdditionalAttributes", high=10)

    def rows(offset: int, size: int) -> list[dict[str, Any]]:
        return [render_disk(backend, d, placement) for d in selection.page(offset, size)]

    disks, paging = paged(p, selection.total, rows, max_size=500, allow_token=True)
    return {"Disks": {"Disk": disks}, **paging}


@action(ECS_VERSION, "DeleteDisk")
def delete_disk(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend_holding("DiskId", lambda b, disk_id: disk_id in b.disks)
    if backend is not None:
        backend.delete_disk(p.required("DiskId"), dry_run=p.boolean("DryRun"))
    elif p.boolean("DryRun"):
        raise DryRunOperation()
    return {}  # an unknown disk is ignored, as the API does


@action(ECS_VERSION, "DetachDisk")
def detach_disk(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend_for_instance()
    backend.detach_disk(p.required("InstanceId"), p.required("DiskId"), dry_run=p.boolean("DryRun"))
    return {}

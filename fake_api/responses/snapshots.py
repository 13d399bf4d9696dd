"""Snapshot actions: DescribeSnapshots, DeleteSnapshot."""

from __future__ import annotations

from typing import Any

from ..exceptions import DryRunOperation
from ..models.region import RegionBackend
from ..models.snapshots import SNAPSHOT_STATUSES, SNAPSHOT_USAGES, Snapshot, remain_time
from ..models.transitions import observe
from .base import ECS_VERSION, Request, action, paged

__all__ = ["render_snapshot"]


def render_snapshot(backend: RegionBackend, snapshot: Snapshot) -> dict[str, Any]:
    status = backend.snapshot_status(snapshot)
    progress = backend.snapshot_progress(snapshot)
    return {
        "SnapshotId": snapshot.snapshot_id,
        "SnapshotName": snapshot.name,
        "Description": snapshot.description,
        "RegionId": backend.region_id,
        "Status": status,
        "Available": status == "accomplished",
        "Progress": f"{progress}%",
        "RemainTime": remain_time(snapshot.source_disk_size, progress),
        "CreationTime": snapshot.creation_time,
        "LastModifiedTime": snapshot.creation_time,
        "SourceDiskId": snapshot.source_disk_id,
        "SourceDiskType": snapshot.source_disk_type,
        "SourceDiskSize": str(snapshot.source_disk_size),
        "SourceStorageType": "disk",
        "SourceSnapshotId": snapshot.source_snapshot_id,
        "SourceRegionId": snapshot.source_region_id,
        "SnapshotType": snapshot.snapshot_type,
        "Category": "standard",
        "InstantAccess": False,
        "Usage": backend.snapshot_usage(snapshot),
        "Encrypted": snapshot.encrypted,
        "KMSKeyId": snapshot.kms_key_id,
        "SnapshotSN": snapshot.snapshot_id.removeprefix("s-"),
        "ResourceGroupId": "",
        "ProductCode": "",
        "Tags": {"Tag": [{"TagKey": k, "TagValue": v} for k, v in snapshot.tags.items()]},
    }


@action(ECS_VERSION, "DescribeSnapshots")
def describe_snapshots(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    selection = backend.describe_snapshots(
        snapshot_ids=p.json_list("SnapshotIds"),
        disk_id=p.text("DiskId"),
        instance_id=p.text("InstanceId"),
        name=p.text("SnapshotName"),
        status=p.choice("Status", ("all", *SNAPSHOT_STATUSES)),
        snapshot_type=p.choice("SnapshotType", ("all", "auto", "timer", "user")),
        usage=p.choice("Usage", SNAPSHOT_USAGES),
        source_disk_type=p.choice("SourceDiskType", ("system", "data"), fold_case=True),
        encrypted=p.optional_boolean("Encrypted"),
        kms_key_id=p.text("KMSKeyId"),
        tags=p.tag_filters(),
    )
    if p.boolean("DryRun"):
        raise DryRunOperation()

    def rows(offset: int, size: int) -> list[dict[str, Any]]:
        page = selection.page(offset, size)
        out = [render_snapshot(backend, s) for s in page]
        for snapshot in page:
            observe(snapshot)
        return out

    snapshots, paging = paged(p, selection.total, rows, max_size=100, allow_token=True)
    return {"Snapshots": {"Snapshot": snapshots}, **paging}


@action(ECS_VERSION, "DeleteSnapshot")
def delete_snapshot(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend_holding("SnapshotId", lambda b, snapshot_id: snapshot_id in b.snapshots)
    if backend is not None:
        backend.delete_snapshot(p.required("SnapshotId"), force=p.boolean("Force"), dry_run=p.boolean("DryRun"))
    elif p.boolean("DryRun"):
        raise DryRunOperation()
    return {}  # an unknown snapshot is ignored, as the API does

"""Image actions: CreateImage, DescribeImages, ModifyImageAttribute, CopyImage, CancelCopyImage, DeleteImage."""

from __future__ import annotations

from typing import Any

from ..exceptions import InvalidParameter
from ..models.images import IMAGE_STATUSES, DiskMapping, Image
from ..models.region import RegionBackend
from ..models.snapshots import remain_time
from ..models.transitions import current_status, observe, progress_percent
from .base import ECS_VERSION, Request, action, paged

__all__ = ["render_image"]


def render_image(backend: RegionBackend, image: Image, now: float) -> dict[str, Any]:
    status = current_status(image, now)
    return {
        "ImageId": image.image_id,
        "ImageName": image.name,
        "Description": image.description,
        "Status": status,
        "Progress": f"{progress_percent(image, now)}%",
        "Usable": status == "Available",
        "IsCopied": image.is_copied,
        "IsSelfShared": "",
        "IsSubscribed": False,
        "IsSupportIoOptimized": True,
        "IsSupportCloudinit": True,
        "ImageOwnerAlias": image.owner_alias,
        "ImageOwnerId": 0,
        "ImageFamily": "",
        "ImageVersion": "",
        "Size": image.size,
        "OSName": image.os_name,
        "OSNameEn": image.os_name_en,
        "OSType": image.os_type,
        "Platform": image.platform,
        "Architecture": image.architecture,
        "BootMode": "BIOS",
        "Usage": "instance" if backend.instances_by_image.get(image.image_id) else "none",
        "CreationTime": image.creation_time,
        "ProductCode": "",
        "ResourceGroupId": "",
        "Tags": {"Tag": [{"TagKey": k, "TagValue": v} for k, v in image.tags.items()]},
        "DiskDeviceMappings": {"DiskDeviceMapping": [_render_mapping(backend, m) for m in image.disk_mappings]},
    }


def _render_mapping(backend: RegionBackend, mapping: DiskMapping) -> dict[str, Any]:
    snapshot = backend.snapshots.get(mapping.snapshot_id) if mapping.snapshot_id else None
    progress = backend.snapshot_progress(snapshot) if snapshot else 100
    return {
        "Type": mapping.disk_type,
        "Device": mapping.device,
        "Size": str(mapping.size),
        "SnapshotId": mapping.snapshot_id,
        "Encrypted": snapshot.encrypted if snapshot else False,
        "Progress": f"{progress}%",
        "RemainTime": remain_time(mapping.size, progress),
        "Format": "",
        "ImportOSSBucket": "",
        "ImportOSSObject": "",
    }


@action(ECS_VERSION, "DescribeImages")
def describe_images(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    statuses = p.comma_list("Status", high=len(IMAGE_STATUSES))
    for status in statuses or []:
        if status not in IMAGE_STATUSES:
            raise InvalidParameter(f"Status {status[:30]!r} is not an image status: use {', '.join(IMAGE_STATUSES)}.")
    owner = p.choice("ImageOwnerAlias", ("system", "self", "others", "marketplace"))
    selection = backend.describe_images(
        image_ids=p.comma_list("ImageId", high=100),
        name=p.text("ImageName"),
        owner_alias=owner,
        statuses=statuses,
        tags=p.tag_filters(),
    )
    now = backend.now()

    def rows(offset: int, size: int) -> list[dict[str, Any]]:
        page = selection.page(offset, size)
        out = [render_image(backend, i, now) for i in page]
        for image in page:
            observe(image)
        return out

    images, paging = paged(p, selection.total, rows, max_size=100)
    return {"Images": {"Image": images}, "RegionId": backend.region_id, **paging}


@action(ECS_VERSION, "CreateImage")
def create_image(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    if p.text("SnapshotId") or p.indexed_objects("DiskDeviceMapping"):
        raise InvalidParameter("The fake makes images from instances only: pass InstanceId.")
    p.choice("DetectionStrategy", ("Standard",))
    image = backend.create_image(p.required("InstanceId"), p.text("ImageName"), p.text("Description"), p.tags())
    return {"ImageId": image.image_id}


@action(ECS_VERSION, "ModifyImageAttribute")
def modify_image_attribute(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    backend.modify_image(p.required("ImageId"), p.text("ImageName"), p.text("Description"))
    return {}


@action(ECS_VERSION, "CopyImage")
def copy_image(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    copy = backend.copy_image(
        p.required("ImageId"),
        p.required("DestinationRegionId"),
        p.text("DestinationImageName"),
        p.text("DestinationDescription"),
        p.tags(),
        encrypted=p.optional_boolean("Encrypted"),
        kms_key_id=p.text("KMSKeyId"),
    )
    return {"ImageId": copy.image_id}


@action(ECS_VERSION, "CancelCopyImage")
def cancel_copy_image(request: Request) -> dict[str, Any]:
    backend = request.backend()
    backend.cancel_copy_image(request.params.required("ImageId"))
    return {}


@action(ECS_VERSION, "DeleteImage")
def delete_image(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    backend.delete_image(p.required("ImageId"), force=p.boolean("Force"))
    return {}

"""What ``ecsclone_image`` and ``ecsclone_image_copy`` share: finding an image in any state, naming one,
waiting for one, and deleting one."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ._resource import ResourceError

if TYPE_CHECKING:
    from cdk_clone.api import AlibabaCloudClient

__all__ = [
    "ALL_IMAGE_STATUSES",
    "check_image_name",
    "delete_image",
    "describe_image",
    "find_image_by_name",
    "image_failure",
    "scratch_image_name",
]

# DescribeImages returns only Available images unless asked for the others.
ALL_IMAGE_STATUSES = "Creating,Waiting,Available,UnAvailable,CreateFailed,Deprecated"
_IMAGE_NAME = re.compile(r"^[A-Za-z\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff:_.\-]{1,127}$")


def describe_image(client: AlibabaCloudClient, image_id: str, region_id: str | None = None) -> dict[str, Any] | None:
    """The image in whatever state it is, or None when it does not exist (any more)."""
    from cdk_clone.api import ApiError

    try:
        answer = client.ecs("DescribeImages", {"ImageId": image_id, "Status": ALL_IMAGE_STATUSES}, region_id=region_id)
    except ApiError as error:
        if error.is_not_found:
            return None
        raise
    found = [i for i in answer.get("Images", {}).get("Image", []) if i.get("ImageId") == image_id]
    return found[0] if found else None


def find_image_by_name(client: AlibabaCloudClient, name: str, region_id: str | None = None) -> bool:
    """Whether an own image of exactly this name exists (names must be unique in a region)."""
    answer = client.ecs(
        "DescribeImages",
        {"ImageName": name, "ImageOwnerAlias": "self", "Status": ALL_IMAGE_STATUSES},
        region_id=region_id,
    )
    return any(i.get("ImageName") == name for i in answer.get("Images", {}).get("Image", []))


def scratch_image_name(instance_id: str, now: datetime | None = None) -> str:
    """The default name of an image of ``instance_id``: ``TemplateScratch-<instance>-<UTC time>``.

    Down to the millisecond, so two images of one instance made in one apply do not collide.
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    stamp = moment.strftime("%Y%m%dT%H%M%S") + f"{moment.microsecond // 1000:03d}Z"
    return f"TemplateScratch-{instance_id}-{stamp}"[:128]


def check_image_name(name: str) -> str | None:
    """Why ``name`` is not a valid image name, or None when it is."""
    if name.lower().startswith(("http://", "https://", "acs:", "aliyun")):
        return "it must not start with http://, https://, acs: or aliyun"
    if not _IMAGE_NAME.match(name):
        return (
            "it needs 2 to 128 characters, starting with a letter, then letters, digits, "
            "colons, underscores, periods or hyphens"
        )
    return None


def image_failure(image: dict[str, Any]) -> str | None:
    """Why an image can never become Available, or None while it still may."""
    status = image.get("Status")
    if status in ("CreateFailed", "UnAvailable"):
        return f"image {image.get('ImageId')} is {status}"
    return None


def delete_image(client: AlibabaCloudClient, image_id: str, region_id: str | None = None) -> None:
    """DeleteImage with Force (instances booted from it keep running); an image already gone is fine."""
    from cdk_clone.api import ApiError

    try:
        client.ecs("DeleteImage", {"ImageId": image_id, "Force": True}, region_id=region_id)
    except ApiError as error:
        if not error.is_not_found:
            raise


def not_found_error(what: str, path: str) -> ResourceError:
    return ResourceError(f"{what} was not found", f"Check {path}: {what} does not exist.", path=[path])

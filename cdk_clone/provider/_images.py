"""What ``ecsclone_image`` and ``ecsclone_image_copy`` share: finding an image in any state, naming one,
waiting for one, and deleting one."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from tf.iface import Config, State
from tf.utils import Diagnostics

from cdk_clone.ownership import OWNER_TAG

from ._adoption import (
    create_by_generation,
    find_owned,
    object_tags,
    other_owner_error,
    ownership_of,
    ownership_tags,
    retag_owner,
)
from ._batching import batcher
from ._resource import EcsCloneResource, if_exists, is_known, known_values, observed

if TYPE_CHECKING:
    from cdk_clone.api import AlibabaCloudClient
    from cdk_clone.ownership import Ownership

__all__ = [
    "ALL_IMAGE_STATUSES",
    "NAME_TAKEN",
    "ImageResourceBase",
    "check_image_name",
    "copy_owned_image",
    "create_owned_image",
    "delete_image",
    "describe_image",
    "image_failure",
    "image_named",
    "image_progress",
    "scratch_image_name",
    "usable_owned_image",
]

#: The code CreateImage and CopyImage answer when the region already has an image of that name.
NAME_TAKEN = "InvalidImageName.Duplicated"
# DescribeImages returns only Available images unless asked for the others.
ALL_IMAGE_STATUSES = "Creating,Waiting,Available,UnAvailable,CreateFailed,Deprecated"
_IMAGE_NAME = re.compile(r"^[A-Za-z\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff:_.\-]{1,127}$")


def describe_image(client: AlibabaCloudClient, image_id: str, region_id: str | None = None) -> dict[str, Any] | None:
    """The image in whatever state it is, or None when it does not exist (any more).

    Look-ups of other images of the region made at the same moment share one call (see
    :mod:`cdk_clone.provider._batching`).
    """
    region = region_id or client.region_id
    shared = batcher(client, f"DescribeImages|{region}", lambda ids: _describe_images(client, ids, region))
    return shared.get([image_id]).get(image_id)


def _describe_images(client: AlibabaCloudClient, image_ids: list[str], region_id: str) -> dict[str, dict[str, Any]]:
    """The images among ``image_ids`` (one DescribeImages, ``ImageId`` a list of up to 100), by ID."""
    params = {"ImageId": ",".join(image_ids), "Status": ALL_IMAGE_STATUSES, "PageSize": len(image_ids)}
    answer = if_exists(client.ecs, "DescribeImages", params, region_id=region_id)
    if answer is None and len(image_ids) > 1:
        # An answer that some image does not exist says nothing of the others: ask for each.
        return {k: v for i in image_ids for k, v in _describe_images(client, [i], region_id).items()}
    images = (answer or {}).get("Images", {}).get("Image", [])
    return {str(i["ImageId"]): i for i in images if i.get("ImageId") in image_ids}


def image_named(client: AlibabaCloudClient, name: str, region_id: str | None = None) -> dict[str, Any] | None:
    """The account's image of exactly this name, in any state, or None (names are unique in a region)."""
    answer = client.ecs(
        "DescribeImages",
        {"ImageName": name, "ImageOwnerAlias": "self", "Status": ALL_IMAGE_STATUSES, "PageSize": 100},
        region_id=region_id,
    )
    return next((i for i in answer.get("Images", {}).get("Image", []) if i.get("ImageName") == name), None)


def scratch_image_name(instance_id: str, ownership: Ownership | None = None, now: datetime | None = None) -> str:
    """The default name of an image of ``instance_id``: ``TemplateScratch-<instance>-<8 hex of the owner key>``,
    the same on every run of the same deployment (the console's ``TemplateScratch-`` prefix stays).

    Without an owner: ``TemplateScratch-<instance>-<UTC time>``, down to the millisecond, so two images of one
    instance made in one apply do not collide.
    """
    if ownership is not None:
        return f"TemplateScratch-{instance_id}-{ownership.short_key}"[:128]
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    stamp = moment.strftime("%Y%m%dT%H%M%S") + f"{moment.microsecond // 1000:03d}Z"
    return f"TemplateScratch-{instance_id}-{stamp}"[:128]


def usable_owned_image(
    client: AlibabaCloudClient, ownership: Ownership, region_id: str | None = None
) -> dict[str, Any] | None:
    """The image carrying ``ownership``'s key that can still become Available (an interrupted run's), to adopt.

    Owned images that failed are deleted on the way: they can never be used, and they hold the name.
    """
    found = None
    for image in find_owned(client, "image", ownership, region_id=region_id):
        if image_failure(image) is not None:
            delete_image(client, image["ImageId"], region_id=region_id)
        elif found is None:
            found = image
    return found


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


def image_progress(image: dict[str, Any]) -> float | None:
    """How far an image or a copy is, in percent (DescribeImages' ``Progress``), for pacing the polls."""
    from cdk_clone.api import percent

    return percent(image.get("Progress"))


def delete_image(
    client: AlibabaCloudClient, image_id: str, region_id: str | None = None, *, timeout: float = 300.0
) -> None:
    """DeleteImage with Force (instances booted from it keep running), then the snapshots the image held; an
    image already gone is fine; each call is sent again while another change of the object is being processed
    (OperationConflict).

    DeleteImage leaves an image's snapshots behind, and the images deleted here were made (or copied) for the
    clones, snapshots included: they go too, with Force, since the clones' disks made from them keep working.
    """
    from cdk_clone.api import CONFLICT_CODES, poll_interval, retry_while_busy

    def when_free(action: str, params: dict[str, Any]) -> None:
        retry_while_busy(
            lambda: if_exists(client.ecs, action, params, region_id=region_id),
            codes=CONFLICT_CODES,
            timeout=timeout,
            what=f"{action} {image_id}",
            interval=max(poll_interval(1.0), 0.05),
        )

    image = describe_image(client, image_id, region_id)
    when_free("DeleteImage", {"ImageId": image_id, "Force": True})
    mappings = ((image or {}).get("DiskDeviceMappings") or {}).get("DiskDeviceMapping") or []
    for snapshot_id in sorted({str(m["SnapshotId"]) for m in mappings if m.get("SnapshotId")}):
        when_free("DeleteSnapshot", {"SnapshotId": snapshot_id, "Force": True})


def create_owned_image(
    client: AlibabaCloudClient,
    ownership: Ownership | None,
    *,
    instance_id: str,
    name: str,
    description: str | None,
    pause: float,
    region_id: str | None = None,
) -> str:
    """CreateImage of ``instance_id`` with the ownership tags and the ClientToken of the first generation whose
    answer still exists (see :func:`create_by_generation`); the new (or remembered) image's ID."""
    params = {"InstanceId": instance_id, "ImageName": name, "Description": description}
    return _image_by_generation(client, ownership, "CreateImage", params, region_id, region_id, pause)


def copy_owned_image(
    client: AlibabaCloudClient,
    ownership: Ownership | None,
    *,
    source_id: str,
    source_region: str,
    destination_region: str,
    name: str,
    description: str | None,
    pause: float,
    kms_key_id: str | None = None,
) -> str:
    """CopyImage of ``source_id`` to ``destination_region``, like :func:`create_owned_image` (encrypted under
    ``kms_key_id`` when given). The call goes to the source region (where the API remembers its ClientToken);
    the copy lives in the destination."""
    params = {
        "RegionId": source_region,
        "ImageId": source_id,
        "DestinationRegionId": destination_region,
        "DestinationImageName": name,
        "DestinationDescription": description,
        "Encrypted": True if kms_key_id else None,
        "KMSKeyId": kms_key_id,
    }
    return _image_by_generation(client, ownership, "CopyImage", params, source_region, destination_region, pause)


def _image_by_generation(
    client: AlibabaCloudClient,
    ownership: Ownership | None,
    action: str,
    params: dict[str, Any],
    call_region: str | None,
    image_region: str | None,
    pause: float,
) -> str:
    """``action`` (CreateImage, CopyImage) sent to ``call_region`` with the ownership tags, by generation; the
    image it makes lives in ``image_region``."""
    tagged = {**params, "Tag": ownership_tags(ownership) or None}
    return create_by_generation(
        ownership,
        action,
        create=lambda token: str(
            client.ecs(action, {**tagged, "ClientToken": token}, region_id=call_region, idempotent=True)["ImageId"]
        ),
        exists=lambda image_id: _may_become_available(describe_image(client, image_id, region_id=image_region)),
        pause=pause,
    )


def _may_become_available(image: dict[str, Any] | None) -> bool:
    return image is not None and image_failure(image) is None


class ImageResourceBase(EcsCloneResource):
    """What ``ecsclone_image`` and ``ecsclone_image_copy`` share: the name check, reading (a transient image
    that vanished is no drift), renaming in place, waiting for a delete, and the image's own state values.

    A subclass adds its creation, deletion and import, and the state values only it has (``_state``).

    Example::

        class ImageCopyResource(ImageResourceBase):
            spec = IMAGE_COPY
            noun = "image copy"
            def _state(self, prior, image):
                return {**self.image_values(prior, image), "source_region_id": prior.get("source_region_id")}
    """

    noun: ClassVar[str] = "image"

    def check_config(self, diags: Diagnostics, config: Config) -> None:
        name = config.get("image_name")
        if is_known(name):
            problem = check_image_name(name)
            if problem:
                diags.add_error("Invalid image name", f"image_name = {name!r}: {problem}.", path=["image_name"])

    def read_object(self, diags: Diagnostics, current: State) -> dict[str, Any] | None:
        image = describe_image(self.client, current["id"])
        if image is None:
            # A transient image is deleted on purpose once the clones run; that is no reason to make another.
            return dict(current) if current.get("transient") else None
        return self._state(current, image)

    def update_object(self, diags: Diagnostics, current: State, planned: State) -> dict[str, Any]:
        image_id = current["id"]
        self.client.ecs(
            "ModifyImageAttribute",
            {"ImageId": image_id, "ImageName": planned.get("image_name"), "Description": planned.get("description")},
        )
        if planned.get("owner") != current.get("owner") and describe_image(self.client, image_id) is not None:
            retag_owner(self.client, "image", [image_id], ownership_of(self, planned))
        image = describe_image(self.client, image_id)
        if image is None:
            return {**known_values(planned), **{k: current.get(k) for k in ("status", "progress", "size")}}
        # Computed values the update does not touch (such as source_image_id) are planned as they were.
        return self._state(planned, image)

    def name_for(self, planned: State, name: str, region_id: str | None = None) -> dict[str, Any] | None:
        """Check that ``name`` is free for this resource's image in ``region_id``: None when it is; the image
        holding it when that image carries this resource's owner key (to adopt); else an error saying whose it is."""
        holder = image_named(self.client, name, region_id=region_id)
        if holder is None:
            return None
        if self.owns(planned, holder):
            return holder
        raise other_owner_error(self.noun, name, holder["ImageId"], object_tags(holder), "image_name")

    def owns(self, planned: State, image: dict[str, Any]) -> bool:
        """Whether ``image`` carries this resource's owner key."""
        ownership = ownership_of(self, planned)
        return ownership is not None and object_tags(image).get(OWNER_TAG) == ownership.key

    def create_or_adopt(self, planned: State, name: str, make: Callable[[str], str]) -> str:
        """``make(name)``: the ID of the image it creates (or copies). When the API answers that the name is
        taken (``InvalidImageName.Duplicated``, as CreateImage and CopyImage both do), the image holding it is
        looked at: adopted when it carries this resource's owner key (an interrupted run's), else the error of
        :meth:`name_for` says whose it is.

        The name is looked up only on that answer: the API checks it on every create anyway, and a look-up
        before each create would cost a describe per image.
        """
        from cdk_clone.api import ApiError

        for attempt in range(2):
            try:
                return make(name)
            except ApiError as error:
                # A holder gone by the time it is looked for freed the name: one more try.
                if error.code != NAME_TAKEN or attempt == 1:
                    raise
            holder = self.name_for(planned, name)
            if holder is not None:
                return str(holder["ImageId"])
        raise AssertionError("unreachable: the second attempt returns or raises")

    def wait_available(
        self,
        image_id: str,
        planned: State,
        where: str = "",
        on_poll: Callable[[dict[str, Any]], None] | None = None,
    ) -> dict[str, Any]:
        return self.wait(
            lambda: describe_image(self.client, image_id),
            ready=lambda image: image.get("Status") == "Available",
            failed=image_failure,
            timeout=self.timeout(planned, "create"),
            what=f"{self.noun} {image_id} to become Available{where}",
            progress=image_progress,
            on_poll=on_poll,
        )

    def wait_deleted(self, image_id: str, current: State) -> None:
        self.wait_gone(
            lambda: describe_image(self.client, image_id),
            timeout=self.timeout(current, "delete"),
            what=f"{self.noun} {image_id} to be deleted",
        )

    def image_values(self, prior: State | dict[str, Any], image: dict[str, Any]) -> dict[str, Any]:
        """The state values every image resource has, from DescribeImages' ``image`` and the ``prior`` state."""
        size: Any = image.get("Size")
        return {
            "id": image["ImageId"],
            "image_name": image.get("ImageName") or prior.get("image_name"),
            "description": observed(prior.get("description"), image.get("Description"), importing=self.importing),
            "status": image.get("Status"),
            "progress": image.get("Progress"),
            "size": int(size) if size not in (None, "") else None,
            "transient": prior.get("transient"),
            "owner": prior.get("owner"),
            "timeouts": prior.get("timeouts"),
        }

    def _state(self, prior: State | dict[str, Any], image: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

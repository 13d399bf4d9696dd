"""``ecsclone_image_copy``: a copy of an image from another region into the provider's region (CopyImage)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from tf.iface import State
from tf.utils import Diagnostics

from cdk_clone.schema import IMAGE_COPY

from ._adoption import ownership_of
from ._images import (
    NAME_TAKEN,
    ImageResourceBase,
    copy_owned_image,
    delete_image,
    describe_image,
    image_named,
    usable_owned_image,
)
from ._progress import report_image
from ._resource import ResourceError, is_known, known_values

if TYPE_CHECKING:
    from cdk_clone.ownership import Ownership

__all__ = ["ImageCopyResource", "copy_name_candidates"]

_UNFINISHED = ("Creating", "Waiting")


def copy_name_candidates(source_name: str) -> list[str]:
    """Names to try for a copy, in order: the source's own, then ``-copy``, ``-copy-2`` ... (each ≤ 128)."""
    base = source_name[:118]
    return [source_name[:128], f"{base}-copy", *(f"{base}-copy-{n}" for n in range(2, 10))]


class ImageCopyResource(ImageResourceBase):
    """``resource "ecsclone_image_copy" "c" { source_image_id = ..., source_region_id = "cn-hangzhou" }``.

    The copy lives in the provider's region. Import with ``<copy id>:<source region>:<source image id>``.
    """

    spec = IMAGE_COPY
    noun = "image copy"

    def create_object(self, diags: Diagnostics, planned: State) -> dict[str, Any]:
        source_id, source_region = planned["source_image_id"], planned["source_region_id"]
        source = describe_image(self.client, source_id, region_id=source_region)
        if source is None:
            raise ResourceError(
                f"Source image {source_id} was not found",
                f"source_image_id = {source_id!r} names no image in {source_region}.",
                path=["source_image_id"],
            )
        ownership = ownership_of(self, planned)
        # A copy an interrupted run started (still Creating, or done) is taken over, never made twice.
        image = usable_owned_image(self.client, ownership) if ownership else None
        if image is not None:
            copy_id, name = image["ImageId"], image["ImageName"]
        elif is_known(planned.get("image_name")):
            name = planned["image_name"]
            copy = partial(self._copy, planned, source_id, source_region, ownership=ownership)
            copy_id = self.create_or_adopt(planned, name, copy)
        else:
            copy_id, name = self._copy_under_free_name(planned, source, source_region, ownership)
        self.partial_state = {**known_values(planned), "id": copy_id, "image_name": name}
        image = self.wait_available(
            copy_id,
            planned,
            f" in {self.provider.region}",
            on_poll=lambda image: report_image(
                "image_copy", self.provider.region, image, source_image_id=source_id, source_region_id=source_region
            ),
        )
        return self._state(planned, image)

    def _copy(
        self, planned: State, source_id: str, source_region: str, name: str, *, ownership: Ownership | None
    ) -> str:
        return copy_owned_image(
            self.client,
            ownership,
            source_id=source_id,
            source_region=source_region,
            destination_region=self.provider.region,
            name=name,
            description=planned.get("description"),
            pause=self.provider.poll_interval,
            # KMS keys are regional: an encrypted image is copied under a key of the destination region.
            kms_key_id=planned.get("kms_key_id") if is_known(planned.get("kms_key_id")) else None,
        )

    def delete_object(self, diags: Diagnostics, current: State) -> None:
        from cdk_clone.api import CONFLICT_CODES, ApiError

        image_id = current["id"]
        image = describe_image(self.client, image_id)
        if image is not None and image.get("Status") in _UNFINISHED:
            try:
                self.when_free(
                    lambda: self.client.ecs("CancelCopyImage", {"ImageId": image_id}),
                    codes=CONFLICT_CODES,
                    state=current,
                    operation="delete",
                    what=f"cancel the copy {image_id}",
                )
            except ApiError as error:
                # The copy may have finished (or vanished) since: then it is deleted below.
                if not (error.is_not_found or "Status" in error.code):
                    raise
            image = describe_image(self.client, image_id)
        if image is not None:
            delete_image(self.client, image_id)
        self.wait_deleted(image_id, current)

    def import_object(self, diags: Diagnostics, object_id: str) -> dict[str, Any] | None:
        image_id, _, source = object_id.partition(":")
        source_region, _, source_id = source.partition(":")
        image = describe_image(self.client, image_id)
        if image is None:
            return None
        return self._state({"source_image_id": source_id or None, "source_region_id": source_region or None}, image)

    def _copy_under_free_name(
        self, planned: State, source: dict[str, Any], source_region: str, ownership: Ownership | None
    ) -> tuple[str, str]:
        """The copy's ID and name: copied under the first of :func:`copy_name_candidates` that CopyImage accepts
        (a name is looked up only when CopyImage answers that it is taken: the holder is adopted if it carries
        this resource's owner key, else the next name is tried)."""
        from cdk_clone.api import ApiError

        source_id = str(source["ImageId"])
        source_name = source.get("ImageName") or f"copy-of-{source_id}"
        for candidate in copy_name_candidates(source_name):
            try:
                return self._copy(planned, source_id, source_region, candidate, ownership=ownership), candidate
            except ApiError as error:
                if error.code != NAME_TAKEN:
                    raise
            holder = image_named(self.client, candidate)
            if holder is not None and self.owns(planned, holder):
                return str(holder["ImageId"]), candidate
        raise ResourceError(
            "No free name for the image copy",
            f"Images named {source_name!r} and its -copy variants already exist in {self.provider.region}: "
            "set image_name.",
            path=["image_name"],
        )

    def _state(self, prior: State | dict[str, Any], image: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.image_values(prior, image),
            "source_image_id": prior.get("source_image_id"),
            "source_region_id": prior.get("source_region_id"),
        }

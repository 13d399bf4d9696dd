"""``ecsclone_image_copy``: a copy of an image from another region into the provider's region (CopyImage)."""

from __future__ import annotations

from typing import Any

from tf.iface import Config, State
from tf.utils import Diagnostics

from cdk_clone.schema import IMAGE_COPY

from ._images import check_image_name, delete_image, describe_image, find_image_by_name, image_failure
from ._resource import EcsCloneResource, ResourceError, is_known, known_values, observed

__all__ = ["ImageCopyResource", "copy_name_candidates"]

_UNFINISHED = ("Creating", "Waiting")


def copy_name_candidates(source_name: str) -> list[str]:
    """Names to try for a copy, in order: the source's own, then ``-copy``, ``-copy-2`` ... (each ≤ 128)."""
    base = source_name[:118]
    return [source_name[:128], f"{base}-copy", *(f"{base}-copy-{n}" for n in range(2, 10))]


class ImageCopyResource(EcsCloneResource):
    """``resource "ecsclone_image_copy" "c" { source_image_id = ..., source_region_id = "cn-hangzhou" }``.

    The copy lives in the provider's region. Import with ``<copy id>:<source region>:<source image id>``.
    """

    spec = IMAGE_COPY

    def check_config(self, diags: Diagnostics, config: Config) -> None:
        name = config.get("image_name")
        if is_known(name):
            problem = check_image_name(name)
            if problem:
                diags.add_error("Invalid image name", f"image_name = {name!r}: {problem}.", path=["image_name"])

    def create_object(self, diags: Diagnostics, planned: State) -> dict[str, Any]:
        source_id, source_region = planned["source_image_id"], planned["source_region_id"]
        source = describe_image(self.client, source_id, region_id=source_region)
        if source is None:
            raise ResourceError(
                f"Source image {source_id} was not found",
                f"source_image_id = {source_id!r} names no image in {source_region}.",
                path=["source_image_id"],
            )
        name = planned["image_name"] if is_known(planned.get("image_name")) else self._free_name(source)
        answer = self.client.ecs(
            "CopyImage",
            {
                "RegionId": source_region,
                "ImageId": source_id,
                "DestinationRegionId": self.provider.region,
                "DestinationImageName": name,
                "DestinationDescription": planned.get("description"),
            },
            region_id=source_region,
            idempotent=True,
        )
        copy_id = answer["ImageId"]
        self.partial_state = {**known_values(planned), "id": copy_id, "image_name": name}
        image = self.wait(
            lambda: describe_image(self.client, copy_id),
            ready=lambda image: image.get("Status") == "Available",
            failed=image_failure,
            timeout=self.timeout(planned, "create"),
            what=f"image copy {copy_id} to become Available in {self.provider.region}",
        )
        return self._state(planned, image)

    def read_object(self, diags: Diagnostics, current: State) -> dict[str, Any] | None:
        image = describe_image(self.client, current["id"])
        if image is None:
            return dict(current) if current.get("transient") else None
        return self._state(current, image)

    def update_object(self, diags: Diagnostics, current: State, planned: State) -> dict[str, Any]:
        image_id = current["id"]
        self.client.ecs(
            "ModifyImageAttribute",
            {"ImageId": image_id, "ImageName": planned.get("image_name"), "Description": planned.get("description")},
        )
        image = describe_image(self.client, image_id)
        if image is None:
            return {**known_values(planned), **{k: current.get(k) for k in ("status", "progress", "size")}}
        return self._state(planned, image)

    def delete_object(self, diags: Diagnostics, current: State) -> None:
        from cdk_clone.api import ApiError

        image_id = current["id"]
        image = describe_image(self.client, image_id)
        if image is not None and image.get("Status") in _UNFINISHED:
            try:
                self.client.ecs("CancelCopyImage", {"ImageId": image_id})
            except ApiError as error:
                # The copy may have finished (or vanished) since: then it is deleted below.
                if not (error.is_not_found or "Status" in error.code):
                    raise
            image = describe_image(self.client, image_id)
        if image is not None:
            delete_image(self.client, image_id)
        self.wait(
            lambda: "gone" if describe_image(self.client, image_id) is None else "present",
            ready=lambda marker: marker == "gone",
            timeout=self.timeout(current, "delete"),
            what=f"image copy {image_id} to be deleted",
        )

    def import_object(self, diags: Diagnostics, object_id: str) -> dict[str, Any] | None:
        image_id, _, source = object_id.partition(":")
        source_region, _, source_id = source.partition(":")
        image = describe_image(self.client, image_id)
        if image is None:
            return None
        return self._state({"source_image_id": source_id or None, "source_region_id": source_region or None}, image)

    def _free_name(self, source: dict[str, Any]) -> str:
        source_name = source.get("ImageName") or f"copy-of-{source['ImageId']}"
        for candidate in copy_name_candidates(source_name):
            if not find_image_by_name(self.client, candidate):
                return candidate
        raise ResourceError(
            "No free name for the image copy",
            f"Images named {source_name!r} and its -copy variants already exist in {self.provider.region}: "
            "set image_name.",
            path=["image_name"],
        )

    def _state(self, prior: State | dict[str, Any], image: dict[str, Any]) -> dict[str, Any]:
        size: Any = image.get("Size")
        return {
            "id": image["ImageId"],
            "source_image_id": prior.get("source_image_id"),
            "source_region_id": prior.get("source_region_id"),
            "image_name": image.get("ImageName") or prior.get("image_name"),
            "description": observed(prior.get("description"), image.get("Description"), importing=self.importing),
            "status": image.get("Status"),
            "progress": image.get("Progress"),
            "size": int(size) if size not in (None, "") else None,
            "transient": prior.get("transient"),
            "timeouts": prior.get("timeouts"),
        }

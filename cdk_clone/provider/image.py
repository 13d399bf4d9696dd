"""``ecsclone_image``: a custom image of an instance (CreateImage), optionally with the instance stopped
for consistent data, waited for until Available."""

from __future__ import annotations

from typing import Any

from tf.iface import Config, State
from tf.utils import Diagnostics

from cdk_clone.schema import IMAGE

from ._images import check_image_name, delete_image, describe_image, image_failure, scratch_image_name
from ._instances import describe_instance
from ._resource import EcsCloneResource, ResourceError, is_known, known_values, observed

__all__ = ["ImageResource"]


class ImageResource(EcsCloneResource):
    """``resource "ecsclone_image" "scratch" { instance_id = "i-..." stop_instance_for_consistency = true }``.

    Import with ``terraform import ecsclone_image.scratch m-xxx:i-yyy`` (image, then the instance it was
    made from: the API does not tell, and without it the next plan would replace the image).
    """

    spec = IMAGE

    def check_config(self, diags: Diagnostics, config: Config) -> None:
        name = config.get("image_name")
        if is_known(name):
            problem = check_image_name(name)
            if problem:
                diags.add_error("Invalid image name", f"image_name = {name!r}: {problem}.", path=["image_name"])

    def create_object(self, diags: Diagnostics, planned: State) -> dict[str, Any]:
        instance_id = planned["instance_id"]
        instance = describe_instance(self.client, instance_id)
        if instance is None:
            raise ResourceError(
                f"Instance {instance_id} was not found",
                f"instance_id = {instance_id!r} names no instance in region {self.provider.region}.",
                path=["instance_id"],
            )
        name = planned["image_name"] if is_known(planned.get("image_name")) else scratch_image_name(instance_id)
        timeout = self.timeout(planned, "create")
        stopped_here = False
        if planned.get("stop_instance_for_consistency") and instance.get("Status") != "Stopped":
            self.client.ecs("StopInstance", {"InstanceId": instance_id})
            stopped_here = True
        try:
            if stopped_here:
                self._wait_instance(instance_id, "Stopped", timeout)
            answer = self.client.ecs(
                "CreateImage",
                {"InstanceId": instance_id, "ImageName": name, "Description": planned.get("description")},
                idempotent=True,
            )
            image_id = answer["ImageId"]
            self.partial_state = {
                **known_values(planned),
                "id": image_id,
                "image_name": name,
                "source_image_id": instance.get("ImageId"),
            }
            image = self.wait(
                lambda: describe_image(self.client, image_id),
                ready=lambda image: image.get("Status") == "Available",
                failed=image_failure,
                timeout=timeout,
                what=f"image {image_id} to become Available",
            )
        finally:
            # Start the instance again even when imaging failed: it was running before the apply.
            if stopped_here:
                self.client.ecs("StartInstance", {"InstanceId": instance_id})
                self._wait_instance(instance_id, "Running", timeout)
        return self._state(planned, image, source_image_id=instance.get("ImageId"))

    def read_object(self, diags: Diagnostics, current: State) -> dict[str, Any] | None:
        image = describe_image(self.client, current["id"])
        if image is None:
            # A transient image is deleted on purpose once the clones run; that is no reason to make another.
            return dict(current) if current.get("transient") else None
        return self._state(current, image, source_image_id=current.get("source_image_id"))

    def update_object(self, diags: Diagnostics, current: State, planned: State) -> dict[str, Any]:
        image_id = current["id"]
        self.client.ecs(
            "ModifyImageAttribute",
            {"ImageId": image_id, "ImageName": planned.get("image_name"), "Description": planned.get("description")},
        )
        image = describe_image(self.client, image_id)
        if image is None:
            return {**known_values(planned), **{k: current.get(k) for k in ("status", "progress", "size")}}
        return self._state(planned, image, source_image_id=current.get("source_image_id"))

    def delete_object(self, diags: Diagnostics, current: State) -> None:
        image_id = current["id"]
        delete_image(self.client, image_id)
        self.wait(
            lambda: "gone" if describe_image(self.client, image_id) is None else "present",
            ready=lambda marker: marker == "gone",
            timeout=self.timeout(current, "delete"),
            what=f"image {image_id} to be deleted",
        )

    def import_object(self, diags: Diagnostics, object_id: str) -> dict[str, Any] | None:
        image_id, _, instance_id = object_id.partition(":")
        image = describe_image(self.client, image_id)
        if image is None:
            return None
        prior = {"instance_id": instance_id or None}
        return self._state(prior, image, source_image_id=None)

    def _wait_instance(self, instance_id: str, status: str, timeout: float) -> None:
        self.wait(
            lambda: describe_instance(self.client, instance_id),
            ready=lambda instance: instance.get("Status") == status,
            timeout=timeout,
            what=f"instance {instance_id} to be {status}",
        )

    def _state(self, prior: State | dict[str, Any], image: dict[str, Any], *, source_image_id: Any) -> dict[str, Any]:
        size: Any = image.get("Size")
        return {
            "id": image["ImageId"],
            "instance_id": prior.get("instance_id"),
            "image_name": image.get("ImageName") or prior.get("image_name"),
            "description": observed(prior.get("description"), image.get("Description"), importing=self.importing),
            "stop_instance_for_consistency": prior.get("stop_instance_for_consistency"),
            "source_image_id": source_image_id,
            "status": image.get("Status"),
            "progress": image.get("Progress"),
            "size": int(size) if size not in (None, "") else None,
            "transient": prior.get("transient"),
            "timeouts": prior.get("timeouts"),
        }

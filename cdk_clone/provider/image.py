"""``ecsclone_image``: a custom image of an instance (CreateImage), optionally with the instance stopped
for consistent data, waited for until Available."""

from __future__ import annotations

from typing import Any

from tf.iface import State
from tf.utils import Diagnostics

from cdk_clone.schema import IMAGE

from ._images import (
    ImageResourceBase,
    delete_image,
    describe_image,
    image_failure,
    image_progress,
    scratch_image_name,
)
from ._instances import describe_instance
from ._progress import report_image
from ._resource import ResourceError, is_known, known_values

__all__ = ["ImageResource"]


class ImageResource(ImageResourceBase):
    """``resource "ecsclone_image" "scratch" { instance_id = "i-..." stop_instance_for_consistency = true }``.

    Import with ``terraform import ecsclone_image.scratch m-xxx:i-yyy`` (image, then the instance it was
    made from: the API does not tell, and without it the next plan would replace the image).
    """

    spec = IMAGE

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
        from cdk_clone.api import INSTANCE_BUSY_CODES

        timeout = self.timeout(planned, "create")
        stopped_here = False
        status = instance.get("Status")
        if planned.get("stop_instance_for_consistency") and status not in ("Stopped", "Stopping"):
            if status != "Running":  # still being created or started: it can be stopped once Running
                self._wait_instance(instance_id, "Running", timeout)
            self.when_free(
                lambda: self.client.ecs("StopInstance", {"InstanceId": instance_id}),
                codes=INSTANCE_BUSY_CODES,
                state=planned,
                operation="create",
                what=f"stop instance {instance_id}",
            )
            stopped_here = True
        try:
            if stopped_here or status == "Stopping":
                self._wait_instance(instance_id, "Stopped", timeout)
            # An instance still being created, started or stopped cannot be imaged yet (IncorrectInstanceStatus).
            answer = self.when_free(
                lambda: self.client.ecs(
                    "CreateImage",
                    {"InstanceId": instance_id, "ImageName": name, "Description": planned.get("description")},
                    idempotent=True,
                ),
                codes=INSTANCE_BUSY_CODES,
                state=planned,
                operation="create",
                what=f"create an image of instance {instance_id}",
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
                progress=image_progress,
                on_poll=lambda image: report_image("image", self.provider.region, image, instance_id=instance_id),
            )
        finally:
            # Start the instance again even when imaging failed: it was running before the apply.
            if stopped_here:
                self.when_free(
                    lambda: self.client.ecs("StartInstance", {"InstanceId": instance_id}),
                    codes=INSTANCE_BUSY_CODES,
                    state=planned,
                    operation="create",
                    what=f"start instance {instance_id} again",
                )
                self._wait_instance(instance_id, "Running", timeout)
        return self._state({**planned, "source_image_id": instance.get("ImageId")}, image)

    def delete_object(self, diags: Diagnostics, current: State) -> None:
        delete_image(self.client, current["id"])
        self.wait_deleted(current["id"], current)

    def import_object(self, diags: Diagnostics, object_id: str) -> dict[str, Any] | None:
        image_id, _, instance_id = object_id.partition(":")
        image = describe_image(self.client, image_id)
        if image is None:
            return None
        # The API does not tell which image the instance booted from when the image was made.
        return self._state({"instance_id": instance_id or None, "source_image_id": None}, image)

    def _wait_instance(self, instance_id: str, status: str, timeout: float) -> None:
        self.wait(
            lambda: describe_instance(self.client, instance_id),
            ready=lambda instance: instance.get("Status") == status,
            timeout=timeout,
            what=f"instance {instance_id} to be {status}",
        )

    def _state(self, prior: State | dict[str, Any], image: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.image_values(prior, image),
            "instance_id": prior.get("instance_id"),
            "stop_instance_for_consistency": prior.get("stop_instance_for_consistency"),
            "source_image_id": prior.get("source_image_id"),
        }

"""``ecsclone_image``: a custom image of an instance (CreateImage), optionally with the instance stopped
for consistent data, waited for until Available."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tf.iface import State
from tf.utils import Diagnostics

from cdk_clone.ownership import TAG_PREFIX
from cdk_clone.schema import IMAGE

from ._adoption import object_tags, ownership_of
from ._images import (
    ImageResourceBase,
    create_owned_image,
    delete_image,
    describe_image,
    scratch_image_name,
    usable_owned_image,
)
from ._instances import describe_instance
from ._progress import report_image
from ._resource import ResourceError, is_known, known_values

if TYPE_CHECKING:
    from cdk_clone.ownership import Ownership

__all__ = ["STOPPED_FOR_TAG", "ImageResource"]

#: Tag put on a source instance while an image's create has it stopped (value: that image's owner key).
STOPPED_FOR_TAG = TAG_PREFIX + "stopped-for"


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
        ownership = ownership_of(self, planned)
        name = planned["image_name"] if is_known(planned.get("image_name")) else scratch_image_name(instance_id, ownership)
        timeout = self.timeout(planned, "create")
        # An image an interrupted run made (still Creating, or done) is taken over, never made twice.
        image = usable_owned_image(self.client, ownership) if ownership else None
        stopped_here = self._stopped_by_us(instance, ownership)
        status = instance.get("Status")
        if image is None and planned.get("stop_instance_for_consistency") and status not in ("Stopped", "Stopping"):
            # A name held by another's image is found before the source is stopped for nothing (without a stop,
            # CreateImage's own answer tells: see create_or_adopt).
            image = self.name_for(planned, name)
            if image is None:
                if status != "Running":  # still being created or started: it can be stopped once Running
                    self._wait_instance(instance_id, "Running", timeout)
                self._stop(planned, instance_id, ownership)
                stopped_here = True
        try:
            if image is None:
                if stopped_here or status == "Stopping":
                    self._wait_instance(instance_id, "Stopped", timeout)
                image_id = self._create(planned, instance_id, name, ownership)
            else:
                image_id = image["ImageId"]
            self.partial_state = {
                **known_values(planned),
                "id": image_id,
                "image_name": name,
                "source_image_id": instance.get("ImageId"),
            }
            image = self.wait_available(
                image_id,
                planned,
                on_poll=lambda image: report_image("image", self.provider.region, image, instance_id=instance_id),
            )
        finally:
            # Start the instance again even when imaging failed: it was running before the apply (or before the
            # interrupted apply that stopped it).
            if stopped_here:
                self._start(planned, instance_id, ownership, timeout)
        return self._state({**planned, "source_image_id": instance.get("ImageId")}, image)

    def _create(self, planned: State, instance_id: str, name: str, ownership: Ownership | None) -> str:
        from cdk_clone.api import INSTANCE_BUSY_CODES

        # An instance still being created, started or stopped cannot be imaged yet (IncorrectInstanceStatus).
        return self.when_free(
            lambda: self.create_or_adopt(
                planned,
                name,
                lambda free_name: create_owned_image(
                    self.client,
                    ownership,
                    instance_id=instance_id,
                    name=free_name,
                    description=planned.get("description"),
                    pause=self.provider.poll_interval,
                ),
            ),
            codes=INSTANCE_BUSY_CODES,
            state=planned,
            operation="create",
            what=f"create an image of instance {instance_id}",
        )

    # The source instance is stopped for consistent data and started again afterwards. A run killed in between
    # would leave it stopped: the tag says which image's create stopped it, so the next run starts it again.

    def _stopped_by_us(self, instance: dict[str, Any], ownership: Ownership | None) -> bool:
        return ownership is not None and object_tags(instance).get(STOPPED_FOR_TAG) == ownership.key

    def _stop(self, planned: State, instance_id: str, ownership: Ownership | None) -> None:
        if ownership is not None:
            retag = {"ResourceType": "instance", "ResourceId": [instance_id]}
            self.client.ecs("TagResources", {**retag, "Tag": [{"Key": STOPPED_FOR_TAG, "Value": ownership.key}]})
        from cdk_clone.api import INSTANCE_BUSY_CODES

        self.when_free(
            lambda: self.client.ecs("StopInstance", {"InstanceId": instance_id}),
            codes=INSTANCE_BUSY_CODES,
            state=planned,
            operation="create",
            what=f"stop instance {instance_id}",
        )

    def _start(self, planned: State, instance_id: str, ownership: Ownership | None, timeout: float) -> None:
        from cdk_clone.api import INSTANCE_BUSY_CODES

        current = describe_instance(self.client, instance_id)
        if current is not None and current.get("Status") in ("Stopped", "Stopping"):
            self._wait_instance(instance_id, "Stopped", timeout)
            self.when_free(
                lambda: self.client.ecs("StartInstance", {"InstanceId": instance_id}),
                codes=INSTANCE_BUSY_CODES,
                state=planned,
                operation="create",
                what=f"start instance {instance_id} again",
            )
            self._wait_instance(instance_id, "Running", timeout)
        if ownership is not None:
            self.client.ecs(
                "UntagResources", {"ResourceType": "instance", "ResourceId": [instance_id], "TagKey": [STOPPED_FOR_TAG]}
            )

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

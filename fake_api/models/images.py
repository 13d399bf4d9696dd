"""Custom images: creation from an instance (with lineage), copies across regions, names, delete rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..exceptions import (
    ImageUsingByInstance,
    IncorrectDestinationRegion,
    IncorrectImageStatus,
    IncorrectInstanceStatus,
    InvalidImageIdNotFound,
    InvalidImageNameDuplicated,
    InvalidInstanceIdNotFound,
    OperationDeniedImageCopying,
)
from .base import RegionState, Selection, iso_time
from .catalogue import REGIONS, PublicImageInfo
from .tags import TagFilter, matches_tags
from .transitions import Transition, current_status, observe
from .validation import check_description, check_image_name, check_resource_tags

if TYPE_CHECKING:
    from .instances import Instance

__all__ = ["IMAGE_STATUSES", "Image", "ImageRules", "public_image"]

IMAGE_STATUSES: tuple[str, ...] = ("Creating", "Waiting", "Available", "UnAvailable", "CreateFailed", "Deprecated")


@dataclass(slots=True)
class Image:
    image_id: str
    name: str
    description: str
    owner_alias: str  # "system" for public images, "self" for the account's own
    size: int
    os_name: str
    os_type: str
    platform: str
    creation_time: str
    settled_status: str = "Available"
    transition: Transition | None = None
    architecture: str = "x86_64"
    is_copied: bool = False
    # Lineage: the image the imaged instance booted from, and that instance (kept through copies).
    source_image_id: str = ""
    source_instance_id: str = ""
    # For a copy: where it was copied from, as "<region>:<image id>".
    copied_from: str = ""
    # Copies of this image still possibly in flight: (destination region, copy image id).
    copies: list[tuple[str, str]] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        return {
            "image_id": self.image_id,
            "name": self.name,
            "description": self.description,
            "size": self.size,
            "os_name": self.os_name,
            "os_type": self.os_type,
            "platform": self.platform,
            "architecture": self.architecture,
            "creation_time": self.creation_time,
            "status": self.settled_status,
            "transition": self.transition.to_record() if self.transition else None,
            "is_copied": self.is_copied,
            "source_image_id": self.source_image_id,
            "source_instance_id": self.source_instance_id,
            "copied_from": self.copied_from,
            "copies": [list(c) for c in self.copies],
            "tags": dict(self.tags),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any], default_id: str, now_text: str) -> Image:
        image_id = record.get("image_id") or default_id
        return cls(
            image_id=image_id,
            name=record.get("name") or image_id,
            description=record.get("description", ""),
            owner_alias="self",
            size=int(record.get("size", 40)),
            os_name=record.get("os_name", "Linux"),
            os_type=record.get("os_type", "linux"),
            platform=record.get("platform", "Others Linux"),
            architecture=record.get("architecture", "x86_64"),
            creation_time=record.get("creation_time") or now_text,
            settled_status=record.get("status", "Available"),
            transition=Transition.from_record(record.get("transition")),
            is_copied=bool(record.get("is_copied", False)),
            source_image_id=record.get("source_image_id", ""),
            source_instance_id=record.get("source_instance_id", ""),
            copied_from=record.get("copied_from", ""),
            copies=[(c[0], c[1]) for c in record.get("copies") or []],
            tags=dict(record.get("tags") or {}),
        )


def public_image(info: PublicImageInfo) -> Image:
    return Image(
        image_id=info.image_id,
        name=info.image_name,
        description=info.description,
        owner_alias="system",
        size=info.size_gib,
        os_name=info.os_name,
        os_type=info.os_type,
        platform=info.platform,
        creation_time="2024-01-30T00:00:00Z",
    )


class ImageRules(RegionState):
    """CreateImage, DescribeImages, ModifyImageAttribute, CopyImage, CancelCopyImage, DeleteImage."""

    def _instance_to_image(self, instance_id: str) -> Instance:
        instance = self.instances.get(instance_id)
        if instance is None:
            raise InvalidInstanceIdNotFound(f"The instance {instance_id[:80]!r} does not exist in {self.region_id}.")
        return instance

    def image_status(self, image: Image) -> str:
        return current_status(image, self.now())

    def find_image(self, image_id: str) -> Image | None:
        """An image this account can use here: its own, or a public one."""
        return self.images.get(image_id) or self.cloud.public_images(self.region_id).get(image_id)

    def get_own_image(self, image_id: str) -> Image:
        image = self.images.get(image_id)
        if image is None:
            raise InvalidImageIdNotFound(
                f"The image {image_id[:80]!r} is not a custom image of this account in {self.region_id}."
            )
        return image

    def check_unique_image_name(self, name: str, exclude: str = "") -> None:
        for image in self.images.values():
            if image.name == name and image.image_id != exclude:
                raise InvalidImageNameDuplicated(
                    f"The image name {name!r} is already used by {image.image_id} in {self.region_id}: "
                    "image names are unique per region."
                )

    def create_image(
        self,
        instance_id: str,
        name: str | None = None,
        description: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Image:
        instance = self._instance_to_image(instance_id)
        if name is not None:
            check_image_name(name)
            self.check_unique_image_name(name)
        if description is not None:
            check_description(description)
        check_resource_tags(tags or {})
        status = current_status(instance, self.now())
        if status not in ("Running", "Stopped"):
            raise IncorrectInstanceStatus(
                f"The instance {instance_id} is {status}: an image can be made only from a Running or Stopped instance."
            )
        source = self.find_image(instance.image_id)
        now = self.now()
        image_id = self.new_id("m", self.images)
        image = Image(
            image_id=image_id,
            name=name or image_id,
            description=description or "",
            owner_alias="self",
            size=instance.system_disk_size,
            os_name=source.os_name if source else "Linux",
            os_type=source.os_type if source else "linux",
            platform=source.platform if source else "Others Linux",
            creation_time=iso_time(now),
            transition=Transition.begin(("Creating",), "Available", self.setting("image"), now),
            source_image_id=instance.image_id,
            source_instance_id=instance_id,
            tags=dict(tags or {}),
        )
        self.images[image_id] = image
        return image

    def describe_images(
        self,
        image_ids: list[str] | None = None,
        name: str | None = None,
        owner_alias: str | None = None,
        statuses: list[str] | None = None,
        tags: TagFilter | None = None,
    ) -> Selection[Image]:
        """Images matching every filter; without ``statuses`` only Available ones (as the API does)."""
        wanted_statuses = set(statuses or ["Available"])
        if image_ids is not None:
            pool: list[Image] = [i for i in (self.find_image(x) for x in dict.fromkeys(image_ids)) if i is not None]
        else:
            public = list(self.cloud.public_images(self.region_id).values())
            own = list(self.images.values())
            if owner_alias is None:
                pool = own + public
            else:  # "others" and "marketplace" images do not exist in the fake
                pool = {"system": public, "self": own}.get(owner_alias, [])
        matches = []
        for image in pool:
            if owner_alias and image.owner_alias != owner_alias:
                continue
            if name and name not in image.name:
                continue
            if not matches_tags(image.tags, tags):
                continue
            if self.image_status(image) in wanted_statuses:
                matches.append(image)
            elif image_ids is not None:
                # Polling by ID without the right Status still looks at the image: it counts as a describe.
                observe(image)
        return Selection(len(matches), matches)

    def modify_image(self, image_id: str, name: str | None, description: str | None) -> None:
        image = self.get_own_image(image_id)
        if name is not None:
            check_image_name(name)
            self.check_unique_image_name(name, exclude=image_id)
        if description is not None:
            check_description(description)
        if name is not None:
            image.name = name
        if description is not None:
            image.description = description

    def copy_image(
        self,
        image_id: str,
        destination_region_id: str,
        name: str | None = None,
        description: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Image:
        source = self.get_own_image(image_id)
        if destination_region_id not in REGIONS:
            raise IncorrectDestinationRegion(
                f"The destination region {destination_region_id[:60]!r} does not exist: use one of {', '.join(REGIONS)}."
            )
        status = self.image_status(source)
        if status != "Available":
            raise IncorrectImageStatus(f"The image {image_id} is {status}: only Available images can be copied.")
        destination = self.cloud.backend(self.access_key_id, destination_region_id)
        copy_name = name or source.name
        if name is not None:
            check_image_name(name, for_copy=True)
        if description is not None:
            check_description(description)
        check_resource_tags(tags or {})
        destination.check_unique_image_name(copy_name)
        now = self.now()
        copy_id = destination.new_id("m", destination.images)
        copy = Image(
            image_id=copy_id,
            name=copy_name,
            description=description if description is not None else source.description,
            owner_alias="self",
            size=source.size,
            os_name=source.os_name,
            os_type=source.os_type,
            platform=source.platform,
            architecture=source.architecture,
            creation_time=iso_time(now),
            transition=Transition.begin(("Creating",), "Available", self.setting("image_copy"), now),
            is_copied=True,
            source_image_id=source.source_image_id,
            source_instance_id=source.source_instance_id,
            copied_from=f"{self.region_id}:{image_id}",
            tags=dict(tags or {}),
        )
        destination.images[copy_id] = copy
        if copy.transition is not None:
            source.copies.append((destination_region_id, copy_id))
        return copy

    def _copy_in_flight(self, image: Image) -> bool:
        """Whether ``image`` is an unfinished copy, or the source of one."""
        if image.is_copied and self.image_status(image) != "Available":
            return True
        still: list[tuple[str, str]] = []
        for region_id, copy_id in image.copies:
            other = self.cloud.backend(self.access_key_id, region_id)
            copy = other.images.get(copy_id)
            if copy is not None and other.image_status(copy) != "Available":
                still.append((region_id, copy_id))
        image.copies = still
        return bool(still)

    def cancel_copy_image(self, image_id: str) -> None:
        image = self.get_own_image(image_id)
        if not image.is_copied or self.image_status(image) == "Available":
            raise IncorrectImageStatus(f"The image {image_id} is not a copy in progress: there is nothing to cancel.")
        del self.images[image_id]

    def delete_image(self, image_id: str, *, force: bool = False) -> None:
        image = self.get_own_image(image_id)
        if self._copy_in_flight(image):
            raise OperationDeniedImageCopying(
                f"The image {image_id} is being copied: wait for the copy or cancel it with CancelCopyImage."
            )
        users = self.instances_by_image.get(image_id)
        if users and not force:
            raise ImageUsingByInstance(
                f"The image {image_id} is used by instances ({', '.join(list(users)[:5])}): delete them, "
                "or pass Force=true to delete the image anyway."
            )
        del self.images[image_id]

    def load_image(self, record: dict[str, Any]) -> Image:
        image = Image.from_record(record, self.new_id("m", self.images), iso_time(self.now()))
        self.images[image.image_id] = image
        return image

"""Custom images: creation from an instance (a snapshot per disk, with lineage), copies across regions (with
their own snapshots, encrypted again where KMS keys require it), names, delete rules."""

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
    OperationDeinedEncryptedSnapshot,
    OperationDeniedImageCopying,
)
from .base import Selection, index_add, index_remove, iso_time
from .catalogue import REGIONS, PublicImageInfo
from .kms import Encryption
from .snapshots import SnapshotRules
from .tags import TagFilter, matches_tags
from .transitions import Transition, TransitionSetting, current_status, observe
from .validation import check_description, check_image_name, check_resource_tags

if TYPE_CHECKING:
    from .instances import Instance

__all__ = ["IMAGE_STATUSES", "DiskMapping", "Image", "ImageRules", "public_image"]

IMAGE_STATUSES: tuple[str, ...] = ("Creating", "Waiting", "Available", "UnAvailable", "CreateFailed", "Deprecated")


@dataclass(frozen=True, slots=True)
class DiskMapping:
    """One disk of an image: its type, device and size, and the snapshot holding its data ("" for public images)."""

    disk_type: str  # system | data
    device: str
    size: int
    snapshot_id: str = ""

    def to_record(self) -> dict[str, Any]:
        return {"type": self.disk_type, "device": self.device, "size": self.size, "snapshot_id": self.snapshot_id}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> DiskMapping:
        return cls(record.get("type", "system"), record.get("device", "/dev/xvda"), int(record["size"]),
                   record.get("snapshot_id", ""))


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
    os_name_en: str = ""  # the English OS name ("" means the same as os_name)
    # The image's disks, system disk first (set from ``size`` when not given).
    disk_mappings: list[DiskMapping] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.os_name_en = self.os_name_en or self.os_name
        if not self.disk_mappings:
            self.disk_mappings = [DiskMapping("system", "/dev/xvda", self.size)]

    def to_record(self) -> dict[str, Any]:
        return {
            "image_id": self.image_id,
            "name": self.name,
            "description": self.description,
            "size": self.size,
            "os_name": self.os_name,
            "os_name_en": self.os_name_en,
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
            "disk_mappings": [m.to_record() for m in self.disk_mappings],
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
            os_name_en=record.get("os_name_en", ""),
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
            disk_mappings=[DiskMapping.from_record(m) for m in record.get("disk_mappings") or []],
        )


def public_image(info: PublicImageInfo) -> Image:
    return Image(
        image_id=info.image_id,
        name=info.image_name,
        description=info.description,
        owner_alias="system",
        size=info.size_gib,
        os_name=info.os_name,
        os_name_en=info.os_name_en,
        os_type=info.os_type,
        platform=info.platform,
        creation_time="2024-01-30T00:00:00Z",
    )


class ImageRules(SnapshotRules):
    """CreateImage, DescribeImages, ModifyImageAttribute, CopyImage, CancelCopyImage, DeleteImage."""

    def _instance_to_image(self, instance_id: str) -> Instance:
        instance = self.instances.get(instance_id)
        if instance is None:
            raise InvalidInstanceIdNotFound(f"The instance {instance_id[:80]!r} does not exist in {self.region_id}.")
        return instance

    def image_status(self, image: Image) -> str:
        return current_status(image, self.now())

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
        if status not in ("Running", "Stopped") or self.departing(instance_id):
            # CreateImage answers this code with 400 (StopInstance and the others with 403).
            raise IncorrectInstanceStatus(
                f"The current status of the instance does not support this operation. (the instance {instance_id} "
                f"is {'being released' if self.departing(instance_id) else status}: an image can be made only from "
                "a Running or Stopped instance)",
                http_status=400,
            )
        source = self.find_image(instance.image_id)
        now = self.now()
        image_id = self.new_id("m", self.images)
        # Every disk is snapshotted; the snapshots are ready when the image is (same transition setting).
        setting = self.setting("image")
        mappings = [
            DiskMapping(
                disk.disk_type,
                disk.device,
                disk.size,
                self.snapshot_disk(disk, image_id, _begin_snapshot(setting, now)).snapshot_id,
            )
            for disk in instance.disks
        ]
        image = Image(
            image_id=image_id,
            name=name or image_id,
            description=description or "",
            owner_alias="self",
            size=instance.system_disk_size,
            os_name=source.os_name if source else "Linux",
            os_name_en=source.os_name_en if source else "Linux",
            os_type=source.os_type if source else "linux",
            platform=source.platform if source else "Others Linux",
            creation_time=iso_time(now),
            transition=Transition.begin(("Creating",), "Available", setting, now),
            source_image_id=instance.image_id,
            source_instance_id=instance_id,
            tags=dict(tags or {}),
            disk_mappings=mappings,
        )
        self.add_image(image)
        return image

    def add_image(self, image: Image) -> None:
        self.images[image.image_id] = image
        for mapping in image.disk_mappings:
            if mapping.snapshot_id:
                index_add(self.images_by_snapshot, mapping.snapshot_id, image.image_id, image)

    def _remove_image(self, image: Image) -> None:
        del self.images[image.image_id]
        for mapping in image.disk_mappings:
            if mapping.snapshot_id:
                index_remove(self.images_by_snapshot, mapping.snapshot_id, image.image_id)

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
        self.claim(image_id, "image")
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
        *,
        encrypted: bool | None = None,
        kms_key_id: str | None = None,
    ) -> Image:
        """Copy an image to ``destination_region_id`` with a copy of each of its snapshots there.

        KMS keys are regional: an image holding encrypted snapshots can be copied to another region only with
        ``Encrypted=true`` (and ``KMSKeyId`` of a key of the destination region, or none for its service key).
        """
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
        encryptions = self._copy_encryptions(source, destination, encrypted, kms_key_id)
        now = self.now()
        copy_id = destination.new_id("m", destination.images)
        setting = self.cloud.copy_setting(self.region_id, destination_region_id)  # slower farther away
        mappings = [
            DiskMapping(
                m.disk_type,
                m.device,
                m.size,
                destination.copy_snapshot(
                    self.snapshots[m.snapshot_id], self.region_id, encryption, copy_id, _begin_snapshot(setting, now)
                ).snapshot_id
                if m.snapshot_id in self.snapshots
                else "",
            )
            for m, encryption in zip(source.disk_mappings, encryptions, strict=True)
        ]
        copy = Image(
            image_id=copy_id,
            name=copy_name,
            description=description if description is not None else source.description,
            owner_alias="self",
            size=source.size,
            os_name=source.os_name,
            os_name_en=source.os_name_en,
            os_type=source.os_type,
            platform=source.platform,
            architecture=source.architecture,
            creation_time=iso_time(now),
            transition=Transition.begin(("Creating",), "Available", setting, now),
            is_copied=True,
            source_image_id=source.source_image_id,
            source_instance_id=source.source_instance_id,
            copied_from=f"{self.region_id}:{image_id}",
            tags=dict(tags or {}),
            disk_mappings=mappings,
        )
        destination.add_image(copy)
        if copy.transition is not None:
            source.copies.append((destination_region_id, copy_id))
        return copy

    def _copy_encryptions(
        self, source: Image, destination: ImageRules, encrypted: bool | None, kms_key_id: str | None
    ) -> list[Encryption]:
        """The encryption of each snapshot of the copy, in the order of the image's disks."""
        if encrypted or kms_key_id:
            # The whole copy is encrypted with the given key of the destination (or its service key).
            chosen = destination.encryption(encrypted, kms_key_id, "CopyImage")
            return [chosen] * len(source.disk_mappings)
        inherited = [
            self.snapshots[m.snapshot_id].encryption if m.snapshot_id in self.snapshots else Encryption(False, "")
            for m in source.disk_mappings
        ]
        if destination.region_id != self.region_id and any(e.encrypted for e in inherited):
            devices = [m.device for m, e in zip(source.disk_mappings, inherited, strict=True) if e.encrypted]
            raise OperationDeinedEncryptedSnapshot(
                f"The image {source.image_id} holds encrypted snapshots (disks {', '.join(devices)}, with KMS keys "
                f"of {self.region_id}), and KMS keys are regional: copy it with Encrypted=true and KMSKeyId set "
                f"to a key of {destination.region_id} (or no KMSKeyId, for the ECS service key of "
                f"{destination.region_id})."
            )
        return inherited

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
        self.claim(image_id, "image")
        self._remove_image(image)
        for mapping in image.disk_mappings:  # the copy's own snapshots go with it
            self.snapshots.pop(mapping.snapshot_id, None)

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
        self.claim(image_id, "image")
        self._remove_image(image)  # its snapshots stay (the API has no option to delete them with the image)

    def load_image(self, record: dict[str, Any]) -> Image:
        image = Image.from_record(record, self.new_id("m", self.images), iso_time(self.now()))
        self.add_image(image)
        return image


def _begin_snapshot(setting: TransitionSetting, now: float) -> Transition | None:
    return Transition.begin(("progressing",), "accomplished", setting, now)

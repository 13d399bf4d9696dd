"""Snapshots: one per disk of an image (CreateImage snapshots every disk of the instance; CopyImage makes the
copy's own snapshots in the destination region), what uses them, and when they may be deleted.

A snapshot made for an image is ``progressing`` while the image is ``Creating`` and ``accomplished`` by the
time the image is ``Available`` (it moves with the image's transition setting). It cannot be deleted while an
image holds it (``SnapshotCreatedImage``); one that disks were made from needs ``Force=true``
(``SnapshotCreatedDisk``). DeleteImage leaves the image's snapshots behind (``Usage`` becomes ``none`` or
``disk``): the API has no option to delete them with the image, so clients delete them with DeleteSnapshot
(Terraform's ``alicloud_image.delete_auto_snapshot`` does exactly that, with ``Force=true``).

Example::

    backend = FakeCloud("demo").backend("testid", "cn-hangzhou")
    image = backend.create_image("i-bp1d3m0s0urce00001", "TemplateScratch-web-1")
    [backend.snapshots[m.snapshot_id].source_disk_type for m in image.disk_mappings]    # ['system']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..exceptions import DryRunOperation, SnapshotCreatedDisk, SnapshotCreatedImage
from .base import Selection, iso_time
from .kms import NOT_ENCRYPTED, Encryption, KmsRules
from .tags import TagFilter, matches_tags
from .transitions import Transition, current_status, progress_percent

if TYPE_CHECKING:
    from .disks import Disk

__all__ = ["SNAPSHOT_STATUSES", "SNAPSHOT_USAGES", "Snapshot", "SnapshotRules", "remain_time"]

SNAPSHOT_STATUSES: tuple[str, ...] = ("progressing", "accomplished", "failed")
SNAPSHOT_USAGES: tuple[str, ...] = ("image", "disk", "image_disk", "none")
# Roughly how long the real cloud takes per GiB to snapshot a disk; only used to show a RemainTime.
_SECONDS_PER_GIB = 3


def remain_time(size_gib: int, progress: int) -> int:
    """Seconds left (as the API's RemainTime) for a snapshot of ``size_gib`` at ``progress`` percent."""
    return (100 - progress) * size_gib * _SECONDS_PER_GIB // 100


@dataclass(slots=True)
class Snapshot:
    snapshot_id: str
    source_disk_id: str
    source_disk_type: str  # system | data
    source_disk_size: int
    creation_time: str
    name: str = ""
    description: str = ""
    encrypted: bool = False
    kms_key_id: str = ""
    snapshot_type: str = "user"  # user (made by a call) | auto (made by an automatic snapshot policy)
    # The image this snapshot was made for (CreateImage, CopyImage): it is accomplished once that image is ready.
    image_id: str = ""
    # For a copy: the snapshot it was copied from, and that snapshot's region.
    source_snapshot_id: str = ""
    source_region_id: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    settled_status: str = "accomplished"
    transition: Transition | None = None

    @property
    def encryption(self) -> Encryption:
        return Encryption(self.encrypted, self.kms_key_id) if self.encrypted else NOT_ENCRYPTED

    def to_record(self) -> dict[str, Any]:
        return {
            "snapshot_id": self.snapshot_id,
            "source_disk_id": self.source_disk_id,
            "source_disk_type": self.source_disk_type,
            "source_disk_size": self.source_disk_size,
            "creation_time": self.creation_time,
            "name": self.name,
            "description": self.description,
            "encrypted": self.encrypted,
            "kms_key_id": self.kms_key_id,
            "snapshot_type": self.snapshot_type,
            "image_id": self.image_id,
            "source_snapshot_id": self.source_snapshot_id,
            "source_region_id": self.source_region_id,
            "tags": dict(self.tags),
            "status": self.settled_status,
            "transition": self.transition.to_record() if self.transition else None,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any], default_id: str, now_text: str) -> Snapshot:
        return cls(
            snapshot_id=record.get("snapshot_id") or default_id,
            source_disk_id=record.get("source_disk_id", ""),
            source_disk_type=record.get("source_disk_type", "system"),
            source_disk_size=int(record.get("source_disk_size", 40)),
            creation_time=record.get("creation_time") or now_text,
            name=record.get("name", ""),
            description=record.get("description", ""),
            encrypted=bool(record.get("encrypted", False)),
            kms_key_id=record.get("kms_key_id", ""),
            snapshot_type=record.get("snapshot_type", "user"),
            image_id=record.get("image_id", ""),
            source_snapshot_id=record.get("source_snapshot_id", ""),
            source_region_id=record.get("source_region_id", ""),
            tags=dict(record.get("tags") or {}),
            settled_status=record.get("status", "accomplished"),
            transition=Transition.from_record(record.get("transition")),
        )


class SnapshotRules(KmsRules):
    """Snapshots of images (made and copied by the image rules), DescribeSnapshots and DeleteSnapshot."""

    def snapshot_status(self, snapshot: Snapshot) -> str:
        """The snapshot's status now; one made for an image is accomplished once the image is Available."""
        if snapshot.transition is not None and snapshot.image_id:
            image = self.images.get(snapshot.image_id)
            if image is not None and current_status(image, self.now()) == "Available":
                snapshot.transition = None
        return current_status(snapshot, self.now())

    def snapshot_progress(self, snapshot: Snapshot) -> int:
        return 100 if self.snapshot_status(snapshot) == "accomplished" else progress_percent(snapshot, self.now())

    def snapshot_usage(self, snapshot: Snapshot) -> str:
        in_image = bool(self.images_by_snapshot.get(snapshot.snapshot_id))
        in_disk = bool(self.disks_by_snapshot.get(snapshot.snapshot_id))
        return {(True, True): "image_disk", (True, False): "image", (False, True): "disk"}.get(
            (in_image, in_disk), "none"
        )

    def snapshot_disk(self, disk: Disk, image_id: str, transition: Transition | None) -> Snapshot:
        """A snapshot of ``disk`` made for image ``image_id`` (CreateImage)."""
        return self._new_snapshot(
            disk.disk_id, disk.disk_type, disk.size, disk.encryption, image_id, transition,
            description=f"Created for image {image_id}",
        )

    def copy_snapshot(
        self, source: Snapshot, source_region_id: str, encryption: Encryption, image_id: str, transition: Transition | None
    ) -> Snapshot:
        """A copy, in this region, of ``source`` (a snapshot of ``source_region_id``), made for image ``image_id``."""
        return self._new_snapshot(
            source.source_disk_id, source.source_disk_type, source.source_disk_size, encryption, image_id, transition,
            description=f"Copied from {source.snapshot_id} for image {image_id}",
            source_snapshot_id=source.snapshot_id,
            source_region_id=source_region_id,
        )

    def _new_snapshot(
        self,
        disk_id: str,
        disk_type: str,
        disk_size: int,
        encryption: Encryption,
        image_id: str,
        transition: Transition | None,
        *,
        description: str,
        source_snapshot_id: str = "",
        source_region_id: str = "",
    ) -> Snapshot:
        snapshot = Snapshot(
            snapshot_id=self.new_id("s", self.snapshots),
            source_disk_id=disk_id,
            source_disk_type=disk_type,
            source_disk_size=disk_size,
            creation_time=iso_time(self.now()),
            encrypted=encryption.encrypted,
            kms_key_id=encryption.kms_key_id,
            image_id=image_id,
            transition=transition,
            description=description,
            source_snapshot_id=source_snapshot_id,
            source_region_id=source_region_id,
        )
        self.snapshots[snapshot.snapshot_id] = snapshot
        return snapshot

    def describe_snapshots(
        self,
        *,
        snapshot_ids: list[str] | None = None,
        disk_id: str | None = None,
        instance_id: str | None = None,
        name: str | None = None,
        status: str | None = None,
        snapshot_type: str | None = None,
        usage: str | None = None,
        source_disk_type: str | None = None,
        encrypted: bool | None = None,
        kms_key_id: str | None = None,
        tags: TagFilter | None = None,
    ) -> Selection[Snapshot]:
        """Snapshots matching every filter, in creation order (``all`` means no filter, as in the API)."""
        if snapshot_ids is not None:
            pool = [self.snapshots[s] for s in dict.fromkeys(snapshot_ids) if s in self.snapshots]
        else:
            pool = list(self.snapshots.values())
        instance_disks: set[str] | None = None
        if instance_id is not None:
            owner = self.instances.get(instance_id)
            instance_disks = {d.disk_id for d in owner.disks} if owner else set()
        wanted_type = None if snapshot_type in (None, "all") else ("auto" if snapshot_type == "timer" else snapshot_type)
        matches = [
            s
            for s in pool
            if (disk_id is None or s.source_disk_id == disk_id)
            and (instance_disks is None or s.source_disk_id in instance_disks)
            and (name is None or s.name == name)
            and (wanted_type is None or s.snapshot_type == wanted_type)
            and (source_disk_type is None or s.source_disk_type == source_disk_type.lower())
            and (not encrypted or s.encrypted)
            and (kms_key_id is None or s.kms_key_id == kms_key_id)
            and matches_tags(s.tags, tags)
            and (usage is None or self.snapshot_usage(s) == usage)
            and (status in (None, "all") or self.snapshot_status(s) == status)
        ]
        return Selection(len(matches), matches)

    def delete_snapshot(self, snapshot_id: str, *, force: bool = False, dry_run: bool = False) -> None:
        """Delete a snapshot (an unknown ID is ignored, as the API does); one in progress is cancelled."""
        snapshot = self.snapshots.get(snapshot_id)
        if snapshot is not None:
            images = self.images_by_snapshot.get(snapshot_id)
            if images:
                raise SnapshotCreatedImage(
                    f"The snapshot {snapshot_id} is held by image(s) {', '.join(list(images)[:5])}: delete the "
                    "image(s) first (DeleteImage), then the snapshot."
                )
            disks = self.disks_by_snapshot.get(snapshot_id)
            if disks and not force:
                raise SnapshotCreatedDisk(
                    f"Disks were made from the snapshot {snapshot_id} ({', '.join(list(disks)[:5])}): pass "
                    "Force=true to delete it anyway (those disks can then no longer be re-initialized)."
                )
        if dry_run:
            raise DryRunOperation()
        if snapshot is not None:
            del self.snapshots[snapshot_id]

    def load_snapshot(self, record: dict[str, Any]) -> Snapshot:
        snapshot = Snapshot.from_record(record, self.new_id("s", self.snapshots), iso_time(self.now()))
        self.snapshots[snapshot.snapshot_id] = snapshot
        return snapshot

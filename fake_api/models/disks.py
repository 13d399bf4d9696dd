"""Cloud disks: the system and data disks RunInstances makes (empty, from an image's snapshots or from a
snapshot), their categories, sizes, performance levels and encryption, and what happens to them when their
instance is released (``DeleteWithInstance``) or when they are deleted.

Disks are regional objects: an instance lists the disks attached to it (``Instance.disks``, system disk
first), and the region keeps every disk, attached or not (``disks``), so that a data disk kept after its
instance is released (``DeleteWithInstance=false``) stays visible in DescribeDisks as ``Available``.

Example::

    backend = FakeCloud("demo").backend("testid", "cn-hangzhou")
    [d.category for d in backend.instances["i-bp1d3m0s0urce00001"].disks]     # ['cloud_essd']
    backend.describe_disks(instance_id="i-bp1d3m0s0urce00001").total           # 1
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..exceptions import (
    DryRunOperation,
    IncorrectDiskStatus,
    IncorrectInstanceStatus,
    InstanceDiskNumberLimitExceed,
    InvalidDataDeviceMalformed,
    InvalidDataDiskCategoryValueNotSupported,
    InvalidDataDiskSizeValueNotSupported,
    InvalidDataDiskSnapshotIdNotFound,
    InvalidDiskDescriptionMalformed,
    InvalidDiskIdNotFound,
    InvalidDiskNameMalformed,
    InvalidDiskSizeTooSmall,
    InvalidInstanceIdNotFound,
    InvalidPerformanceLevelMalformed,
    InvalidSnapshotIdNotDataDiskSnapshot,
    InvalidSnapshotIdNotReady,
    InvalidSystemDiskCategoryValueNotSupported,
    InvalidSystemDiskSizeValueNotSupported,
    MissingParameter,
)
from .base import Selection, index_add, index_remove, iso_time
from .catalogue import DISK_CATEGORIES, PERFORMANCE_LEVELS
from .kms import NOT_ENCRYPTED, Encryption
from .snapshots import SnapshotRules
from .tags import TagFilter, matches_tags
from .transitions import Transition, current_status
from .validation import check_description, check_disk_name

if TYPE_CHECKING:
    from .images import Image
    from .instances import Instance

__all__ = [
    "DISK_STATUSES",
    "MAX_DATA_DISKS",
    "Disk",
    "DiskRequest",
    "DiskRules",
    "DiskShape",
    "data_device",
]

DISK_STATUSES: tuple[str, ...] = ("In_use", "Available", "Attaching", "Detaching", "Creating", "ReIniting")
MAX_DATA_DISKS = 16
DEFAULT_CATEGORY = "cloud_efficiency"  # for I/O optimized instances, the only kind the fake sells
# cloud_essd_entry is sold only with these families (RunInstances SystemDisk.Category / DataDisk.N.Category).
_ENTRY_FAMILIES = ("ecs.e", "ecs.u1")

# (lowest, highest) GiB per category; ESSDs by performance level. From RunInstances' SystemDisk.Size and
# DataDisk.N.Size (alibabacloud-go/ecs-20140526, 2026).
_SYSTEM_SIZES: dict[str, tuple[int, int]] = {
    "cloud": (20, 500),
    "cloud_auto": (1, 2048),
    "PL0": (1, 2048),
    "PL1": (20, 2048),
    "PL2": (461, 2048),
    "PL3": (1261, 2048),
}
_DATA_SIZES: dict[str, tuple[int, int]] = {
    "cloud": (5, 2000),
    "cloud_efficiency": (20, 32768),
    "cloud_ssd": (20, 32768),
    "cloud_auto": (1, 65536),
    "cloud_essd_entry": (10, 32768),
    "PL0": (1, 65536),
    "PL1": (20, 65536),
    "PL2": (461, 65536),
    "PL3": (1261, 65536),
}
# Published performance formulas: IOPS = min(base + per_gib * size, cap), throughput (MB/s) likewise.
_PERFORMANCE: dict[str, tuple[tuple[int, float, int], tuple[int, float, int]]] = {
    "cloud": ((300, 0, 300), (30, 0, 30)),
    "cloud_efficiency": ((1800, 8, 5000), (100, 0.15, 140)),
    "cloud_ssd": ((1800, 30, 25000), (120, 0.5, 300)),
    "cloud_essd_entry": ((1800, 8, 6000), (100, 0.15, 150)),
    "cloud_auto": ((1800, 50, 50000), (120, 0.5, 350)),
    "PL0": ((1800, 12, 10000), (100, 0.25, 180)),
    "PL1": ((1800, 50, 50000), (120, 0.5, 350)),
    "PL2": ((1800, 50, 100000), (120, 0.5, 750)),
    "PL3": ((1800, 50, 1000000), (120, 0.5, 4000)),
}


def data_device(index: int) -> str:
    """The device of data disk ``index`` (0-based): /dev/xvdb ... /dev/xvdz, then /dev/xvdaa ...

    >>> data_device(0), data_device(24), data_device(25)
    ('/dev/xvdb', '/dev/xvdz', '/dev/xvdaa')
    """
    if index < 25:
        return "/dev/xvd" + chr(ord("b") + index)
    index -= 25
    return "/dev/xvd" + chr(ord("a") + index // 26) + chr(ord("a") + index % 26)


def _size_key(category: str, performance_level: str) -> str:
    return performance_level if category == "cloud_essd" else category


@dataclass(slots=True)
class Disk:
    disk_id: str
    disk_type: str  # system | data
    category: str
    size: int
    device: str
    creation_time: str
    zone_id: str = ""
    name: str = ""
    description: str = ""
    performance_level: str = ""  # PL0..PL3 for cloud_essd, else ""
    encrypted: bool = False
    kms_key_id: str = ""
    delete_with_instance: bool = True
    delete_auto_snapshot: bool = False
    source_snapshot_id: str = ""
    image_id: str = ""
    instance_id: str = ""  # the instance it is attached to, "" when detached
    attached_time: str = ""
    detached_time: str = ""
    charge_type: str = "PostPaid"
    expired_time: str = ""
    bursting_enabled: bool = False
    provisioned_iops: int = 0
    auto_snapshot_policy_id: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    settled_status: str = "In_use"
    transition: Transition | None = None

    @property
    def portable(self) -> bool:
        return self.disk_type == "data"

    @property
    def encryption(self) -> Encryption:
        return Encryption(self.encrypted, self.kms_key_id) if self.encrypted else NOT_ENCRYPTED

    def performance(self) -> tuple[int, int]:
        """(IOPS, throughput in MB/s) from Alibaba's published per-category formulas."""
        (base, per_gib, cap), (t_base, t_per_gib, t_cap) = _PERFORMANCE.get(
            _size_key(self.category, self.performance_level), _PERFORMANCE[DEFAULT_CATEGORY]
        )
        iops = min(int(base + per_gib * self.size), cap)
        if self.category == "cloud_auto":
            iops = min(iops + self.provisioned_iops, 1000000)
        return iops, min(int(t_base + t_per_gib * self.size), t_cap)

    def to_record(self) -> dict[str, Any]:
        return {
            "disk_id": self.disk_id,
            "disk_type": self.disk_type,
            "category": self.category,
            "size": self.size,
            "device": self.device,
            "creation_time": self.creation_time,
            "zone_id": self.zone_id,
            "name": self.name,
            "description": self.description,
            "performance_level": self.performance_level,
            "encrypted": self.encrypted,
            "kms_key_id": self.kms_key_id,
            "delete_with_instance": self.delete_with_instance,
            "delete_auto_snapshot": self.delete_auto_snapshot,
            "source_snapshot_id": self.source_snapshot_id,
            "image_id": self.image_id,
            "attached_time": self.attached_time,
            "detached_time": self.detached_time,
            "charge_type": self.charge_type,
            "expired_time": self.expired_time,
            "bursting_enabled": self.bursting_enabled,
            "provisioned_iops": self.provisioned_iops,
            "auto_snapshot_policy_id": self.auto_snapshot_policy_id,
            "tags": dict(self.tags),
            "status": self.settled_status,
            "transition": self.transition.to_record() if self.transition else None,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any], default_id: str, now_text: str, zone_id: str) -> Disk:
        category = record.get("category", DEFAULT_CATEGORY)
        return cls(
            disk_id=record.get("disk_id") or default_id,
            disk_type=record.get("disk_type", "system"),
            category=category,
            size=int(record.get("size", 40)),
            device=record.get("device", "/dev/xvda"),
            creation_time=record.get("creation_time") or now_text,
            zone_id=record.get("zone_id") or zone_id,
            name=record.get("name", ""),
            description=record.get("description", ""),
            performance_level=record.get("performance_level") or ("PL1" if category == "cloud_essd" else ""),
            encrypted=bool(record.get("encrypted", False)),
            kms_key_id=record.get("kms_key_id", ""),
            delete_with_instance=bool(record.get("delete_with_instance", True)),
            delete_auto_snapshot=bool(record.get("delete_auto_snapshot", False)),
            source_snapshot_id=record.get("source_snapshot_id", ""),
            image_id=record.get("image_id", ""),
            attached_time=record.get("attached_time", ""),
            detached_time=record.get("detached_time", ""),
            charge_type=record.get("charge_type", "PostPaid"),
            expired_time=record.get("expired_time", ""),
            bursting_enabled=bool(record.get("bursting_enabled", False)),
            provisioned_iops=int(record.get("provisioned_iops") or 0),
            auto_snapshot_policy_id=record.get("auto_snapshot_policy_id", ""),
            tags=dict(record.get("tags") or {}),
            settled_status=record.get("status", "In_use"),
            transition=Transition.from_record(record.get("transition")),
        )


@dataclass(slots=True)
class DiskRequest:
    """One disk of a RunInstances call (``SystemDisk.*`` or ``DataDisk.N.*``) as parsed, before the rules."""

    category: str | None = None
    size: int | None = None
    performance_level: str | None = None
    snapshot_id: str | None = None
    device: str | None = None
    name: str | None = None
    description: str | None = None
    encrypted: bool | None = None
    kms_key_id: str | None = None
    delete_with_instance: bool | None = None
    bursting_enabled: bool | None = None
    provisioned_iops: int | None = None
    auto_snapshot_policy_id: str | None = None


@dataclass(frozen=True, slots=True)
class DiskShape:
    """One disk every instance of a launch gets, checked once and then made once per instance."""

    disk_type: str
    category: str
    size: int
    performance_level: str
    device: str
    name: str
    description: str
    encryption: Encryption
    delete_with_instance: bool
    source_snapshot_id: str
    image_id: str
    bursting_enabled: bool
    provisioned_iops: int
    auto_snapshot_policy_id: str


class DiskRules(SnapshotRules):
    """The disks of a launch, DescribeDisks and DeleteDisk."""

    def disk_status(self, disk: Disk) -> str:
        """The disk's status now. A disk made with its instance is attached by the time the instance runs."""
        if disk.transition is not None and disk.instance_id:
            instance = self.instances.get(disk.instance_id)
            if instance is not None and current_status(instance, self.now()) not in ("Pending", "Starting"):
                disk.transition = None
        return current_status(disk, self.now())

    # RunInstances ---------------------------------------------------------------------------------------
    def launch_disk_shapes(
        self, image: Image, instance_type: str, system: DiskRequest, data: list[DiskRequest]
    ) -> list[DiskShape]:
        """The disks each instance of a launch gets: system disk, the image's data disks, then the others.

        A custom image made from an instance with data disks holds a snapshot per disk; each becomes a data
        disk (of the default category unless ``DataDisk.N.Device`` names its device and sets another one).
        ``DataDisk.N`` entries that name no device of the image are new disks, empty or from a snapshot.
        """
        shapes = [self._system_disk_shape(image, instance_type, system)]
        image_devices = {m.device: m for m in image.disk_mappings if m.disk_type == "data"}
        by_device: dict[str, tuple[int, DiskRequest]] = {}
        for n, request in enumerate(data, start=1):
            if request.device is None:
                continue
            if request.device not in image_devices:
                raise InvalidDataDeviceMalformed(
                    f"DataDisk.{n}.Device is {request.device[:40]!r}, but image {image.image_id} has no data disk on "
                    f"that device (its data disks: {', '.join(image_devices) or 'none'}): DataDisk.N.Device only "
                    "picks a data disk of the image, to change its category or size."
                )
            if request.device in by_device:
                raise InvalidDataDeviceMalformed(
                    f"DataDisk.{by_device[request.device][0]} and DataDisk.{n} both name device {request.device}."
                )
            by_device[request.device] = (n, request)
        for mapping in image.disk_mappings:
            if mapping.disk_type != "data":
                continue
            n, request = by_device.get(mapping.device, (0, DiskRequest()))
            snapshot = self.snapshots.get(mapping.snapshot_id)
            inherited = snapshot.encryption if snapshot else NOT_ENCRYPTED
            where = f"DataDisk.{n}" if n else f"the data disk {mapping.device} of image {image.image_id}"
            shapes.append(
                self._data_disk_shape(
                    request, where, instance_type, mapping.size, mapping.device, mapping.snapshot_id, image.image_id,
                    inherited,
                )
            )
        used = {shape.device for shape in shapes}
        free = (data_device(i) for i in range(MAX_DATA_DISKS * 2) if data_device(i) not in used)
        for n, request in enumerate(data, start=1):
            if request.device is not None:
                continue
            minimum, inherited, snapshot_id = 0, NOT_ENCRYPTED, ""
            if request.snapshot_id is not None:
                snapshot = self.snapshots.get(request.snapshot_id)
                if snapshot is None:
                    raise InvalidDataDiskSnapshotIdNotFound(
                        f"DataDisk.{n}.SnapshotId {request.snapshot_id[:80]!r} is not a snapshot of this account in "
                        f"{self.region_id}."
                    )
                status = self.snapshot_status(snapshot)
                if status != "accomplished":
                    raise InvalidSnapshotIdNotReady(
                        f"The snapshot {snapshot.snapshot_id} of DataDisk.{n} is {status}: wait until it is accomplished."
                    )
                if snapshot.source_disk_type != "data":
                    raise InvalidSnapshotIdNotDataDiskSnapshot(
                        f"The snapshot {snapshot.snapshot_id} of DataDisk.{n} is a system disk snapshot."
                    )
                minimum, inherited, snapshot_id = snapshot.source_disk_size, snapshot.encryption, snapshot.snapshot_id
            elif request.size is None:
                raise MissingParameter(f"DataDisk.{n} needs Size (GiB) or SnapshotId.")
            shapes.append(
                self._data_disk_shape(
                    request, f"DataDisk.{n}", instance_type, minimum, next(free), snapshot_id, "", inherited
                )
            )
        data_count = len(shapes) - 1
        if data_count > MAX_DATA_DISKS:
            raise InstanceDiskNumberLimitExceed(
                f"The instance would have {data_count} data disks (image {image.image_id} holds "
                f"{len(image_devices)}); at most {MAX_DATA_DISKS} are allowed."
            )
        return shapes

    def _system_disk_shape(self, image: Image, instance_type: str, request: DiskRequest) -> DiskShape:
        category = request.category or DEFAULT_CATEGORY
        if category not in DISK_CATEGORIES or not _sold_with(category, instance_type):
            raise InvalidSystemDiskCategoryValueNotSupported(
                f"SystemDisk.Category {category[:40]!r} is not supported for {instance_type}: use one of "
                f"{', '.join(c for c in DISK_CATEGORIES if _sold_with(c, instance_type))}."
            )
        level = _performance_level(category, request.performance_level, "SystemDisk")
        low, high = _SYSTEM_SIZES.get(_size_key(category, level), (20, 2048))
        low = max(low, image.size)
        size = request.size if request.size is not None else max(40, image.size)
        if not (low <= size <= high):
            raise InvalidSystemDiskSizeValueNotSupported(
                f"SystemDisk.Size is {size}; for {_label(category, level)} from image {image.image_id} "
                f"({image.size} GiB) it must be from {low} to {high} GiB."
            )
        system_mapping = next((m for m in image.disk_mappings if m.disk_type == "system"), None)
        snapshot = self.snapshots.get(system_mapping.snapshot_id) if system_mapping else None
        return DiskShape(
            disk_type="system",
            category=category,
            size=size,
            performance_level=level,
            device="/dev/xvda",
            name=_disk_name(request.name),
            description=_disk_description(request.description),
            encryption=self.encryption(
                request.encrypted, request.kms_key_id, "SystemDisk", snapshot.encryption if snapshot else NOT_ENCRYPTED
            ),
            delete_with_instance=True,
            source_snapshot_id=snapshot.snapshot_id if snapshot else "",
            image_id=image.image_id,
            bursting_enabled=bool(request.bursting_enabled) and category == "cloud_auto",
            provisioned_iops=(request.provisioned_iops or 0) if category == "cloud_auto" else 0,
            auto_snapshot_policy_id=request.auto_snapshot_policy_id or "",
        )

    def _data_disk_shape(
        self,
        request: DiskRequest,
        where: str,
        instance_type: str,
        minimum: int,
        device: str,
        snapshot_id: str,
        image_id: str,
        inherited: Encryption,
    ) -> DiskShape:
        category = request.category or DEFAULT_CATEGORY
        if category not in DISK_CATEGORIES or not _sold_with(category, instance_type):
            raise InvalidDataDiskCategoryValueNotSupported(
                f"{where}.Category {category[:40]!r} is not supported for {instance_type}: use one of "
                f"{', '.join(c for c in DISK_CATEGORIES if _sold_with(c, instance_type))}."
            )
        level = _performance_level(category, request.performance_level, where)
        low, high = _DATA_SIZES[_size_key(category, level)]
        size = request.size if request.size is not None else minimum
        if size < minimum:
            raise InvalidDiskSizeTooSmall(
                f"{where}.Size is {size} GiB, less than the {minimum} GiB of snapshot {snapshot_id}: give at least "
                f"{minimum}."
            )
        if not (low <= size <= high):
            raise InvalidDataDiskSizeValueNotSupported(
                f"{where}.Size is {size}; for {_label(category, level)} it must be from {low} to {high} GiB."
            )
        return DiskShape(
            disk_type="data",
            category=category,
            size=size,
            performance_level=level,
            device=device,
            name=_disk_name(request.name),
            description=_disk_description(request.description),
            encryption=self.encryption(request.encrypted, request.kms_key_id, where, inherited),
            delete_with_instance=True if request.delete_with_instance is None else request.delete_with_instance,
            source_snapshot_id=snapshot_id,
            image_id=image_id,
            bursting_enabled=bool(request.bursting_enabled) and category == "cloud_auto",
            provisioned_iops=(request.provisioned_iops or 0) if category == "cloud_auto" else 0,
            auto_snapshot_policy_id=request.auto_snapshot_policy_id or "",
        )

    def make_disk(self, shape: DiskShape, instance: Instance, now: float, transition: Transition | None) -> Disk:
        """A disk of ``shape``, attached to ``instance`` (and registered in the region)."""
        created = iso_time(now)
        disk = Disk(
            disk_id=self.new_id("d", self.disks),
            disk_type=shape.disk_type,
            category=shape.category,
            size=shape.size,
            device=shape.device,
            creation_time=created,
            zone_id=instance.zone_id,
            name=shape.name,
            description=shape.description,
            performance_level=shape.performance_level,
            encrypted=shape.encryption.encrypted,
            kms_key_id=shape.encryption.kms_key_id,
            delete_with_instance=shape.delete_with_instance,
            source_snapshot_id=shape.source_snapshot_id,
            image_id=shape.image_id,
            instance_id=instance.instance_id,
            attached_time=created,
            charge_type=instance.charge_type,
            expired_time=instance.expired_time,
            bursting_enabled=shape.bursting_enabled,
            provisioned_iops=shape.provisioned_iops,
            auto_snapshot_policy_id=shape.auto_snapshot_policy_id,
            tags=dict(instance.tags),
            transition=transition,
        )
        self.add_disk(disk)
        return disk

    def add_disk(self, disk: Disk) -> None:
        self.disks[disk.disk_id] = disk
        if disk.source_snapshot_id:
            index_add(self.disks_by_snapshot, disk.source_snapshot_id, disk.disk_id, disk)

    def _remove_disk(self, disk: Disk) -> None:
        del self.disks[disk.disk_id]
        if disk.source_snapshot_id:
            index_remove(self.disks_by_snapshot, disk.source_snapshot_id, disk.disk_id)

    def release_disks(self, instance: Instance) -> None:
        """What releasing ``instance`` does to its disks: deleted, or kept as ``Available`` pay-as-you-go disks."""
        now_text = iso_time(self.now())
        for disk in instance.disks:
            if disk.delete_with_instance or disk.disk_type == "system":
                self._remove_disk(disk)
                continue
            disk.instance_id = ""
            disk.device = ""
            disk.settled_status = "Available"
            disk.transition = None
            disk.detached_time = now_text
            disk.charge_type = "PostPaid"
            disk.expired_time = ""

    # DescribeDisks, DeleteDisk --------------------------------------------------------------------------
    def describe_disks(
        self,
        *,
        disk_ids: list[str] | None = None,
        instance_id: str | None = None,
        disk_type: str | None = None,
        zone_id: str | None = None,
        category: str | None = None,
        status: str | None = None,
        snapshot_id: str | None = None,
        portable: bool | None = None,
        encrypted: bool | None = None,
        kms_key_id: str | None = None,
        delete_with_instance: bool | None = None,
        name: str | None = None,
        charge_type: str | None = None,
        tags: TagFilter | None = None,
    ) -> Selection[Disk]:
        """Disks matching every filter: an instance's in device order, else the region's in creation order."""
        pool: Iterable[Disk]
        if disk_ids is not None:
            pool = [self.disks[d] for d in dict.fromkeys(disk_ids) if d in self.disks]
        elif instance_id is not None:
            owner = self.instances.get(instance_id)
            pool = list(owner.disks) if owner else []
        elif snapshot_id is not None:
            pool = list(self.disks_by_snapshot.get(snapshot_id, {}).values())
        else:
            pool = self.disks.values()
        matches = [
            d
            for d in pool
            if (instance_id is None or d.instance_id == instance_id)
            and (disk_type in (None, "all") or d.disk_type == disk_type)
            and (zone_id is None or d.zone_id == zone_id)
            and (category in (None, "all") or d.category == category)
            and (snapshot_id is None or d.source_snapshot_id == snapshot_id)
            and (portable is None or d.portable == portable)
            and (not encrypted or d.encrypted)
            and (kms_key_id is None or d.kms_key_id == kms_key_id)
            and (delete_with_instance is None or d.delete_with_instance == delete_with_instance)
            and (name is None or d.name == name)
            and (charge_type is None or d.charge_type == charge_type)
            and matches_tags(d.tags, tags)
            and (status in (None, "All") or self.disk_status(d) == status)
        ]
        return Selection(len(matches), matches)

    def delete_disk(self, disk_id: str, *, dry_run: bool = False) -> None:
        """Release a data disk that is not attached (an unknown ID is ignored, as the API does)."""
        disk = self.disks.get(disk_id)
        if disk is None:
            if dry_run:
                raise DryRunOperation()
            return
        status = self.disk_status(disk)
        if status != "Available":
            attached = f" (attached to {disk.instance_id} as {disk.device})" if disk.instance_id else ""
            raise IncorrectDiskStatus(
                f"The disk {disk_id} is {status}{attached}: only an Available disk can be released; release or "
                "detach it from its instance first."
            )
        if dry_run:
            raise DryRunOperation()
        self._remove_disk(disk)

    def detach_disk(self, instance_id: str, disk_id: str, *, dry_run: bool = False) -> None:
        """DetachDisk: a data disk leaves its Running or Stopped instance and becomes Available."""
        instance = self.instances.get(instance_id)
        if instance is None:
            raise InvalidInstanceIdNotFound(f"The instance {instance_id[:80]!r} does not exist in {self.region_id}.")
        disk = self.disks.get(disk_id)
        if disk is None:
            raise InvalidDiskIdNotFound(f"The disk {disk_id[:80]!r} does not exist in {self.region_id}.")
        if disk.instance_id != instance_id:
            raise IncorrectDiskStatus(f"The disk {disk_id} is not attached to {instance_id}.")
        if disk.disk_type == "system":
            raise IncorrectDiskStatus(f"The disk {disk_id} is the system disk of {instance_id}: it cannot be detached.")
        status = current_status(instance, self.now())
        if status not in ("Running", "Stopped"):
            raise IncorrectInstanceStatus(f"The instance {instance_id} is {status}: detach a disk when it is Running or Stopped.")
        if dry_run:
            raise DryRunOperation()
        instance.disks = [d for d in instance.disks if d.disk_id != disk_id]
        instance.view_cache = None
        disk.instance_id = ""
        disk.device = ""
        disk.settled_status = "Available"
        disk.transition = None
        disk.detached_time = iso_time(self.now())

    def load_disk(self, record: dict[str, Any], zone_id: str) -> Disk:
        disk = Disk.from_record(record, self.new_id("d", self.disks), iso_time(self.now()), zone_id)
        self.add_disk(disk)
        return disk


def _sold_with(category: str, instance_type: str) -> bool:
    return category != "cloud_essd_entry" or instance_type.startswith(_ENTRY_FAMILIES)


def _performance_level(category: str, level: str | None, where: str) -> str:
    if level is not None and level not in PERFORMANCE_LEVELS:
        raise InvalidPerformanceLevelMalformed(
            f"{where}.PerformanceLevel is {level[:20]!r}; use one of {', '.join(PERFORMANCE_LEVELS)}."
        )
    if category != "cloud_essd":
        return ""  # the performance level belongs to ESSDs only; other categories ignore it
    return level or "PL1"


def _label(category: str, level: str) -> str:
    return f"{category} {level}" if level else category


def _disk_name(name: str | None) -> str:
    if name is None:
        return ""
    check_disk_name(name, InvalidDiskNameMalformed)
    return name


def _disk_description(description: str | None) -> str:
    if description is None:
        return ""
    check_description(description, InvalidDiskDescriptionMalformed)
    return description

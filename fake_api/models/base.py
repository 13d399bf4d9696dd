"""The state one account holds in one region, which every resource family's rules work on."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..exceptions import InvalidResourceGroupNotFound
from .catalogue import RegionInfo
from .transitions import TransitionSetting

if TYPE_CHECKING:
    from . import Account, FakeCloud
    from .contention import NetworkHold
    from .deployment_sets import DeploymentSet
    from .disks import Disk
    from .images import Image
    from .instances import Instance
    from .key_pairs import KeyPair
    from .kms import KmsKey
    from .security_groups import SecurityGroup
    from .snapshots import Snapshot
    from .vpcs import Vpc, VSwitch

__all__ = ["DEFAULT_INSTANCE_QUOTA", "RegionState", "Selection", "index_add", "index_remove", "iso_time"]

DEFAULT_INSTANCE_QUOTA = 500

T = TypeVar("T")


def iso_time(epoch: float) -> str:
    """CreationTime as the API writes it: ISO 8601 UTC to the second."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


@dataclass(slots=True)
class Selection(Generic[T]):
    """The result of a describe before paging: how many match, and the matches in creation order.

    ``items`` may be a live dict view (no copy), so paging costs the page, not the region's size.
    """

    total: int
    items: Iterable[T]

    def page(self, offset: int, size: int) -> list[T]:
        return list(islice(self.items, offset, offset + size))


class RegionState:
    """Dicts in creation order, plus the indexes that keep describes proportional to the page they return."""

    def __init__(self, cloud: FakeCloud, access_key_id: str, region: RegionInfo) -> None:
        self.cloud = cloud
        self.access_key_id = access_key_id
        self.region = region
        self.region_id = region.region_id
        self.instance_quota = DEFAULT_INSTANCE_QUOTA
        self.vpcs: dict[str, Vpc] = {}
        self.vswitches: dict[str, VSwitch] = {}
        self.security_groups: dict[str, SecurityGroup] = {}
        self.images: dict[str, Image] = {}  # this account's own images; public ones live in the cloud
        self.instances: dict[str, Instance] = {}
        self.disks: dict[str, Disk] = {}  # every disk of the region, attached or not
        self.snapshots: dict[str, Snapshot] = {}
        self.kms_keys: dict[str, KmsKey] = {}
        self.key_pairs: dict[str, KeyPair] = {}  # by name: names are unique per region
        self.deployment_sets: dict[str, DeploymentSet] = {}
        # Indexes: id -> {member id: member}, each kept in creation order.
        self.vswitches_by_vpc: dict[str, dict[str, VSwitch]] = {}
        self.groups_by_vpc: dict[str, dict[str, SecurityGroup]] = {}
        self.instances_by_vpc: dict[str, dict[str, Instance]] = {}
        self.instances_by_vswitch: dict[str, dict[str, Instance]] = {}
        self.instances_by_group: dict[str, dict[str, Instance]] = {}
        self.instances_by_image: dict[str, dict[str, Instance]] = {}
        self.disks_by_snapshot: dict[str, dict[str, Disk]] = {}
        self.images_by_snapshot: dict[str, dict[str, Image]] = {}
        # ClientToken records: (action, token) -> (parameter fingerprint, original result).
        self.client_tokens: dict[tuple[str, str], tuple[list[list[str]], dict[str, Any]]] = {}
        # Busy for a while (see contention.py): objects being deleted (id -> (kind, time gone)), network
        # interfaces of released instances, changes and ClientTokens still being processed (id -> until).
        self.departures: dict[str, tuple[str, float]] = {}
        self.network_holds: list[NetworkHold] = []
        self.busy_until: dict[str, float] = {}
        self.tokens_processing: dict[tuple[str, str], float] = {}
        self.charge_orders: dict[str, float] = {}  # instance id -> until its change of billing is processed

    # Shared services ----------------------------------------------------------------------------------
    @property
    def account(self) -> Account:
        """The account this region's state belongs to (its RAM roles and resource groups are global)."""
        return self.cloud.accounts[self.access_key_id]

    def now(self) -> float:
        return self.cloud.clock()

    def find_image(self, image_id: str) -> Image | None:
        """An image this account can use here: its own, or a public one."""
        return self.images.get(image_id) or self.cloud.public_images(self.region_id).get(image_id)

    def check_resource_group(self, resource_group_id: str | None) -> str:
        """The resource group a new resource joins: the given one (it must exist), else the account's default."""
        groups = self.account.resource_groups
        if resource_group_id is None:
            return next(iter(groups))
        if resource_group_id not in groups:
            raise InvalidResourceGroupNotFound(
                f"ResourceGroupId {resource_group_id[:60]!r} is not a resource group of this account "
                f"(it has {', '.join(groups)})."
            )
        return resource_group_id

    def setting(self, kind: str) -> TransitionSetting:
        return self.cloud.transition_setting(kind)

    def new_id(self, prefix: str, taken: Iterable[str] | dict[str, Any]) -> str:
        return self.cloud.ids.new(prefix, self.region_id, taken if isinstance(taken, dict) else set(taken))


def index_add(index: dict[str, dict[str, T]], key: str, member_id: str, member: T) -> None:
    index.setdefault(key, {})[member_id] = member


def index_remove(index: dict[str, dict[str, T]], key: str, member_id: str) -> None:
    members = index.get(key)
    if members is not None:
        members.pop(member_id, None)
        if not members:
            del index[key]

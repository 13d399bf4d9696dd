"""State and rules of the fake cloud: accounts -> regions -> one backend per (account, region).

Nothing here knows about HTTP: :mod:`fake_api.dispatch` turns an action and its string parameters into
calls on these objects, and the wire layer turns the answers into HTTP.

Example::

    cloud = FakeCloud("demo")
    backend = cloud.backend("testid", "cn-hangzhou")
    [i.name for i in backend.instances.values()]      # ['web-1', 'web-2']
    cloud.set_profile("realistic", time_scale=1 / 60)  # an image takes 10 s, a copy 15 s, a launch 4 s
    cloud.set_transition("instance", "describes", 2)   # but new instances show Pending, Starting, then Running
    cloud.set_stock("cn-hangzhou", "cn-hangzhou-h", "ecs.g7.large", "WithoutStock")
    cloud.reset("empty")
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from ..exceptions import InvalidAccessKeyIdNotFound, InvalidRegionIdNotFound
from .account_resources import RamRole, ResourceGroup, default_resource_group
from .catalogue import INSTANCE_TYPES, PUBLIC_IMAGES, REGIONS, STOCK_CATEGORIES
from .ids import IdFactory
from .images import Image, public_image
from .profiles import DEFAULT_PROFILE, TimeProfile
from .region import RegionBackend
from .sts import SecurityTokenService
from .transitions import TransitionSetting

__all__ = ["DEFAULT_ACCESS_KEY_ID", "DEFAULT_SECRET", "SECRET_MASK", "WORLD_FORMAT", "Account", "FakeCloud", "RegionBackend"]

DEFAULT_ACCESS_KEY_ID = "testid"
DEFAULT_SECRET = "testsecret"
SECRET_MASK = "********"  # what a dump without secrets shows in place of each
WORLD_FORMAT = 1


class Account:
    """One AccessKeyId, its secret, its per-region backends (created on first use) and its global resources:
    RAM roles and resource groups (see :mod:`fake_api.models.account_resources`)."""

    __slots__ = ("access_key_id", "ram_roles", "regions", "resource_groups", "secret")

    def __init__(self, access_key_id: str, secret: str) -> None:
        self.access_key_id = access_key_id
        self.secret = secret
        self.regions: dict[str, RegionBackend] = {}
        self.ram_roles: dict[str, RamRole] = {}
        default_group = default_resource_group(access_key_id)
        self.resource_groups: dict[str, ResourceGroup] = {default_group.resource_group_id: default_group}

    def load(self, record: dict[str, Any]) -> None:
        """Add the global resources of an account record (the shape :meth:`dump` returns)."""
        for role in record.get("ram_roles") or []:
            loaded = RamRole.from_record(role, self.access_key_id)
            self.ram_roles[loaded.name] = loaded
        for group in record.get("resource_groups") or []:
            loaded_group = ResourceGroup.from_record(group)
            self.resource_groups[loaded_group.resource_group_id] = loaded_group

    def dump(self) -> dict[str, Any]:
        return {
            "ram_roles": [r.to_record() for r in self.ram_roles.values()],
            "resource_groups": [g.to_record() for g in self.resource_groups.values()],
        }


class FakeCloud:
    """All state: accounts (keyed by AccessKeyId) -> regions -> backends holding ECS and VPC resources.

    ``seed`` is ``"demo"``, ``"empty"`` or a world dict as :meth:`dump` returns it. ``clock`` gives the time
    in epoch seconds (tests pass a controllable one to drive ``seconds`` transitions). ``profile`` and
    ``time_scale`` say how long asynchronous operations take (:mod:`fake_api.models.profiles`; ``fast`` by
    default, ``instant`` for unit tests that want everything done at once); :meth:`reset` comes back to
    them unless the world names its own. Callers that touch state from several threads hold :attr:`lock`
    (``dispatch`` does).

    Example::

        cloud = FakeCloud("empty")
        cloud.add_account("otherid", "othersecret")
        cloud.set_quota("cn-hangzhou", 3)
        world = cloud.dump()
        FakeCloud(world).dump() == world      # True
    """

    def __init__(
        self,
        seed: str | dict[str, Any] | None = "demo",
        *,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        profile: str = DEFAULT_PROFILE,
        time_scale: float = 1.0,
    ) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.ids = IdFactory(rng)
        self.accounts: dict[str, Account] = {}
        self.default_profile = TimeProfile.checked(profile, time_scale)
        self.profile = self.default_profile
        self.transitions: dict[str, TransitionSetting] = {}
        # Stock levels that differ from the default "WithStock": (region, zone, type) -> StatusCategory.
        self.stock: dict[tuple[str, str, str], str] = {}
        self._public_images: dict[str, dict[str, Image]] = {}
        # Temporary credentials (STS): not part of the world a seed or dump() describes.
        self.sts = SecurityTokenService(lambda: self.clock())
        self.reset(seed)

    # Seeding ------------------------------------------------------------------------------------------
    def reset(self, seed: str | dict[str, Any] | None = "demo") -> None:
        """Forget everything and load ``seed``: "demo", "empty" (or None), or a world dict."""
        from ..seeds import world_named  # seeds describe worlds as plain data; imported late to stay acyclic

        if seed is None:
            seed = "empty"
        world = world_named(seed) if isinstance(seed, str) else seed
        if not isinstance(world, dict):
            raise TypeError(f"a seed is 'demo', 'empty' or a world dict, not {type(seed).__name__}")
        with self.lock:
            previous_secrets = {ak: account.secret for ak, account in self.accounts.items()}
            self.accounts = {}
            self.profile = self.default_profile
            self.transitions = {}
            self.stock = {}
            self.sts.reset()
            self._load(world, previous_secrets)

    def _load(self, world: dict[str, Any], previous_secrets: Mapping[str, str] | None = None) -> None:
        if world.get("format", WORLD_FORMAT) != WORLD_FORMAT:
            raise ValueError(f"world format {world.get('format')!r} is not supported: expected {WORLD_FORMAT}")
        profile = world.get("profile")
        if profile is not None:
            if not isinstance(profile, dict):
                raise ValueError(f'a world\'s "profile" is {{"name", "time_scale"}}, got {profile!r}')
            self.profile = TimeProfile.checked(profile.get("name"), profile.get("time_scale", 1.0))
        for kind, setting in (world.get("transitions") or {}).items():
            self.set_transition(kind, setting.get("mode", "immediate"), setting.get("value", 0))
        for entry in world.get("stock") or []:
            self.set_stock(entry["region_id"], entry["zone_id"], entry["instance_type"], entry["status_category"])
        accounts = world.get("accounts")
        if accounts is None:
            accounts = {DEFAULT_ACCESS_KEY_ID: {"secret": DEFAULT_SECRET, "regions": {}}}
        for access_key_id, account_record in accounts.items():
            secret = account_record.get("secret", DEFAULT_SECRET)
            if secret == SECRET_MASK:  # a world dumped with masked secrets keeps the accounts' own
                secret = (previous_secrets or {}).get(access_key_id) or DEFAULT_SECRET
            self.add_account(access_key_id, secret)
            self.accounts[access_key_id].load(account_record)
            for region_id, region_record in (account_record.get("regions") or {}).items():
                self.backend(access_key_id, region_id).load(region_record)

    def dump(self, *, secrets: bool = True) -> dict[str, Any]:
        """The whole state as JSON-able data; ``FakeCloud(cloud.dump())`` reproduces it.

        With ``secrets=False`` every account's secret is :data:`SECRET_MASK`; loading such a world keeps the
        secrets the accounts had (or the default one).
        """
        with self.lock:
            return {
                "format": WORLD_FORMAT,
                "profile": self.profile.to_record(),
                "transitions": {kind: s.to_record() for kind, s in sorted(self.transitions.items())},
                "stock": [
                    {"region_id": r, "zone_id": z, "instance_type": t, "status_category": c}
                    for (r, z, t), c in sorted(self.stock.items())
                ],
                "accounts": {
                    ak: {
                        "secret": account.secret if secrets else SECRET_MASK,
                        **account.dump(),
                        "regions": {rid: backend.dump() for rid, backend in account.regions.items()},
                    }
                    for ak, account in self.accounts.items()
                },
            }

    def scratch_copy(self) -> FakeCloud:
        """A copy of the whole cloud to try a call on (DryRun): the same state, clock and knobs, with the
        changes and tokens still being processed; changing it changes nothing here."""
        with self.lock:
            copy = FakeCloud(
                self.dump(), clock=self.clock, profile=self.default_profile.name, time_scale=self.default_profile.time_scale
            )
            for access_key_id, account in self.accounts.items():
                for region_id, backend in account.regions.items():
                    twin = copy.backend(access_key_id, region_id)
                    twin.busy_until = dict(backend.busy_until)
                    twin.tokens_processing = dict(backend.tokens_processing)
        return copy

    # Accounts -----------------------------------------------------------------------------------------
    def secret_for(self, access_key_id: str) -> str | None:
        """The secret of an account's AccessKeyId or of temporary credentials (STS), None when unknown."""
        account = self.accounts.get(access_key_id)
        if account is not None:
            return account.secret
        issued = self.sts.get(access_key_id)
        return issued.secret if issued else None

    def account_for(self, access_key_id: str) -> str:
        """The account a request signed with ``access_key_id`` acts in: its own, or the one temporary keys act for."""
        issued = self.sts.get(access_key_id)
        return issued.account if issued is not None else access_key_id

    def add_account(self, access_key_id: str, secret: str) -> None:
        if not access_key_id or not secret:
            raise ValueError("an account needs a non-empty AccessKeyId and secret")
        with self.lock:
            account = self.accounts.get(access_key_id)
            if account is None:
                self.accounts[access_key_id] = Account(access_key_id, secret)
            else:
                account.secret = secret

    def backend(self, access_key_id: str, region_id: str) -> RegionBackend:
        """The state of one account in one region; unknown regions raise ``InvalidRegionId.NotFound``."""
        account = self.accounts.get(access_key_id)
        if account is None:
            raise InvalidAccessKeyIdNotFound(f"The AccessKeyId {access_key_id[:40]!r} is not known to the fake.")
        backend = account.regions.get(region_id)
        if backend is None:
            region = REGIONS.get(region_id)
            if region is None:
                raise InvalidRegionIdNotFound(
                    f"The region {region_id[:60]!r} does not exist: use one of {', '.join(REGIONS)}."
                )
            backend = account.regions[region_id] = RegionBackend(self, access_key_id, region)
        backend.settle()  # objects whose deletion is over are gone before anyone looks
        return backend

    def public_images(self, region_id: str) -> dict[str, Image]:
        """The system images of a region (the same for every account)."""
        images = self._public_images.get(region_id)
        if images is None:
            images = self._public_images[region_id] = {i: public_image(info) for i, info in PUBLIC_IMAGES.items()}
        return images

    # Seeding single resources (each takes the record shape of dump(); missing IDs are generated) ------
    def seed_vpc(self, region_id: str, access_key_id: str = DEFAULT_ACCESS_KEY_ID, **record: Any) -> str:
        """Add a VPC, e.g. ``seed_vpc("cn-hangzhou", cidr_block="10.0.0.0/8", name="old")``; returns its ID."""
        with self.lock:
            return self.backend(access_key_id, region_id).load_vpc(record).vpc_id

    def seed_vswitch(self, region_id: str, access_key_id: str = DEFAULT_ACCESS_KEY_ID, **record: Any) -> str:
        """Add a vSwitch: ``vpc_id``, ``zone_id`` and ``cidr_block`` are needed."""
        with self.lock:
            return self.backend(access_key_id, region_id).load_vswitch(record).vswitch_id

    def seed_security_group(self, region_id: str, access_key_id: str = DEFAULT_ACCESS_KEY_ID, **record: Any) -> str:
        """Add a security group (``vpc_id`` empty for a classic-network group) with ``rules`` records."""
        with self.lock:
            return self.backend(access_key_id, region_id).load_security_group(record).group_id

    def seed_image(self, region_id: str, access_key_id: str = DEFAULT_ACCESS_KEY_ID, **record: Any) -> str:
        """Add a custom image of the account."""
        with self.lock:
            return self.backend(access_key_id, region_id).load_image(record).image_id

    def seed_kms_key(self, region_id: str, access_key_id: str = DEFAULT_ACCESS_KEY_ID, **record: Any) -> str:
        """Add a KMS key (``key_id``, ``description``, ``state`` Enabled/Disabled/PendingDeletion); returns its ID."""
        with self.lock:
            return self.backend(access_key_id, region_id).load_kms_key(record).key_id

    def seed_ram_role(self, access_key_id: str = DEFAULT_ACCESS_KEY_ID, **record: Any) -> str:
        """Add a RAM role to the account (``name``; ``services`` it trusts, default ECS); returns its ARN."""
        with self.lock:
            account = self._account(access_key_id)
            role = RamRole.from_record(record, access_key_id)
            account.ram_roles[role.name] = role
            return role.arn

    def seed_resource_group(self, access_key_id: str = DEFAULT_ACCESS_KEY_ID, **record: Any) -> str:
        """Add a resource group to the account (``resource_group_id`` rg-..., ``name``); returns its ID."""
        with self.lock:
            group = ResourceGroup.from_record(record)
            self._account(access_key_id).resource_groups[group.resource_group_id] = group
            return group.resource_group_id

    def _account(self, access_key_id: str) -> Account:
        account = self.accounts.get(access_key_id)
        if account is None:
            raise ValueError(f"unknown account {access_key_id!r}: add it first (add_account)")
        return account

    def seed_instance(self, region_id: str, access_key_id: str = DEFAULT_ACCESS_KEY_ID, **record: Any) -> str:
        """Add an instance as it already exists, bypassing RunInstances rules.

        Classic-network instances (no ``vswitch_id``, ``network_type="classic"``), instances whose
        ``image_id`` no longer exists, PrePaid instances (``charge_type``, ``period``, ``period_unit``,
        ``expired_time``) and any ``status`` are accepted. Example::

            cloud.seed_instance("cn-hangzhou", vswitch_id=DEMO_VSWITCH_ID, security_group_ids=[DEMO_SECURITY_GROUP_ID],
                                image_id="m-gone", private_ip="192.168.1.50", charge_type="PrePaid", period=1)
        """
        with self.lock:
            return self.backend(access_key_id, region_id).load_instance(record).instance_id

    # Knobs --------------------------------------------------------------------------------------------
    def transition_setting(self, kind: str) -> TransitionSetting:
        """How an operation of ``kind`` that starts now advances: its own setting, else the time profile's."""
        return self.transitions.get(kind) or TransitionSetting.lasting(self.profile.seconds(kind))

    def window(self, kind: str) -> float:
        """How long a window of time of ``kind`` lasts (see ``profiles.WINDOW_KINDS``): its own setting in
        seconds (``immediate``: none), else the time profile's."""
        setting = self.transitions.get(kind)
        if setting is None:
            return self.profile.seconds(kind)
        return setting.value if setting.mode == "seconds" else 0.0

    def copy_setting(self, source_region_id: str, destination_region_id: str) -> TransitionSetting:
        """How an image copy between two regions advances: slower the farther apart they are, unless set."""
        override = self.transitions.get("image_copy")
        if override is not None:
            return override
        return TransitionSetting.lasting(
            self.profile.copy_seconds(REGIONS[source_region_id], REGIONS[destination_region_id])
        )

    def set_profile(self, name: str, time_scale: float = 1.0) -> None:
        """Use the time profile ``name`` (instant, fast, realistic) scaled by ``time_scale`` for what starts now.

        Objects in flight keep the durations they started with; per-kind settings still win.
        """
        profile = TimeProfile.checked(name, time_scale)
        with self.lock:
            self.profile = profile

    def set_transition(self, kind: str, mode: str, value: float = 0) -> None:
        """How ``kind`` advances, whatever the profile: immediate, describes or seconds (see ``profiles``)."""
        setting = TransitionSetting.checked(kind, mode, value)
        with self.lock:
            self.transitions[kind] = setting

    def set_stock(self, region_id: str, zone_id: str, instance_type: str, status_category: str) -> None:
        """Stock of one type in one zone: WithStock, ClosedWithStock, WithoutStock or ClosedWithoutStock."""
        region = REGIONS.get(region_id)
        if region is None:
            raise ValueError(f"unknown region {region_id!r}: use one of {', '.join(REGIONS)}")
        if zone_id not in region.zone_ids:
            raise ValueError(f"unknown zone {zone_id!r} in {region_id}: use one of {', '.join(region.zone_ids)}")
        if instance_type not in INSTANCE_TYPES:
            raise ValueError(f"unknown instance type {instance_type!r}: see fake_api.models.catalogue.INSTANCE_TYPES")
        if status_category not in STOCK_CATEGORIES:
            raise ValueError(f"unknown stock category {status_category!r}: use one of {', '.join(STOCK_CATEGORIES)}")
        with self.lock:
            key = (region_id, zone_id, instance_type)
            if status_category == "WithStock":
                self.stock.pop(key, None)
            else:
                self.stock[key] = status_category

    def stock_category(self, region_id: str, zone_id: str, instance_type: str) -> str:
        return self.stock.get((region_id, zone_id, instance_type), "WithStock")

    def set_quota(self, region_id: str, instances: int, access_key_id: str = DEFAULT_ACCESS_KEY_ID) -> None:
        """At most ``instances`` instances for the account in the region (default 500)."""
        if isinstance(instances, bool) or not isinstance(instances, int) or instances < 0:
            raise ValueError(f"an instance quota is an integer >= 0, got {instances!r}")
        with self.lock:
            try:
                self.backend(access_key_id, region_id).instance_quota = instances
            except (InvalidAccessKeyIdNotFound, InvalidRegionIdNotFound) as error:
                raise ValueError(error.message) from None


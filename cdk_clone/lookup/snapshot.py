"""What a clone needs to know about its source instance, frozen at one point in time.

A :class:`SourceInstance` is either looked up over the API at synth time and cached in a context file
beside the app (:meth:`SourceInstance.lookup`), or written out in code. Either way the constructs only
ever read this snapshot, so synth is repeatable and works offline once the cache is filled.

Example::

    from cdk_clone import SourceInstance
    source = SourceInstance.lookup("i-bp1d3m0s0urce00001", "cn-hangzhou")
    source.vpc_cidr_block                         # '172.16.0.0/12'
    SourceInstance.model_validate_json(source.model_dump_json()) == source   # True
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["SNAPSHOT_FORMAT", "DiskSnapshot", "SecurityGroupRule", "SecurityGroupSnapshot", "SourceInstance"]

SNAPSHOT_FORMAT = 2
"""The shape of a snapshot in the context file. Format 1 (before disks' encryption, the key pair, RAM role,
user data, spot and the other settings were read) is refused as incomplete, so that no clone silently
misses what the snapshot never recorded."""


class _Snapshot(BaseModel):
    # Frozen: a snapshot is a value (hashable, shareable between clones); forbid: a typo in a context file
    # or in hand-written snapshots fails loudly instead of being ignored.
    model_config = ConfigDict(frozen=True, extra="forbid")


class SecurityGroupRule(_Snapshot):
    """One rule of a source security group, as the clone's replica group will re-create it.

    Example::

        SecurityGroupRule(direction="ingress", ip_protocol="tcp", port_range="22/22", cidr_ip="0.0.0.0/0")
    """

    direction: Literal["ingress", "egress"]
    ip_protocol: str
    port_range: str = "-1/-1"
    cidr_ip: str | None = None
    # The peer group of the rule: the source group for ingress, the destination group for egress.
    peer_security_group_id: str | None = None
    policy: Literal["accept", "drop"] = "accept"
    priority: int = Field(default=1, ge=1, le=100)
    nic_type: str = "intranet"
    description: str = ""

    @field_validator("ip_protocol")
    @classmethod
    def _lowercase_protocol(cls, value: str) -> str:
        # The API answers "TCP" or "tcp" depending on the call; comparisons and the replica use lowercase.
        return value.lower()

    @field_validator("policy", mode="before")
    @classmethod
    def _lowercase_policy(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value


class SecurityGroupSnapshot(_Snapshot):
    """A source security group and its rules.

    Example::

        SecurityGroupSnapshot(security_group_id="sg-bp1web", name="web", vpc_id="vpc-bp1main", rules=[...])
    """

    security_group_id: str
    name: str
    description: str = ""
    vpc_id: str | None
    rules: tuple[SecurityGroupRule, ...] = ()


class DiskSnapshot(_Snapshot):
    """A disk of the source instance (its system disk or a data disk).

    Example::

        DiskSnapshot(disk_id="d-bp1sys", kind="system", category="cloud_essd", size_gib=40, device="/dev/xvda",
                     performance_level="PL1")
        DiskSnapshot(disk_id="d-bp1logs", kind="data", category="cloud_essd", size_gib=100, device="/dev/xvdb",
                     encrypted=True, kms_key_id="key-hzz62f2cd1bbb6****", delete_with_instance=False)
    """

    disk_id: str
    kind: Literal["system", "data"]
    category: str
    size_gib: int = Field(ge=1)
    device: str = ""
    # ESSD performance level (PL0..PL3); None for other categories.
    performance_level: str | None = None
    encrypted: bool = False
    kms_key_id: str | None = None
    delete_with_instance: bool = True


class SourceInstance(_Snapshot):
    """Everything a clone needs to know about its source instance.

    Build it by hand (tests, offline apps) or look it up with :meth:`lookup`, which caches the answer in a
    context file so later synths are offline and repeatable.

    Example::

        source = SourceInstance(
            instance_id="i-bp1d3m0s0urce00001", region_id="cn-hangzhou", zone_id="cn-hangzhou-h",
            instance_type="ecs.g7.large", cpu=2, memory_mib=8192, image_id="ubuntu_22_04_x64_20G_alibase_20240101.vhd",
            image_visible=True, network_type="vpc", vpc_id="vpc-bp1main", vpc_cidr_block="172.16.0.0/12",
            vswitch_id="vsw-bp1main", vswitch_cidr_block="172.16.1.0/24", private_ip="172.16.1.10",
            instance_charge_type="PostPaid", security_groups=[...], instance_name="web-1",
            disks=[...], tags={"env": "demo"},
        )
    """

    instance_id: str
    region_id: str
    zone_id: str
    instance_type: str
    cpu: int = Field(ge=1)
    memory_mib: int = Field(ge=1)
    image_id: str
    # False when the image the instance booted from is no longer visible in DescribeImages (deleted, or a
    # shared/marketplace image): a same-region clone without instance data cannot boot from it.
    image_visible: bool
    network_type: Literal["vpc", "classic"]
    vpc_id: str | None
    vpc_cidr_block: str | None
    vswitch_id: str | None
    vswitch_cidr_block: str | None
    private_ip: str | None
    instance_charge_type: Literal["PostPaid", "PrePaid"]
    period: int | None = None
    period_unit: str | None = None
    security_groups: tuple[SecurityGroupSnapshot, ...]
    instance_name: str
    host_name: str | None = None
    disks: tuple[DiskSnapshot, ...]
    tags: dict[str, str]
    internet_max_bandwidth_out: int = 0
    # Everything below was added with snapshot format 2; the defaults are what RunInstances does without it.
    description: str = ""
    os_type: Literal["linux", "windows"] = "linux"
    key_pair_name: str | None = None
    ram_role_name: str | None = None
    # As DescribeUserData answers: Base64 (what RunInstances takes back).
    user_data: str | None = None
    deletion_protection: bool = False
    internet_charge_type: Literal["PayByTraffic", "PayByBandwidth"] = "PayByTraffic"
    internet_max_bandwidth_in: int | None = None
    auto_renew: bool = False
    auto_renew_period: int | None = None
    spot_strategy: Literal["NoSpot", "SpotWithPriceLimit", "SpotAsPriceGo"] = "NoSpot"
    spot_price_limit: float | None = None
    spot_duration: int | None = None
    resource_group_id: str | None = None
    deployment_set_id: str | None = None
    # Standard or Unlimited, for burstable (t5, t6) types only.
    credit_specification: str | None = None
    # Instance metadata service: "optional" or "required" tokens (IMDSv2), "enabled" or "disabled".
    http_tokens: str | None = None
    http_endpoint: str | None = None
    secondary_private_ip_count: int = 0
    ipv6_address_count: int = 0
    # ENIs attached beyond the primary one: not copied (they hold addresses of the source's network).
    secondary_network_interface_ids: tuple[str, ...] = ()

    def __hash__(self) -> int:
        # pydantic's frozen hash chokes on the dict field; the instance id and region identify a snapshot
        # well enough for set/dict use, and equality still compares every field.
        return hash((self.instance_id, self.region_id))

    @property
    def system_disk(self) -> DiskSnapshot | None:
        """The system disk, when the snapshot lists one."""
        return next((d for d in self.disks if d.kind == "system"), None)

    @property
    def data_disks(self) -> tuple[DiskSnapshot, ...]:
        """The data disks, in device order."""
        return tuple(d for d in self.disks if d.kind == "data")

    @property
    def security_group_ids(self) -> tuple[str, ...]:
        """The IDs of the source's security groups, in order."""
        return tuple(g.security_group_id for g in self.security_groups)

    @classmethod
    def lookup(
        cls,
        instance_id: str,
        region_id: str,
        *,
        context_file: Path | None = None,
        refresh: bool = False,
    ) -> SourceInstance:
        """Describe ``instance_id`` over the API, or read it from the context file where it is cached.

        The context file defaults to ``./cdk-clone.context.json``; ``refresh=True`` asks the API again
        and updates the cache. Credentials and endpoint come from the environment
        (``ALIBABA_CLOUD_ACCESS_KEY_ID``, ``ALIBABA_CLOUD_ACCESS_KEY_SECRET``, ``CDK_CLONE_ENDPOINT``).
        """
        # Imported here: the look-up pulls in the API client, which apps giving explicit snapshots never need.
        from cdk_clone.lookup.context import lookup_source_instance

        return lookup_source_instance(instance_id, region_id, context_file=context_file, refresh=refresh)

"""The network and security-group replicas that the clones of one owner share.

An :class:`~cdk_clone.constructs.InstanceClone` on its own owns a pool; a
:class:`~cdk_clone.constructs.CloneTask` owns one for all its sources, which is how two sources in one
VPC get one VPC replica, one vSwitch replica per source vSwitch and one replica per security group.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence

from cdk_clone._cdktf import Construct
from cdk_clone.bindings import EcsCloneProvider
from cdk_clone.constructs.errors import CloneConfigurationError
from cdk_clone.constructs.network import VpcReplica, VSwitchReplica, replica_vswitch_cidr
from cdk_clone.constructs.security_group import SecurityGroupReplica
from cdk_clone.lookup.snapshot import SecurityGroupSnapshot, SourceInstance

__all__ = ["ReplicaPool"]


def _creation_order(groups: Sequence[SecurityGroupSnapshot]) -> list[SecurityGroupSnapshot]:
    """Groups ordered so that a group comes after the groups its rules name (where there is no cycle)."""
    ids = {g.security_group_id for g in groups}
    needs = {
        g.security_group_id: {
            r.peer_security_group_id
            for r in g.rules
            if r.peer_security_group_id in ids and r.peer_security_group_id != g.security_group_id
        }
        for g in groups
    }
    order: list[SecurityGroupSnapshot] = []
    done: set[str] = set()
    remaining = list(groups)
    while remaining:
        ready = [g for g in remaining if needs[g.security_group_id] <= done]
        # A cycle (A names B, B names A): start with the first; its rules are added once the others exist.
        for group in ready or remaining[:1]:
            order.append(group)
            done.add(group.security_group_id)
        remaining = [g for g in remaining if g.security_group_id not in done]
    return order


class ReplicaPool:
    """Replicas made on demand, once each, under ``owner``."""

    def __init__(
        self, owner: Construct, sources: Sequence[SourceInstance], amounts: Mapping[str, int] | None = None
    ) -> None:
        self._owner = owner
        # Every source this pool serves, and how many clones each gets (what a vSwitch replica must hold).
        self._sources = list(sources)
        self._amounts = dict(amounts or {})
        self._vswitch_cidrs: dict[str, str] = {}
        # Every group of every source, once, by source VPC: a rule may name any group of the same VPC.
        self._groups_by_vpc: dict[str | None, list[SecurityGroupSnapshot]] = {}
        seen: set[str] = set()
        for source in sources:
            for group in source.security_groups:
                if group.security_group_id not in seen:
                    seen.add(group.security_group_id)
                    self._groups_by_vpc.setdefault(group.vpc_id or source.vpc_id, []).append(group)
        self._vpcs: dict[str, VpcReplica] = {}
        self._vswitches: dict[str, VSwitchReplica] = {}
        self._group_replicas: dict[tuple[str, str], SecurityGroupReplica] = {}

    def vpc(self, source: SourceInstance, provider: EcsCloneProvider) -> VpcReplica:
        """The replica of ``source``'s VPC (same CIDR block)."""
        if source.vpc_id is None or source.vpc_cidr_block is None:
            raise CloneConfigurationError(
                f"source instance {source.instance_id} has no VPC CIDR block in its snapshot: refresh the "
                "snapshot, or give destination_vpc_id and destination_vswitch_id"
            )
        replica = self._vpcs.get(source.vpc_id)
        if replica is None:
            replica = VpcReplica(
                self._owner,
                f"VpcReplica-{source.vpc_id}",
                source_vpc_id=source.vpc_id,
                cidr_block=source.vpc_cidr_block,
                provider=provider,
            )
            self._vpcs[source.vpc_id] = replica
        return replica

    def vswitch(
        self, source: SourceInstance, vpc: VpcReplica, zone_id: str, provider: EcsCloneProvider, *, amount: int = 1
    ) -> VSwitchReplica:
        """The replica of ``source``'s vSwitch in ``vpc`` and ``zone_id``: the same CIDR block, or a wider one
        when the clones of every source of the pool in that vSwitch need it (``amount``: the clones of
        ``source``, when the pool was not told)."""
        if source.vswitch_id is None or source.vswitch_cidr_block is None:
            raise CloneConfigurationError(
                f"source instance {source.instance_id} has no vSwitch CIDR block in its snapshot: refresh the "
                "snapshot, or give destination_vpc_id and destination_vswitch_id"
            )
        replica = self._vswitches.get(source.vswitch_id)
        if replica is None:
            self._amounts.setdefault(source.instance_id, amount)
            if source not in self._sources:
                self._sources.append(source)
            replica = VSwitchReplica(
                self._owner,
                f"VSwitchReplica-{source.vswitch_id}",
                source_vswitch_id=source.vswitch_id,
                cidr_block=self._vswitch_cidr(source),
                vpc_id=vpc.vpc_id,
                zone_id=zone_id,
                provider=provider,
            )
            self._vswitches[source.vswitch_id] = replica
        return replica

    def _vswitch_cidr(self, source: SourceInstance) -> str:
        """The CIDR block of the replica of ``source``'s vSwitch, planned with every other vSwitch replica of
        the same VPC replica, so that none of them, widened or not, overlaps another."""
        assert source.vswitch_id is not None and source.vswitch_cidr_block is not None
        if source.vswitch_id in self._vswitch_cidrs:
            return self._vswitch_cidrs[source.vswitch_id]
        neighbours = [s for s in self._sources if s.vpc_id == source.vpc_id and s.vswitch_cidr_block]
        members: dict[str, tuple[str, int]] = {}
        for member in neighbours:
            assert member.vswitch_id is not None and member.vswitch_cidr_block is not None
            cidr, clones = members.get(member.vswitch_id, (member.vswitch_cidr_block, 0))
            members[member.vswitch_id] = (cidr, clones + self._amounts.get(member.instance_id, 1))
        planned: dict[str, str] = {}
        for vswitch_id, (cidr, clones) in sorted(members.items()):
            planned[vswitch_id] = replica_vswitch_cidr(
                source_vswitch_id=vswitch_id,
                source_cidr=cidr,
                vpc_cidr=source.vpc_cidr_block or cidr,
                clones=clones,
                others=[(other, members[other][0]) for other in sorted(members) if other != vswitch_id],
            )
        widened = sorted(planned.items())
        for index, (first, first_cidr) in enumerate(widened):
            for second, second_cidr in widened[index + 1 :]:
                if ipaddress.ip_network(first_cidr).overlaps(ipaddress.ip_network(second_cidr)):
                    raise CloneConfigurationError(
                        f"the replicas of {first} and {second} must be widened to {first_cidr} and {second_cidr} "
                        "to hold their clones, and these blocks overlap in the VPC replica: give "
                        "destination_vpc_id and destination_vswitch_id, or clone fewer instances"
                    )
        self._vswitch_cidrs.update(planned)
        return planned[source.vswitch_id]

    def security_group_ids(
        self, source: SourceInstance, vpc_id: str, vpc_key: str, provider: EcsCloneProvider
    ) -> list[str]:
        """IDs of the replicas of ``source``'s groups in the destination VPC (``vpc_key`` names it)."""
        groups = self._groups_by_vpc.get(source.vpc_id, [])
        wanted = {g.security_group_id for g in source.security_groups}
        for group in groups:
            if group.security_group_id in wanted:
                break
        else:
            groups = list(source.security_groups)  # a source this pool was not told about up front
        self._replicate(groups, vpc_id, vpc_key, provider)
        return [self._group_replicas[(vpc_key, g.security_group_id)].security_group_id for g in source.security_groups]

    def _replicate(
        self, groups: Sequence[SecurityGroupSnapshot], vpc_id: str, vpc_key: str, provider: EcsCloneProvider
    ) -> None:
        if all((vpc_key, g.security_group_id) in self._group_replicas for g in groups):
            return
        pool_ids = {g.security_group_id for g in groups}
        waiting: list[SecurityGroupReplica] = []
        for group in _creation_order(groups):
            key = (vpc_key, group.security_group_id)
            if key in self._group_replicas:
                continue
            made = self._made(vpc_key)
            # A group that names a replicated group not made yet is in a cycle (A names B, B names A): it is
            # made bare, and its rules are added as separate resources once every group of the cycle exists.
            names_later = any(
                r.peer_security_group_id in pool_ids - set(made) - {group.security_group_id} for r in group.rules
            )
            replica = SecurityGroupReplica(
                self._owner,
                f"SecurityGroupReplica-{group.security_group_id}",
                source=group,
                vpc_id=vpc_id,
                provider=provider,
                peer_group_ids=made,
                separate_rules=names_later,
            )
            self._group_replicas[key] = replica
            if names_later:
                waiting.append(replica)
        for replica in waiting:
            replica.add_rules(self._made(vpc_key))

    def _made(self, vpc_key: str) -> dict[str, str]:
        """Source group ID -> its replica's ID, for the replicas made so far in the VPC ``vpc_key`` names."""
        return {
            source_id: replica.security_group_id
            for (key_vpc, source_id), replica in self._group_replicas.items()
            if key_vpc == vpc_key
        }

"""SecurityGroupReplica: a source security group and its rules, re-made in another VPC."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from cdk_clone._cdktf import Annotations, Construct, create_construct
from cdk_clone.bindings import EcsCloneProvider, EcscloneSecurityGroup, SecurityGroupEgress, SecurityGroupIngress
from cdk_clone.lookup.snapshot import SecurityGroupRule, SecurityGroupSnapshot

__all__ = ["SecurityGroupReplica", "describe_rule"]


def describe_rule(group_id: str, rule: SecurityGroupRule) -> str:
    """A rule as a person reads it, e.g. ``sg-1 ingress tcp 22/22 from sg-2 (accept, priority 1)``."""
    peer = rule.peer_security_group_id or rule.cidr_ip or "nowhere"
    way = "from" if rule.direction == "ingress" else "to"
    return f"{group_id} {rule.direction} {rule.ip_protocol} {rule.port_range} {way} {peer} ({rule.policy}, priority {rule.priority})"


class SecurityGroupReplica(Construct):
    """A security group in ``vpc_id`` with the source group's name, description and rules.

    A rule naming the source group itself becomes a rule naming the replica itself (``peer_is_self``).
    A rule naming another security group can only be kept when that group is replicated too (into the
    same VPC): pass ``peer_group_ids`` mapping source group IDs to their replicas' IDs. Rules whose peer
    cannot exist in the destination are left out, each with a synth warning naming the rule, and are
    listed in ``dropped_rules``. ``cyclic_peer_ids`` names replicated groups that cannot be referenced
    yet because the groups name each other (the message then says so).

    Example::

        web = SecurityGroupReplica(stack, "web", source=web_group, vpc_id=vpc.vpc_id, provider=shanghai)
        db = SecurityGroupReplica(stack, "db", source=db_group, vpc_id=vpc.vpc_id, provider=shanghai,
                                  peer_group_ids={web_group.security_group_id: web.security_group_id})
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        source: SecurityGroupSnapshot,
        vpc_id: str,
        provider: EcsCloneProvider,
        peer_group_ids: Mapping[str, str] | None = None,
        cyclic_peer_ids: Collection[str] = (),
    ) -> None:
        create_construct(self, scope, id)
        peers = dict(peer_group_ids or {})
        self._cyclic_peer_ids = frozenset(cyclic_peer_ids)
        self.source = source
        self.dropped_rules: list[SecurityGroupRule] = []
        ingress: list[SecurityGroupIngress] = []
        egress: list[SecurityGroupEgress] = []
        for rule in source.rules:
            peer_id: str | None = None
            # The replica cannot name its own not-yet-made ID (a Terraform cycle): the provider fills it in.
            names_itself = rule.peer_security_group_id == source.security_group_id
            if rule.peer_security_group_id is not None and not names_itself:
                peer_id = peers.get(rule.peer_security_group_id)
                if peer_id is None:
                    self._drop(rule, self._why_peer_is_missing(rule))
                    continue
            elif rule.cidr_ip is None and not names_itself:
                self._drop(rule, "it names neither an address range nor a security group (e.g. a prefix list)")
                continue
            description = rule.description or None
            if rule.direction == "ingress":
                ingress.append(
                    SecurityGroupIngress(
                        ip_protocol=rule.ip_protocol,
                        port_range=rule.port_range,
                        cidr_ip=rule.cidr_ip,
                        source_security_group_id=peer_id,
                        peer_is_self=names_itself or None,
                        policy=rule.policy,
                        priority=rule.priority,
                        nic_type=rule.nic_type,
                        description=description,
                    )
                )
            else:
                egress.append(
                    SecurityGroupEgress(
                        ip_protocol=rule.ip_protocol,
                        port_range=rule.port_range,
                        cidr_ip=rule.cidr_ip,
                        dest_security_group_id=peer_id,
                        peer_is_self=names_itself or None,
                        policy=rule.policy,
                        priority=rule.priority,
                        nic_type=rule.nic_type,
                        description=description,
                    )
                )
        self.security_group = EcscloneSecurityGroup(
            self,
            "SecurityGroup",
            vpc_id=vpc_id,
            security_group_name=source.name,
            description=source.description or f"cdk-clone replica of {source.security_group_id}",
            ingress=ingress,
            egress=egress,
            provider=provider,
        )
        self.security_group_id: str = self.security_group.id

    def _why_peer_is_missing(self, rule: SecurityGroupRule) -> str:
        if rule.peer_security_group_id in self._cyclic_peer_ids:
            return (
                f"its peer group {rule.peer_security_group_id} is replicated too, but the groups name each other "
                "and Terraform cannot create a dependency cycle; add it after deploy"
            )
        return (
            f"its peer group {rule.peer_security_group_id} is not replicated into the destination VPC "
            "(only groups of the cloned sources are)"
        )

    def _drop(self, rule: SecurityGroupRule, reason: str) -> None:
        self.dropped_rules.append(rule)
        Annotations.of(self).add_warning(
            f"security group replica of {self.source.security_group_id} leaves out the rule "
            f"[{describe_rule(self.source.security_group_id, rule)}]: {reason}"
        )

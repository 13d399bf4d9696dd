"""SecurityGroupReplica: a source security group and its rules, re-made in another VPC."""

from __future__ import annotations

from collections.abc import Mapping

from cdk_clone._cdktf import Annotations, Construct, create_construct
from cdk_clone.bindings import (
    EcsCloneProvider,
    EcscloneSecurityGroup,
    EcscloneSecurityGroupRule,
    SecurityGroupEgress,
    SecurityGroupIngress,
)
from cdk_clone.constructs._tree import adopt, path_of
from cdk_clone.constructs.errors import CloneConfigurationError
from cdk_clone.lookup.snapshot import SecurityGroupRule, SecurityGroupSnapshot

__all__ = ["SecurityGroupReplica", "describe_rule"]


def describe_rule(group_id: str, rule: SecurityGroupRule) -> str:
    """A rule as a person reads it, e.g. ``sg-1 ingress tcp 22/22 from sg-2 (accept, priority 1)``."""
    peer = rule.peer_security_group_id or rule.cidr_ip or "nowhere"
    way = "from" if rule.direction == "ingress" else "to"
    return f"{group_id} {rule.direction} {rule.ip_protocol} {rule.port_range} {way} {peer} ({rule.policy}, priority {rule.priority})"


class SecurityGroupReplica(Construct):
    """A security group in ``vpc_id`` with the source group's name, description and rules.

    A rule naming the source group itself becomes a rule naming the replica itself.
    A rule naming another security group can only be kept when that group is replicated too (into the
    same VPC): pass ``peer_group_ids`` mapping source group IDs to their replicas' IDs. Rules whose peer
    cannot exist in the destination are left out, each with a synth warning naming the rule, and are
    listed in ``dropped_rules``.

    Groups whose rules name each other (web allows db, db allows web) cannot all be created with their
    rules inline: each would need the other's ID first. Make one of them with ``separate_rules=True``:
    the group is created bare (``manage_rules = false``), and :meth:`add_rules` adds its rules as
    ``ecsclone_security_group_rule`` resources once every peer replica exists.

    Example::

        web = SecurityGroupReplica(stack, "web", source=web_group, vpc_id=vpc.vpc_id, provider=shanghai,
                                   separate_rules=True)
        db = SecurityGroupReplica(stack, "db", source=db_group, vpc_id=vpc.vpc_id, provider=shanghai,
                                  peer_group_ids={web_group.security_group_id: web.security_group_id})
        web.add_rules({db_group.security_group_id: db.security_group_id})
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
        separate_rules: bool = False,
    ) -> None:
        create_construct(self, scope, id)
        adopt(self, scope, id)
        self.source = source
        self.separate_rules = separate_rules
        self.dropped_rules: list[SecurityGroupRule] = []
        self._provider = provider
        self._rules_added = False
        ingress: list[SecurityGroupIngress] = []
        egress: list[SecurityGroupEgress] = []
        if not separate_rules:
            for rule, peer_id, names_itself in self._kept_rules(dict(peer_group_ids or {})):
                description = rule.description or None
                # The replica cannot name its own not-yet-made ID (a Terraform cycle): the provider fills it in.
                peer_is_self = names_itself or None
                if rule.direction == "ingress":
                    ingress.append(
                        SecurityGroupIngress(
                            ip_protocol=rule.ip_protocol,
                            port_range=rule.port_range,
                            cidr_ip=rule.cidr_ip,
                            source_security_group_id=peer_id,
                            peer_is_self=peer_is_self,
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
                            peer_is_self=peer_is_self,
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
            manage_rules=False if separate_rules else None,
            owner=f"{path_of(self)}/SecurityGroup",
            provider=provider,
        )
        self.security_group_id: str = self.security_group.id
        self.rules: list[EcscloneSecurityGroupRule] = []

    def add_rules(self, peer_group_ids: Mapping[str, str]) -> None:
        """Add the source's rules as rule resources of a ``separate_rules`` replica (once, when every peer exists).

        ``peer_group_ids`` maps source group IDs to their replicas' IDs, as for the constructor.
        """
        if not self.separate_rules:
            raise CloneConfigurationError(
                f"security group replica of {self.source.security_group_id} has its rules inline already; "
                "add_rules is for a replica made with separate_rules=True"
            )
        if self._rules_added:
            raise CloneConfigurationError(
                f"the rules of the security group replica of {self.source.security_group_id} were added already"
            )
        self._rules_added = True
        for index, (rule, peer_id, names_itself) in enumerate(self._kept_rules(dict(peer_group_ids))):
            self.rules.append(
                EcscloneSecurityGroupRule(
                    self,
                    f"Rule{index + 1}",
                    security_group_id=self.security_group_id,
                    direction=rule.direction,
                    ip_protocol=rule.ip_protocol,
                    port_range=rule.port_range,
                    cidr_ip=rule.cidr_ip,
                    # A separate rule may name its own group: the group exists before its rules.
                    peer_security_group_id=self.security_group_id if names_itself else peer_id,
                    policy=rule.policy,
                    priority=rule.priority,
                    nic_type=rule.nic_type,
                    description=rule.description or None,
                    provider=self._provider,
                )
            )

    def _kept_rules(self, peers: Mapping[str, str]) -> list[tuple[SecurityGroupRule, str | None, bool]]:
        """(rule, its peer replica's ID, whether it names its own group) for each rule that can be kept."""
        kept: list[tuple[SecurityGroupRule, str | None, bool]] = []
        for rule in self.source.rules:
            names_itself = rule.peer_security_group_id == self.source.security_group_id
            peer_id: str | None = None
            if rule.peer_security_group_id is not None and not names_itself:
                peer_id = peers.get(rule.peer_security_group_id)
                if peer_id is None:
                    self._drop(
                        rule,
                        f"its peer group {rule.peer_security_group_id} is not replicated into the destination VPC "
                        "(only groups of the cloned sources are)",
                    )
                    continue
            elif rule.cidr_ip is None and not names_itself:
                self._drop(rule, "it names neither an address range nor a security group (e.g. a prefix list)")
                continue
            kept.append((rule, peer_id, names_itself))
        return kept

    def _drop(self, rule: SecurityGroupRule, reason: str) -> None:
        self.dropped_rules.append(rule)
        Annotations.of(self).add_warning(
            f"security group replica of {self.source.security_group_id} leaves out the rule "
            f"[{describe_rule(self.source.security_group_id, rule)}]: {reason}"
        )

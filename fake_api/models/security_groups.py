"""Security groups and their rules: validation, de-duplication, exact-match revoke, delete dependencies."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import (
    AuthorizationLimitExceed,
    DependencyViolation,
    InvalidIpProtocolValueNotSupported,
    InvalidParameter,
    InvalidPolicyMalformed,
    InvalidPortRangeMalformed,
    InvalidPriorityValueNotSupported,
    InvalidSecurityGroupIdNotFound,
    InvalidSourceGroupIdMismatch,
    InvalidVpcIdNotFound,
    MissingParameter,
    MissingParameterDest,
    MissingParameterSource,
)
from .base import Selection, index_add, index_remove, iso_time
from .contention import ContentionRules
from .tags import TagFilter, matches_tags
from .validation import check_description, check_resource_tags, check_security_group_name, parse_network

__all__ = ["MAX_RULES_PER_GROUP", "Rule", "RuleSpec", "SecurityGroup", "SecurityGroupRules"]

MAX_RULES_PER_GROUP = 200
_PROTOCOLS = {"tcp": "TCP", "udp": "UDP", "icmp": "ICMP", "icmpv6": "ICMPv6", "gre": "GRE", "all": "ALL"}
_PORT_RANGE = re.compile(r"^(-?[0-9]{1,5})/(-?[0-9]{1,5})$")


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A rule as a caller writes it (Permissions.N.* or the flat legacy parameters), before validation."""

    ip_protocol: str = ""
    port_range: str = ""
    source_cidr_ip: str = ""
    source_group_id: str = ""
    source_prefix_list_id: str = ""
    dest_cidr_ip: str = ""
    dest_group_id: str = ""
    dest_prefix_list_id: str = ""
    policy: str = ""
    priority: str = ""
    nic_type: str = ""
    description: str = ""
    source_port_range: str = ""


@dataclass(slots=True)
class Rule:
    rule_id: str
    direction: str  # ingress | egress
    ip_protocol: str  # TCP, UDP, ICMP, ICMPv6, GRE, ALL
    port_range: str  # "22/22" or "-1/-1"
    policy: str  # Accept | Drop
    priority: int
    nic_type: str
    description: str
    creation_time: str
    source_cidr_ip: str = ""
    source_group_id: str = ""
    source_prefix_list_id: str = ""
    dest_cidr_ip: str = ""
    dest_group_id: str = ""
    dest_prefix_list_id: str = ""
    source_port_range: str = ""

    def key(self) -> tuple[str, ...]:
        """What makes two rules the same rule (the description does not)."""
        return (
            self.direction,
            self.ip_protocol,
            self.port_range,
            self.source_cidr_ip,
            self.source_group_id,
            self.source_prefix_list_id,
            self.dest_cidr_ip,
            self.dest_group_id,
            self.dest_prefix_list_id,
            self.policy,
            str(self.priority),
            self.nic_type,
            self.source_port_range,
        )

    @property
    def peer_group_id(self) -> str:
        return self.source_group_id or self.dest_group_id

    def to_record(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "direction": self.direction,
            "ip_protocol": self.ip_protocol,
            "port_range": self.port_range,
            "policy": self.policy,
            "priority": self.priority,
            "nic_type": self.nic_type,
            "description": self.description,
            "creation_time": self.creation_time,
            "source_cidr_ip": self.source_cidr_ip,
            "source_group_id": self.source_group_id,
            "source_prefix_list_id": self.source_prefix_list_id,
            "dest_cidr_ip": self.dest_cidr_ip,
            "dest_group_id": self.dest_group_id,
            "dest_prefix_list_id": self.dest_prefix_list_id,
            "source_port_range": self.source_port_range,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Rule:
        return cls(
            rule_id=record["rule_id"],
            direction=record["direction"],
            ip_protocol=record["ip_protocol"],
            port_range=record.get("port_range", "-1/-1"),
            policy=record.get("policy", "Accept"),
            priority=int(record.get("priority", 1)),
            nic_type=record.get("nic_type", "intranet"),
            description=record.get("description", ""),
            creation_time=record.get("creation_time", ""),
            source_cidr_ip=record.get("source_cidr_ip", ""),
            source_group_id=record.get("source_group_id", ""),
            source_prefix_list_id=record.get("source_prefix_list_id", ""),
            dest_cidr_ip=record.get("dest_cidr_ip", ""),
            dest_group_id=record.get("dest_group_id", ""),
            dest_prefix_list_id=record.get("dest_prefix_list_id", ""),
            source_port_range=record.get("source_port_range", ""),
        )


@dataclass(slots=True)
class SecurityGroup:
    group_id: str
    vpc_id: str  # "" for a classic-network group
    name: str
    description: str
    group_type: str
    creation_time: str
    tags: dict[str, str] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)

    def rule_keys(self) -> set[tuple[str, ...]]:
        return {r.key() for r in self.rules}

    def to_record(self) -> dict[str, Any]:
        return {
            "group_id": self.group_id,
            "vpc_id": self.vpc_id,
            "name": self.name,
            "description": self.description,
            "group_type": self.group_type,
            "creation_time": self.creation_time,
            "tags": dict(self.tags),
            "rules": [r.to_record() for r in self.rules],
        }


def _protocol(text: str) -> str:
    protocol = _PROTOCOLS.get(text.lower())
    if protocol is None:
        raise InvalidIpProtocolValueNotSupported(
            f"IpProtocol {text[:30]!r} is not supported: use TCP, UDP, ICMP, ICMPv6, GRE or ALL (any case)."
        )
    return protocol


def _port_range(protocol: str, text: str) -> str:
    if protocol in ("TCP", "UDP"):
        match = _PORT_RANGE.match(text)
        if not match:
            raise InvalidPortRangeMalformed(
                f"PortRange {text[:30]!r} is not valid for {protocol}: write start/end, e.g. 22/22 or 8000/8100."
            )
        start, end = int(match.group(1)), int(match.group(2))
        if not (1 <= start <= end <= 65535):
            raise InvalidPortRangeMalformed(
                f"PortRange {text} is not valid for {protocol}: ports are 1 to 65535 and start <= end."
            )
        return f"{start}/{end}"
    if text not in ("", "-1/-1"):
        raise InvalidPortRangeMalformed(f"PortRange for {protocol} must be -1/-1, got {text[:30]!r}.")
    return "-1/-1"


def _policy(text: str) -> str:
    if not text:
        return "Accept"
    lowered = text.lower()
    if lowered not in ("accept", "drop"):
        raise InvalidPolicyMalformed(f"Policy {text[:30]!r} is not valid: use accept or drop.")
    return lowered.capitalize()


def _priority(text: str) -> int:
    if not text:
        return 1
    if not text.strip().isdigit() or not text.strip().isascii() or not (1 <= int(text.strip()[:6]) <= 100):
        raise InvalidPriorityValueNotSupported(f"Priority {text[:30]!r} is not valid: use an integer from 1 to 100.")
    return int(text.strip())


def _cidr(text: str, what: str) -> str:
    if not text:
        return ""
    if "/" not in text:
        text = f"{text}/32"
    return str(parse_network(text, InvalidParameter, what))


class SecurityGroupRules(ContentionRules):
    """CreateSecurityGroup, Describe*, Modify, Authorize*, Revoke*, DeleteSecurityGroup."""

    def get_group(self, group_id: str) -> SecurityGroup:
        group = self.security_groups.get(group_id)
        if group is None:
            raise InvalidSecurityGroupIdNotFound(f"The security group {group_id[:80]!r} does not exist in {self.region_id}.")
        return group

    def create_security_group(
        self,
        vpc_id: str | None,
        name: str | None = None,
        description: str | None = None,
        group_type: str = "normal",
        tags: dict[str, str] | None = None,
    ) -> SecurityGroup:
        if vpc_id is not None:
            self._require_vpc(vpc_id)
        if name is not None:
            check_security_group_name(name)
        if description is not None:
            check_description(description)
        check_resource_tags(tags or {})
        if vpc_id is not None:
            self.check_vpc_available(self.vpcs[vpc_id])
        group = SecurityGroup(
            group_id=self.new_id("sg", self.security_groups),
            vpc_id=vpc_id or "",
            name=name or "",
            description=description or "",
            group_type=group_type,
            creation_time=iso_time(self.now()),
            tags=dict(tags or {}),
        )
        self._add_group(group)
        return group

    def _require_vpc(self, vpc_id: str) -> None:
        if vpc_id not in self.vpcs:
            raise InvalidVpcIdNotFound(f"The VPC {vpc_id[:80]!r} does not exist in {self.region_id}.")

    def _add_group(self, group: SecurityGroup) -> None:
        self.security_groups[group.group_id] = group
        if group.vpc_id:
            index_add(self.groups_by_vpc, group.vpc_id, group.group_id, group)

    def describe_security_groups(
        self,
        vpc_id: str | None = None,
        group_ids: list[str] | None = None,
        name: str | None = None,
        tags: TagFilter | None = None,
    ) -> Selection[SecurityGroup]:
        base: Any
        if group_ids is not None:
            base = [self.security_groups[g] for g in dict.fromkeys(group_ids) if g in self.security_groups]
        elif vpc_id is not None:
            base = self.groups_by_vpc.get(vpc_id, {}).values()
        else:
            base = self.security_groups.values()
        if group_ids is None and name is None and not tags:
            return Selection(len(base), base)
        matches = [
            g
            for g in base
            if (vpc_id is None or g.vpc_id == vpc_id)
            and (name is None or g.name == name)
            and matches_tags(g.tags, tags)
        ]
        return Selection(len(matches), matches)

    def modify_security_group(self, group_id: str, name: str | None, description: str | None) -> None:
        group = self.get_group(group_id)
        if name is not None:
            check_security_group_name(name)
        if description is not None:
            check_description(description)
        self.claim(group_id, "security group")
        if name is not None:
            group.name = name
        if description is not None:
            group.description = description

    def build_rule(self, group: SecurityGroup, direction: str, spec: RuleSpec) -> Rule:
        """Validate a rule as the API does and normalise it (protocol upper case, policy capitalised)."""
        if not spec.ip_protocol:
            raise MissingParameter("Every rule needs IpProtocol (TCP, UDP, ICMP, ICMPv6, GRE or ALL).")
        protocol = _protocol(spec.ip_protocol)
        port_range = _port_range(protocol, spec.port_range)
        policy = _policy(spec.policy)
        priority = _priority(spec.priority)
        nic_type = (spec.nic_type or "intranet").lower()
        if nic_type not in ("intranet", "internet"):
            raise InvalidParameter(f"NicType {spec.nic_type[:30]!r} is not valid: use intranet or internet.")
        if group.vpc_id:
            nic_type = "intranet"  # a VPC group only has intranet rules; the API ignores the other value
        if spec.description:
            check_description(spec.description)
        if direction == "ingress":
            peer_cidr, peer_group, peer_list = spec.source_cidr_ip, spec.source_group_id, spec.source_prefix_list_id
            if not (peer_cidr or peer_group or peer_list):
                raise MissingParameterSource(
                    "An ingress rule needs SourceCidrIp, SourceGroupId or SourcePrefixListId: name where traffic "
                    "comes from (0.0.0.0/0 for anywhere)."
                )
        else:
            peer_cidr, peer_group, peer_list = spec.dest_cidr_ip, spec.dest_group_id, spec.dest_prefix_list_id
            if not (peer_cidr or peer_group or peer_list):
                raise MissingParameterDest(
                    "An egress rule needs DestCidrIp or DestGroupId: name where traffic goes (0.0.0.0/0 for anywhere)."
                )
        cidr = _cidr(peer_cidr, "SourceCidrIp" if direction == "ingress" else "DestCidrIp")
        if peer_group:
            peer = self.get_group(peer_group)
            if peer.vpc_id != group.vpc_id:
                raise InvalidSourceGroupIdMismatch(
                    f"The peer security group {peer_group} is in VPC {peer.vpc_id or 'classic'}, not in "
                    f"{group.vpc_id or 'classic'} like {group.group_id}."
                )
        source_port_range = _port_range(protocol, spec.source_port_range) if spec.source_port_range else ""
        rule = Rule(
            rule_id=self.new_id("sgr", ()),
            direction=direction,
            ip_protocol=protocol,
            port_range=port_range,
            policy=policy,
            priority=priority,
            nic_type=nic_type,
            description=spec.description,
            creation_time=iso_time(self.now()),
            source_port_range=source_port_range,
        )
        if direction == "ingress":
            rule.source_cidr_ip, rule.source_group_id, rule.source_prefix_list_id = cidr, peer_group, peer_list
        else:
            rule.dest_cidr_ip, rule.dest_group_id, rule.dest_prefix_list_id = cidr, peer_group, peer_list
        return rule

    def authorize(self, group_id: str, direction: str, specs: list[RuleSpec]) -> list[Rule]:
        """Add rules; a rule that already exists succeeds and adds nothing. All or nothing on error."""
        group = self.get_group(group_id)
        rules = [self.build_rule(group, direction, spec) for spec in specs]
        existing = group.rule_keys()
        added: list[Rule] = []
        for rule in rules:
            if rule.key() in existing:
                continue
            existing.add(rule.key())
            added.append(rule)
        if len(group.rules) + len(added) > MAX_RULES_PER_GROUP:
            raise AuthorizationLimitExceed(
                f"The security group {group_id} would hold {len(group.rules) + len(added)} rules; "
                f"the limit is {MAX_RULES_PER_GROUP}."
            )
        self.claim(group_id, "security group")
        group.rules.extend(added)
        return added

    def revoke(self, group_id: str, direction: str, specs: list[RuleSpec], rule_ids: list[str]) -> int:
        """Remove the rules that match exactly (or by SecurityGroupRuleId); returns how many went."""
        group = self.get_group(group_id)
        keys = {self.build_rule(group, direction, spec).key() for spec in specs}
        wanted_ids = set(rule_ids)
        unknown = wanted_ids - {r.rule_id for r in group.rules if r.direction == direction}
        if unknown:
            raise InvalidParameter(
                f"The security group {group_id} has no {direction} rule {min(unknown)!r}."
            )
        self.claim(group_id, "security group")
        before = len(group.rules)
        group.rules = [
            r for r in group.rules if not (r.direction == direction and (r.key() in keys or r.rule_id in wanted_ids))
        ]
        return before - len(group.rules)

    def delete_security_group(self, group_id: str) -> None:
        group = self.get_group(group_id)
        users = self.instances_by_group.get(group_id)
        if users:
            raise DependencyViolation(
                f"There is still instance(s) in the specified security group. (the security group {group_id} is "
                f"used by instances {', '.join(list(users)[:5])}: delete them or move them to another group first)"
            )
        hold = self.network_hold(group_id=group_id)
        if hold is not None:
            raise DependencyViolation(
                f"There is still instance(s) in the specified security group. (the network interface of instance "
                f"{hold.instance_id}, released a moment ago, is still in the security group {group_id}: retry in "
                "a moment)"
            )
        for other in self.security_groups.values():
            if other.group_id != group_id and any(r.peer_group_id == group_id for r in other.rules):
                raise DependencyViolation(
                    f"The security group {group_id} is referenced by rules of {other.group_id}: revoke them first."
                )
        self.claim(group_id, "security group")
        del self.security_groups[group_id]
        if group.vpc_id:
            index_remove(self.groups_by_vpc, group.vpc_id, group_id)

    def load_security_group(self, record: dict[str, Any]) -> SecurityGroup:
        vpc_id = record.get("vpc_id") or ""
        if vpc_id and vpc_id not in self.vpcs:
            raise ValueError(f"security group record names VPC {vpc_id!r}, which the world does not hold")
        group = SecurityGroup(
            group_id=record.get("group_id") or self.new_id("sg", self.security_groups),
            vpc_id=vpc_id,
            name=record.get("name", ""),
            description=record.get("description", ""),
            group_type=record.get("group_type", "normal"),
            creation_time=record.get("creation_time") or iso_time(self.now()),
            tags=dict(record.get("tags") or {}),
            rules=[
                Rule.from_record({"rule_id": self.new_id("sgr", ()), **r}) if not r.get("rule_id") else Rule.from_record(r)
                for r in record.get("rules") or []
            ],
        )
        self._add_group(group)
        return group

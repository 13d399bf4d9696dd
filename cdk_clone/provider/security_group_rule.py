"""``ecsclone_security_group_rule``: one rule of a group created with ``manage_rules = false``.

Two replicated groups whose rules name each other (web allows db, db allows web) cannot each be created
with the other's ID inline: that is a dependency cycle. Their groups are created first with no rules, and
each rule is its own resource, created once both groups exist::

    resource "ecsclone_security_group" "web" { vpc_id = ..., manage_rules = false }
    resource "ecsclone_security_group" "db"  { vpc_id = ..., manage_rules = false }
    resource "ecsclone_security_group_rule" "db_from_web" {
      security_group_id      = ecsclone_security_group.db.id
      direction              = "ingress"
      ip_protocol            = "tcp"
      port_range             = "5432/5432"
      peer_security_group_id = ecsclone_security_group.web.id
    }

A rule is identified by its canonical form (the same one ``ecsclone_security_group`` compares rules in), so
its ID is also its import ID: ``sg-db:ingress:tcp:5432/5432:sg-web:accept:1:intranet``. Every input forces
a new rule: a changed rule is revoked and authorized again (the provider's action set has no
ModifySecurityGroupRule).
"""

from __future__ import annotations

from typing import Any, get_args

from tf.iface import Config, State
from tf.utils import Diagnostics

from cdk_clone.schema import SECURITY_GROUP_RULE

from ._resource import EcsCloneResource, ResourceError, if_exists, is_known, known_values, observed
from .security_group import (
    PEER_GROUP_FIELD,
    PROTOCOLS,
    Direction,
    RuleKey,
    canonical_rule,
    check_rule_settings,
    rule_from_api,
    rule_from_key,
    rule_label,
    send_rules,
)

__all__ = ["SecurityGroupRuleResource", "format_rule_id", "parse_rule_id"]

DIRECTIONS: tuple[Direction, ...] = get_args(Direction)
_ID_SHAPE = "<security group>:<direction>:<protocol>:<port range>:<peer>:<policy>:<priority>:<NIC type>"
_ID_EXAMPLE = "sg-db:ingress:tcp:5432/5432:sg-web:accept:1:intranet"


def format_rule_id(group_id: str, direction: Direction, key: RuleKey) -> str:
    """The rule's ID: its group, direction and canonical form; the description is not part of a rule's identity.

    Example::

        format_rule_id("sg-1", "ingress", canonical_rule("ingress", {"ip_protocol": "TCP", "port_range": "22/22",
                                                                   "cidr_ip": "0.0.0.0/0"}))
        # 'sg-1:ingress:tcp:22/22:0.0.0.0/0:accept:1:intranet'
    """
    protocol, port_range, cidr, peer_group, policy, priority, nic_type, _description = key
    return ":".join((group_id, direction, protocol, port_range, cidr or peer_group, policy, str(priority), nic_type))


def parse_rule_id(rule_id: str) -> tuple[str, Direction, RuleKey]:
    """(group, direction, canonical rule without description) from an ID made by :func:`format_rule_id`.

    Raises ``ValueError`` naming what is wrong, with the expected shape and an example.
    """
    parts = rule_id.strip().split(":")

    def refuse(problem: str) -> ValueError:
        return ValueError(
            f"{rule_id!r} is not an ecsclone_security_group_rule ID: {problem}. Expected {_ID_SHAPE}, "
            f"e.g. {_ID_EXAMPLE} (a peer is a CIDR block such as 0.0.0.0/0 or a security group ID)."
        )

    if len(parts) != 8:
        raise refuse(f"it has {len(parts)} ':'-separated parts, not 8")
    group_id, direction, protocol, port_range, peer, policy, priority_text, nic_type = parts
    if not group_id or not peer or not port_range or not nic_type:
        raise refuse("the group, port range, peer and NIC type cannot be empty")
    if direction not in DIRECTIONS:
        raise refuse(f"the direction is {direction!r}, not ingress or egress")
    if protocol.lower() not in PROTOCOLS:
        raise refuse(f"the protocol is {protocol!r}, not one of {', '.join(PROTOCOLS)}")
    if policy.lower() not in ("accept", "drop"):
        raise refuse(f"the policy is {policy!r}, not accept or drop")
    if not priority_text.isdigit():
        raise refuse(f"the priority is {priority_text!r}, not a whole number")
    # A group ID never holds a '/'; every CIDR block does.
    cidr, peer_group = (peer, "") if "/" in peer else ("", peer)
    key: RuleKey = (protocol.lower(), port_range, cidr, peer_group, policy.lower(), int(priority_text), nic_type, "")
    return group_id, direction, key


def _as_block(values: dict[str, Any]) -> dict[str, Any]:
    """The rule's values in the form of the group's rule block, which the shared rule helpers take."""
    direction: Direction = values["direction"]
    return {
        "ip_protocol": values.get("ip_protocol"),
        "port_range": values.get("port_range"),
        "cidr_ip": values.get("cidr_ip"),
        PEER_GROUP_FIELD[direction]: values.get("peer_security_group_id"),
        "policy": values.get("policy"),
        "priority": values.get("priority"),
        "nic_type": values.get("nic_type"),
        "description": values.get("description"),
    }


def _identity(key: RuleKey) -> RuleKey:
    """The key with the description blanked: what makes two rules the same rule."""
    protocol, port_range, cidr, peer_group, policy, priority, nic_type, _description = key
    return (protocol, port_range, cidr, peer_group, policy, priority, nic_type, "")


class SecurityGroupRuleResource(EcsCloneResource):
    """``resource "ecsclone_security_group_rule" "ssh" { security_group_id = ..., direction = "ingress", ... }``.

    Example::

        resource "ecsclone_security_group_rule" "web_to_db" {
          security_group_id      = ecsclone_security_group.web.id
          direction              = "egress"
          ip_protocol            = "tcp"
          port_range             = "5432/5432"
          peer_security_group_id = ecsclone_security_group.db.id
        }
    """

    spec = SECURITY_GROUP_RULE

    def check_config(self, diags: Diagnostics, config: Config) -> None:
        direction = config.get("direction")
        if is_known(direction) and direction not in DIRECTIONS:
            diags.add_error(
                "Invalid rule direction",
                f'direction = {direction!r}; use "ingress" (traffic into the group) or "egress" (traffic out of it).',
                path=["direction"],
            )
        label_direction = direction if direction in DIRECTIONS else "security group"
        check_rule_settings(diags, label_direction, dict(config), per_attribute=True)
        where = rule_label(label_direction, dict(config))
        cidr, peer_group = config.get("cidr_ip"), config.get("peer_security_group_id")
        if is_known(cidr) and is_known(peer_group):
            diags.add_error(
                "Rule with two peers",
                f"{where}: a rule has one peer; set either cidr_ip ({cidr}) or peer_security_group_id "
                f"({peer_group}), not both (write two rules for two peers).",
                path=["peer_security_group_id"],
            )
        # An Unknown peer (another resource's ID) is known by apply time: only a peer left out is an error.
        elif cidr is None and peer_group is None:
            diags.add_error(
                "Rule without a peer",
                f"{where}: set cidr_ip (e.g. 0.0.0.0/0) or peer_security_group_id (e.g. ecsclone_security_group"
                ".web.id): the source of ingress traffic, the destination of egress traffic.",
                path=["cidr_ip"],
            )

    def create_object(self, diags: Diagnostics, planned: State) -> dict[str, Any]:
        group_id, direction = planned["security_group_id"], planned["direction"]
        rule = _as_block(planned)
        # One Authorize call with one permission; a rule that already exists is accepted and not added twice.
        send_rules(self.client, "authorize", group_id, direction, [rule])
        return {**known_values(planned), "id": format_rule_id(group_id, direction, canonical_rule(direction, rule))}

    def read_object(self, diags: Diagnostics, current: State) -> dict[str, Any] | None:
        group_id, direction = current["security_group_id"], current["direction"]
        answer = if_exists(
            self.client.ecs, "DescribeSecurityGroupAttribute", {"SecurityGroupId": group_id, "Direction": direction}
        )
        if answer is None:
            return None  # the group is gone, and its rules with it
        key = canonical_rule(direction, _as_block(current))
        found = [
            rule
            for permission in answer.get("Permissions", {}).get("Permission", [])
            if str(permission.get("Direction", direction)).lower() == direction
            for rule in [rule_from_api(direction, permission)]
            if _identity(canonical_rule(direction, rule)) == _identity(key)
        ]
        if not found:
            return None  # revoked elsewhere: Terraform plans to authorize it again
        # Rules that differ only in description are one rule to the API; prefer the copy that matches.
        api_rule = next((r for r in found if canonical_rule(direction, r) == key), found[0])
        # Every other value stays as the configuration spells it (TCP, priority 1 written out): the rule was
        # found by its canonical form, so they are what the API has.
        return {
            **current,
            "id": format_rule_id(group_id, direction, key),
            "description": observed(current.get("description"), api_rule.get("description"), importing=self.importing),
        }

    def update_object(self, diags: Diagnostics, current: State, planned: State) -> dict[str, Any]:
        # Every input forces a new rule, so Terraform never asks for an update; if it does, nothing changes.
        return {**known_values(planned), "id": current["id"]}

    def delete_object(self, diags: Diagnostics, current: State) -> None:
        group_id, direction = current["security_group_id"], current["direction"]
        # A group (or peer group) already gone took the rule with it; a rule already revoked revokes nothing.
        if_exists(send_rules, self.client, "revoke", group_id, direction, [_as_block(current)])

    def import_object(self, diags: Diagnostics, object_id: str) -> dict[str, Any] | None:
        try:
            group_id, direction, key = parse_rule_id(object_id)
        except ValueError as error:
            raise ResourceError(
                "Invalid ecsclone_security_group_rule import ID", f"{error}. The ID is the rule's id in the state."
            ) from error
        # The shortest spelling a user would write: defaults (port range -1/-1, accept, priority 1) left out.
        block = rule_from_key(direction, key)
        state = {
            "id": object_id,
            "security_group_id": group_id,
            "direction": direction,
            "ip_protocol": block["ip_protocol"],
            "port_range": block["port_range"],
            "cidr_ip": block["cidr_ip"],
            "peer_security_group_id": block[PEER_GROUP_FIELD[direction]],
            "policy": block["policy"],
            "priority": block["priority"],
            "nic_type": block["nic_type"],
            "description": None,
        }
        return self.read_object(diags, state)

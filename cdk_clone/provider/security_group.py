"""``ecsclone_security_group``: a group with all its rules, created and changed in as few calls as possible.

Rules are compared in a canonical form (lowercase protocol and policy, defaults filled in), so the second
plan after an apply shows no change however the API spells a rule, and an update revokes and authorizes
only the difference. Reading keeps the user's own spelling of each rule that is still there, and writes
rules that appeared elsewhere in the shortest form a user would write (defaults left out).

A rule with ``peer_is_self = true`` names the group itself as its peer (a configuration cannot name the
group's own ID before the group exists): it is sent with the group's ID as SourceGroupId/DestGroupId, and
in canonical form its peer is that ID, so it equals the same rule written with the ID spelled out.

With ``manage_rules = false`` the group leaves every rule alone: its rules are ``ecsclone_security_group_rule``
resources (see :mod:`.security_group_rule`), which use the helpers here for the same canonical form, checks
and API encoding.

Example::

    canonical_rule("ingress", {"ip_protocol": "TCP", "port_range": "22/22", "cidr_ip": "0.0.0.0/0"})
    # ('tcp', '22/22', '0.0.0.0/0', '', 'accept', 1, 'intranet', '')
    canonical_rule("ingress", {"ip_protocol": "all", "peer_is_self": True}, group_id="sg-1")
    # ('all', '-1/-1', '', 'sg-1', 'accept', 1, 'intranet', '')
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from tf.iface import Config, State
from tf.utils import Diagnostics

from cdk_clone.schema import SECURITY_GROUP

from ._adoption import create_by_generation, find_owned, ownership_of, ownership_tags, retag_owner
from ._resource import EcsCloneResource, if_exists, is_known, known_values, observed

if TYPE_CHECKING:
    from cdk_clone.api import AlibabaCloudClient
    from cdk_clone.ownership import Ownership

__all__ = [
    "DEFAULT_PORT_RANGE",
    "PEER_GROUP_FIELD",
    "PROTOCOLS",
    "Direction",
    "RuleKey",
    "RuleVerb",
    "SecurityGroupResource",
    "api_permission",
    "canonical_rule",
    "check_rule",
    "check_rule_settings",
    "rule_difference",
    "rule_from_api",
    "rule_from_key",
    "rule_label",
    "rules_for_state",
    "send_rules",
]

Direction = Literal["ingress", "egress"]
RuleVerb = Literal["authorize", "revoke"]
# (protocol, port range, peer CIDR, peer group, policy, priority, NIC type, description)
RuleKey = tuple[str, str, str, str, str, int, str, str]

PROTOCOLS = ("tcp", "udp", "icmp", "gre", "all")
DEFAULT_PORT_RANGE = "-1/-1"
# The name of a rule block's peer group attribute: the traffic's source (ingress) or destination (egress).
PEER_GROUP_FIELD: dict[Direction, str] = {"ingress": "source_security_group_id", "egress": "dest_security_group_id"}
_API_PEER = {"ingress": ("SourceCidrIp", "SourceGroupId"), "egress": ("DestCidrIp", "DestGroupId")}
_DEFAULTS = {
    "port_range": DEFAULT_PORT_RANGE,
    "policy": "accept",
    "priority": 1,
    "nic_type": "intranet",
    "description": "",
}
_ACTIONS: dict[tuple[RuleVerb, Direction], str] = {
    ("authorize", "ingress"): "AuthorizeSecurityGroup",
    ("authorize", "egress"): "AuthorizeSecurityGroupEgress",
    ("revoke", "ingress"): "RevokeSecurityGroup",
    ("revoke", "egress"): "RevokeSecurityGroupEgress",
}
_MAX_PERMISSIONS_PER_CALL = 100


def canonical_rule(direction: Direction, rule: dict[str, Any], *, group_id: str | None = None) -> RuleKey:
    """The rule with every default filled in and case folded: two rules are the same rule iff equal.

    ``group_id`` is the ID of the group the rule belongs to; a ``peer_is_self`` rule needs it.
    """
    priority = rule.get("priority")
    peer_group = rule.get(PEER_GROUP_FIELD[direction])
    if rule.get("peer_is_self") is True:
        if group_id is None:
            raise ValueError("canonical_rule: a peer_is_self rule needs the group's own ID (group_id=...)")
        peer_group = group_id
    return (
        str(rule.get("ip_protocol") or "").lower(),
        str(rule.get("port_range") or _DEFAULTS["port_range"]),
        str(rule.get("cidr_ip") or ""),
        str(peer_group or ""),
        str(rule.get("policy") or _DEFAULTS["policy"]).lower(),
        int(priority) if priority is not None and priority != "" else 1,
        str(rule.get("nic_type") or _DEFAULTS["nic_type"]),
        str(rule.get("description") or ""),
    )


def rule_from_api(direction: Direction, permission: dict[str, Any]) -> dict[str, Any]:
    """A DescribeSecurityGroupAttribute permission in configuration form, defaults left out (null)."""
    cidr_field, group_field = _API_PEER[direction]
    key = canonical_rule(
        direction,
        {
            "ip_protocol": permission.get("IpProtocol"),
            "port_range": permission.get("PortRange"),
            "cidr_ip": permission.get(cidr_field),
            PEER_GROUP_FIELD[direction]: permission.get(group_field),
            "policy": permission.get("Policy"),
            "priority": permission.get("Priority"),
            "nic_type": permission.get("NicType"),
            "description": permission.get("Description"),
        },
    )
    return rule_from_key(direction, key)


def rule_from_key(direction: Direction, key: RuleKey) -> dict[str, Any]:
    """A canonical rule in configuration form (rule block attributes), defaults left out (null)."""
    protocol, port_range, cidr, group, policy, priority, nic_type, description = key
    return {
        "ip_protocol": protocol,
        "port_range": None if port_range == _DEFAULTS["port_range"] else port_range,
        "cidr_ip": cidr or None,
        PEER_GROUP_FIELD[direction]: group or None,
        "peer_is_self": None,
        "policy": None if policy == _DEFAULTS["policy"] else policy,
        "priority": None if priority == _DEFAULTS["priority"] else priority,
        "nic_type": None if nic_type == _DEFAULTS["nic_type"] else nic_type,
        "description": description or None,
    }


def rules_for_state(
    direction: Direction, actual: list[dict[str, Any]], prior: list[dict[str, Any]], *, group_id: str
) -> list[dict[str, Any]]:
    """The state's rule blocks for the rules ``actual``ly in group ``group_id`` (configuration form).

    A rule that is also in ``prior`` keeps exactly the prior spelling (nulls, upper case, ``peer_is_self``
    for a rule naming the group itself), so Terraform sees no change; any other rule is new drift and is
    written with its defaults left out (a rule naming the group itself then spells out its ID).
    """
    by_key = {canonical_rule(direction, rule, group_id=group_id): rule for rule in prior}
    result: list[dict[str, Any]] = []
    seen: set[RuleKey] = set()
    for rule in actual:
        key = canonical_rule(direction, rule, group_id=group_id)
        if key in seen:
            continue
        seen.add(key)
        result.append(dict(by_key.get(key, rule)))
    return result


def rule_difference(
    direction: Direction, actual: list[dict[str, Any]], wanted: list[dict[str, Any]], *, group_id: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(rules to revoke, rules to authorize) to turn ``actual`` into ``wanted`` in group ``group_id``.

    The rules come back in canonical form; a rule naming the group itself spells out ``group_id``.
    """
    have = {canonical_rule(direction, r, group_id=group_id) for r in actual}
    want = {canonical_rule(direction, r, group_id=group_id) for r in wanted}
    revoke = [rule_from_key(direction, k) for k in sorted(have - want)]
    authorize = [rule_from_key(direction, k) for k in sorted(want - have)]
    return revoke, authorize


def check_rule(diags: Diagnostics, direction: Direction, rule: dict[str, Any]) -> None:
    """Report the ways a rule block would be refused by the API, pointing at the block."""
    where = rule_label(direction, rule)
    check_rule_settings(diags, direction, rule)
    peer_group = PEER_GROUP_FIELD[direction]
    peer_is_self = rule.get("peer_is_self")
    if peer_is_self is True:
        others = [name for name in ("cidr_ip", peer_group) if is_known(rule.get(name))]
        if others:
            diags.add_error(
                "Rule with two peers",
                f"{where}: peer_is_self = true names the group itself as the peer; remove "
                f"{' and '.join(others)} (or set peer_is_self to false).",
                path=[direction],
            )
    # An unknown peer_is_self (from another resource) may still turn out true: no complaint yet.
    elif peer_is_self in (None, False) and rule.get("cidr_ip") is None and rule.get(peer_group) is None:
        diags.add_error(
            "Rule without a peer",
            f"{where}: set cidr_ip (e.g. 0.0.0.0/0), {peer_group} or peer_is_self = true.",
            path=[direction],
        )


def rule_label(direction: str, rule: dict[str, Any]) -> str:
    """How an error message names a rule: its direction, protocol and ports."""
    return f"{direction} rule {rule.get('ip_protocol')}/{rule.get('port_range') or DEFAULT_PORT_RANGE}"


def check_rule_settings(
    diags: Diagnostics, direction: str, rule: dict[str, Any], *, per_attribute: bool = False
) -> None:
    """Report a protocol, port range, policy, priority or NIC type the API would refuse (not the peer).

    Errors point at the rule's block (``ingress``/``egress``), or with ``per_attribute`` at the attribute at
    fault, as for a standalone ``ecsclone_security_group_rule``.
    """

    def at(name: str) -> list[str]:
        return [name] if per_attribute else [direction]

    where = rule_label(direction, rule)
    protocol = rule.get("ip_protocol")
    if is_known(protocol) and str(protocol).lower() not in PROTOCOLS:
        diags.add_error(
            "Invalid rule protocol",
            f"{where}: ip_protocol = {protocol!r}; use one of {', '.join(PROTOCOLS)} (any case).",
            path=at("ip_protocol"),
        )
        return
    port_range = rule.get("port_range")
    if is_known(protocol) and (port_range is None or is_known(port_range)):
        _check_port_range(diags, at("port_range"), where, str(protocol).lower(), port_range)
    policy = rule.get("policy")
    if is_known(policy) and str(policy).lower() not in ("accept", "drop"):
        diags.add_error("Invalid rule policy", f"{where}: policy = {policy!r}; use accept or drop.", path=at("policy"))
    priority: Any = rule.get("priority")
    if is_known(priority) and not (1 <= priority <= 100 and float(priority).is_integer()):
        diags.add_error(
            "Invalid rule priority",
            f"{where}: priority = {priority}; use a whole number from 1 (highest) to 100.",
            path=at("priority"),
        )
    nic_type = rule.get("nic_type")
    if is_known(nic_type) and nic_type not in ("intranet", "internet"):
        diags.add_error(
            "Invalid rule NIC type", f"{where}: nic_type = {nic_type!r}; in a VPC use intranet.", path=at("nic_type")
        )


def _check_port_range(diags: Diagnostics, path: list[str], where: str, protocol: str, port_range: Any) -> None:
    if protocol in ("tcp", "udp"):
        parts = str(port_range or "").split("/")
        valid = len(parts) == 2 and all(p.isdigit() for p in parts)
        if valid:
            low, high = int(parts[0]), int(parts[1])
            valid = 1 <= low <= high <= 65535
        if not valid:
            diags.add_error(
                "Invalid rule port range",
                f'{where}: a {protocol} rule needs port_range "from/to" with 1 <= from <= to <= 65535, '
                f'e.g. "22/22" or "8000/8080"; got {port_range!r}.',
                path=path,
            )
    elif port_range not in (None, "-1/-1"):
        diags.add_error(
            "Invalid rule port range",
            f'{where}: a {protocol} rule covers every port: leave port_range out or write "-1/-1".',
            path=path,
        )


def api_permission(direction: Direction, rule: dict[str, Any], group_id: str) -> dict[str, Any]:
    """One ``Permissions.N`` entry of an Authorize/Revoke call for a rule block of group ``group_id``."""
    protocol, port_range, cidr, group, policy, priority, nic_type, description = canonical_rule(
        direction, rule, group_id=group_id
    )
    cidr_field, group_field = _API_PEER[direction]
    return {
        "IpProtocol": protocol,
        "PortRange": port_range,
        cidr_field: cidr or None,
        group_field: group or None,
        "Policy": policy,
        "Priority": priority,
        "NicType": nic_type,
        "Description": description or None,
    }


def send_rules(
    client: AlibabaCloudClient,
    verb: RuleVerb,
    group_id: str,
    direction: Direction,
    rules: list[dict[str, Any]],
    *,
    timeout: float = 300.0,
) -> None:
    """Authorize or revoke ``rules`` (configuration form) in group ``group_id``, up to 100 rules a call.

    Authorize calls carry a ClientToken (a retried call adds nothing twice); a revoke is idempotent anyway.
    A call refused because another change of the group is being processed (OperationConflict: rule
    resources of one group applied at once) is sent again, for up to ``timeout`` seconds.

    Example::

        send_rules(client, "authorize", "sg-1", "ingress", [{"ip_protocol": "tcp", "port_range": "22/22",
                                                             "cidr_ip": "0.0.0.0/0"}])
    """
    from cdk_clone.api import CONFLICT_CODES, poll_interval, retry_while_busy

    action = _ACTIONS[(verb, direction)]
    permissions = [api_permission(direction, r, group_id) for r in rules]
    # One call carries up to 100 rules (Permissions.N): a group with 30 rules costs one call, not 30.
    for start in range(0, len(permissions), _MAX_PERMISSIONS_PER_CALL):
        chunk = permissions[start : start + _MAX_PERMISSIONS_PER_CALL]
        retry_while_busy(
            partial(
                client.ecs, action, {"SecurityGroupId": group_id, "Permissions": chunk}, idempotent=verb == "authorize"
            ),
            codes=CONFLICT_CODES,
            timeout=timeout,
            what=f"{verb} {direction} rules of security group {group_id}",
            interval=max(poll_interval(1.0), 0.05),
        )


class SecurityGroupResource(EcsCloneResource):
    """``resource "ecsclone_security_group" "web" { vpc_id = ..., ingress { ip_protocol = "tcp" ... } }``.

    With ``manage_rules = false`` the group has no rule blocks and never authorizes or revokes: its rules are
    ``ecsclone_security_group_rule`` resources, so two groups can name each other without a cycle.
    """

    spec = SECURITY_GROUP

    def check_config(self, diags: Diagnostics, config: Config) -> None:
        if config.get("manage_rules") is False:
            given = [d for d in ("ingress", "egress") if isinstance(config.get(d), list) and config.get(d)]
            if given:
                diags.add_error(
                    "Rule blocks in a group with manage_rules = false",
                    "manage_rules = false: the rules of this group are ecsclone_security_group_rule resources; "
                    f"remove the ingress/egress blocks (this group has {' and '.join(given)} blocks), or set "
                    "manage_rules = true to keep them here.",
                    path=[given[0]],
                )
            return
        for direction in ("ingress", "egress"):
            rules = config.get(direction)
            if isinstance(rules, list):
                for rule in rules:
                    if isinstance(rule, dict):
                        check_rule(diags, direction, rule)

    def create_object(self, diags: Diagnostics, planned: State) -> dict[str, Any]:
        ownership = ownership_of(self, planned)
        # A group an interrupted run made for this owner in this VPC is taken over, and its rules made right.
        adopted = (
            next(iter(find_owned(self.client, "securitygroup", ownership, within={"VpcId": planned["vpc_id"]})), None)
            if ownership
            else None
        )
        group_id = adopted["SecurityGroupId"] if adopted else self._create(planned, ownership)
        state = {**known_values(planned), "id": group_id}
        # Until every rule is in, the state records no rules: a failure leaves a tainted group to replace.
        self.partial_state = {**state, "ingress": [], "egress": []}
        if _manages_rules(planned):
            if adopted:
                self._make_rules_right(group_id, planned)
            else:
                for direction in ("ingress", "egress"):
                    send_rules(self.client, "authorize", group_id, direction, planned.get(direction) or [])
        return state

    def _create(self, planned: State, ownership: Ownership | None) -> str:
        params = {
            "VpcId": planned["vpc_id"],
            "SecurityGroupName": planned.get("security_group_name"),
            "Description": planned.get("description"),
            "Tag": ownership_tags(ownership) or None,
        }
        from cdk_clone.api import NETWORK_BUSY_CODES

        return self.when_free(  # a VPC made outside this apply may still be Pending
            lambda: create_by_generation(
                ownership,
                "CreateSecurityGroup",
                create=lambda token: str(
                    self.client.ecs("CreateSecurityGroup", {**params, "ClientToken": token}, idempotent=True)[
                        "SecurityGroupId"
                    ]
                ),
                exists=lambda group_id: self._describe(group_id) is not None,
                pause=self.provider.poll_interval,
            ),
            codes=NETWORK_BUSY_CODES,
            state=planned,
            operation="create",
            what=f"create a security group in VPC {planned['vpc_id']}",
        )

    def read_object(self, diags: Diagnostics, current: State) -> dict[str, Any] | None:
        group = self._describe(current["id"])
        if group is None:
            return None
        permissions = group.get("Permissions", {}).get("Permission", [])
        state: dict[str, Any] = {
            "id": current["id"],
            "vpc_id": group.get("VpcId") or current.get("vpc_id"),
            "security_group_name": observed(
                current.get("security_group_name"), group.get("SecurityGroupName"), importing=self.importing
            ),
            "description": observed(current.get("description"), group.get("Description"), importing=self.importing),
            "manage_rules": current.get("manage_rules"),
            "owner": current.get("owner"),
            "timeouts": current.get("timeouts"),
        }
        if not _manages_rules(current):
            # The rules belong to ecsclone_security_group_rule resources: none of them is this group's drift.
            return {**state, "ingress": [], "egress": []}
        for direction in ("ingress", "egress"):
            actual = [
                rule_from_api(direction, p)
                for p in permissions
                if str(p.get("Direction", "ingress")).lower() == direction
            ]
            state[direction] = rules_for_state(direction, actual, current.get(direction) or [], group_id=current["id"])
        return state

    def update_object(self, diags: Diagnostics, current: State, planned: State) -> dict[str, Any]:
        group_id = current["id"]
        name, description = planned.get("security_group_name"), planned.get("description")
        if (name, description) != (current.get("security_group_name"), current.get("description")):
            self.client.ecs(
                "ModifySecurityGroupAttribute",
                {"SecurityGroupId": group_id, "SecurityGroupName": name, "Description": description},
            )
        if planned.get("owner") != current.get("owner"):
            retag_owner(self.client, "securitygroup", [group_id], ownership_of(self, planned))
        if _manages_rules(planned):
            self._make_rules_right(group_id, planned)
        return {**known_values(planned), "id": group_id}

    def _make_rules_right(self, group_id: str, planned: State) -> None:
        """Revoke and authorize only what differs between the group's rules and the planned ones."""
        group = self._describe(group_id)
        permissions = (group or {}).get("Permissions", {}).get("Permission", [])
        for direction in ("ingress", "egress"):
            actual = [
                rule_from_api(direction, p) for p in permissions if str(p.get("Direction", "ingress")).lower() == direction
            ]
            revoke, authorize = rule_difference(direction, actual, planned.get(direction) or [], group_id=group_id)
            send_rules(self.client, "revoke", group_id, direction, revoke)
            send_rules(self.client, "authorize", group_id, direction, authorize)

    def delete_object(self, diags: Diagnostics, current: State) -> None:
        from cdk_clone.api import CONFLICT_CODES, DELETE_DEPENDENCY_CODES

        group_id = current["id"]
        # Instances released a moment ago may still be attached for a while.
        if_exists(
            lambda: self.when_free(
                lambda: self.client.ecs("DeleteSecurityGroup", {"SecurityGroupId": group_id}),
                codes=(*DELETE_DEPENDENCY_CODES, *CONFLICT_CODES),
                state=current,
                operation="delete",
                what=f"delete security group {group_id}",
            )
        )
        self.wait_gone(
            lambda: self._describe(group_id),
            timeout=self.timeout(current, "delete"),
            what=f"security group {group_id} to be deleted",
        )

    def _describe(self, group_id: str) -> dict[str, Any] | None:
        return if_exists(self.client.ecs, "DescribeSecurityGroupAttribute", {"SecurityGroupId": group_id})


def _manages_rules(values: State) -> bool:
    """Whether the group's blocks are its rules (manage_rules null or true) rather than rule resources."""
    return values.get("manage_rules") is not False

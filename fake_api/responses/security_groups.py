"""Security group actions: create, describe (list and attribute), modify, authorize, revoke, delete."""

from __future__ import annotations

from typing import Any

from ..exceptions import InvalidParameter, MissingParameter
from ..models.security_groups import Rule, RuleSpec, SecurityGroup
from .base import ECS_VERSION, Request, action, encode_token, paged, token_window
from .params import Params

__all__ = ["render_rule"]

# Permissions.N.<Field> (and the flat legacy names) -> RuleSpec attribute.
_RULE_FIELDS = {
    "IpProtocol": "ip_protocol",
    "PortRange": "port_range",
    "SourceCidrIp": "source_cidr_ip",
    "SourceGroupId": "source_group_id",
    "SourcePrefixListId": "source_prefix_list_id",
    "DestCidrIp": "dest_cidr_ip",
    "DestGroupId": "dest_group_id",
    "DestPrefixListId": "dest_prefix_list_id",
    "Policy": "policy",
    "Priority": "priority",
    "NicType": "nic_type",
    "Description": "description",
    "SourcePortRange": "source_port_range",
}


def _spec(values: dict[str, str]) -> RuleSpec:
    return RuleSpec(**{attr: values.get(name, "") for name, attr in _RULE_FIELDS.items()})


def _rule_specs(p: Params, *, required: bool) -> list[RuleSpec]:
    """Rules from Permissions.N.* (batch form) and/or the flat legacy parameters (IpProtocol, PortRange, ...)."""
    specs = [_spec(entry) for entry in p.indexed_objects("Permissions", high=100)]
    if "IpProtocol" in p:
        specs.append(_spec({name: p.raw.get(name, "") for name in _RULE_FIELDS}))
    if required and not specs:
        raise MissingParameter("Give at least one rule: Permissions.N.IpProtocol (and its peer), or IpProtocol.")
    return specs


def render_rule(group: SecurityGroup, rule: Rule) -> dict[str, Any]:
    return {
        "SecurityGroupRuleId": rule.rule_id,
        "Direction": rule.direction,
        "IpProtocol": rule.ip_protocol,
        "PortRange": rule.port_range,
        "SourcePortRange": rule.source_port_range,
        "SourceCidrIp": rule.source_cidr_ip,
        "SourceGroupId": rule.source_group_id,
        "SourceGroupName": "",
        "SourceGroupOwnerAccount": "",
        "SourcePrefixListId": rule.source_prefix_list_id,
        "DestCidrIp": rule.dest_cidr_ip,
        "DestGroupId": rule.dest_group_id,
        "DestGroupName": "",
        "DestGroupOwnerAccount": "",
        "DestPrefixListId": rule.dest_prefix_list_id,
        "Ipv6SourceCidrIp": "",
        "Ipv6DestCidrIp": "",
        "Policy": rule.policy,
        "Priority": str(rule.priority),
        "NicType": rule.nic_type,
        "Description": rule.description,
        "CreateTime": rule.creation_time,
    }


def render_group(request: Request, group: SecurityGroup) -> dict[str, Any]:
    backend = request.backend()
    return {
        "SecurityGroupId": group.group_id,
        "SecurityGroupName": group.name,
        "Description": group.description,
        "VpcId": group.vpc_id,
        "SecurityGroupType": group.group_type,
        "CreationTime": group.creation_time,
        "EcsCount": len(backend.instances_by_group.get(group.group_id, {})),
        "AvailableInstanceAmount": 2000,
        "ServiceManaged": False,
        "ResourceGroupId": "",
        "Tags": {"Tag": [{"TagKey": k, "TagValue": v} for k, v in group.tags.items()]},
    }


@action(ECS_VERSION, "CreateSecurityGroup")
def create_security_group(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    group_type = p.choice("SecurityGroupType", ("normal", "enterprise"), "normal") or "normal"
    group = backend.create_security_group(
        p.text("VpcId"), p.text("SecurityGroupName"), p.text("Description"), group_type, p.tags()
    )
    return {"SecurityGroupId": group.group_id}


@action(ECS_VERSION, "DescribeSecurityGroups")
def describe_security_groups(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    ids = p.json_list("SecurityGroupIds")
    single = p.text("SecurityGroupId")
    if single is not None:
        ids = [single] if ids is None else [i for i in ids if i == single]
    selection = backend.describe_security_groups(
        vpc_id=p.text("VpcId"), group_ids=ids, name=p.text("SecurityGroupName"), tags=p.tag_filters()
    )

    def rows(offset: int, size: int) -> list[dict[str, Any]]:
        return [render_group(request, g) for g in selection.page(offset, size)]

    groups, paging = paged(p, selection.total, rows, max_size=100, allow_token=True)
    return {"SecurityGroups": {"SecurityGroup": groups}, "RegionId": backend.region_id, **paging}


@action(ECS_VERSION, "DescribeSecurityGroupAttribute")
def describe_security_group_attribute(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    group = backend.get_group(p.required("SecurityGroupId"))
    direction = p.choice("Direction", ("ingress", "egress", "all"), "all")
    nic_type = p.choice("NicType", ("internet", "intranet"))
    rules = [
        r
        for r in group.rules
        if (direction == "all" or r.direction == direction) and (nic_type is None or r.nic_type == nic_type)
    ]
    p.integer("MaxResults", None, low=10, high=1000)
    body: dict[str, Any] = {
        "SecurityGroupId": group.group_id,
        "SecurityGroupName": group.name,
        "Description": group.description,
        "VpcId": group.vpc_id,
        "RegionId": backend.region_id,
        "InnerAccessPolicy": "Accept",
    }
    window = token_window(p, default_size=500, max_size=1000)
    if window is not None:
        offset, size = window
        page = rules[offset : offset + size]
        body["NextToken"] = encode_token(offset + len(page)) if offset + len(page) < len(rules) else ""
        rules = page
    body["Permissions"] = {"Permission": [render_rule(group, r) for r in rules]}
    return body


@action(ECS_VERSION, "ModifySecurityGroupAttribute")
def modify_security_group_attribute(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    backend.modify_security_group(p.required("SecurityGroupId"), p.text("SecurityGroupName"), p.text("Description"))
    return {}


def _authorize(request: Request, direction: str) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    backend.authorize(p.required("SecurityGroupId"), direction, _rule_specs(p, required=True))
    return {}


@action(ECS_VERSION, "AuthorizeSecurityGroup")
def authorize_security_group(request: Request) -> dict[str, Any]:
    return _authorize(request, "ingress")


@action(ECS_VERSION, "AuthorizeSecurityGroupEgress")
def authorize_security_group_egress(request: Request) -> dict[str, Any]:
    return _authorize(request, "egress")


def _revoke(request: Request, direction: str) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    rule_ids = p.indexed("SecurityGroupRuleId", high=100)
    specs = _rule_specs(p, required=not rule_ids)
    if not specs and not rule_ids:
        raise InvalidParameter("Name the rules to revoke: Permissions.N.*, the flat rule fields, or SecurityGroupRuleId.N.")
    backend.revoke(p.required("SecurityGroupId"), direction, specs, rule_ids)
    return {}


@action(ECS_VERSION, "RevokeSecurityGroup")
def revoke_security_group(request: Request) -> dict[str, Any]:
    return _revoke(request, "ingress")


@action(ECS_VERSION, "RevokeSecurityGroupEgress")
def revoke_security_group_egress(request: Request) -> dict[str, Any]:
    return _revoke(request, "egress")


@action(ECS_VERSION, "DeleteSecurityGroup")
def delete_security_group(request: Request) -> dict[str, Any]:
    p = request.params
    backend = request.backend()
    backend.delete_security_group(p.required("SecurityGroupId"))
    return {}

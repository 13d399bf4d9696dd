"""Fast, in-process tests of the provider's pure logic: no Terraform, no fake cloud."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tf.gen import tfplugin_pb2 as pb
from tf.iface import ImportContext
from tf.types import Unknown
from tf.utils import Diagnostics

from cdk_clone.provider._images import check_image_name, scratch_image_name
from cdk_clone.provider._provider import EcsClonePlugin
from cdk_clone.provider._schema_bridge import complete_state, tf_schema
from cdk_clone.provider._similar import InstanceTypeSpec, choose_similar, family_parts
from cdk_clone.provider._timeouts import parse_duration, timeout_seconds
from cdk_clone.provider.image_copy import copy_name_candidates
from cdk_clone.provider.instance_group import (
    InstanceGroupResource,
    expand_name,
    follows_pattern,
    instance_tags,
    observed_name,
    observed_tags,
    stock_status,
)
from cdk_clone.provider.security_group import (
    Direction,
    SecurityGroupResource,
    canonical_rule,
    rule_difference,
    rule_from_api,
    rules_for_state,
)
from cdk_clone.provider.security_group_rule import SecurityGroupRuleResource, format_rule_id, parse_rule_id
from cdk_clone.provider.vpc import VpcResource
from cdk_clone.provider.vswitch import VSwitchResource
from cdk_clone.schema import IMAGE, INSTANCE_GROUP, RESOURCES, SECURITY_GROUP, SECURITY_GROUP_RULE, VPC

Nesting = pb.Schema.NestedBlock.NestingMode


# ---- schema bridge ---------------------------------------------------------------------------------------


def test_every_resource_schema_converts_and_keeps_flags() -> None:
    for spec in RESOURCES.values():
        block = tf_schema(spec).to_pb().block
        attributes = {a.name: a for a in block.attributes}
        assert set(attributes) == {f.name for f in spec.fields}
        for field in spec.fields:
            assert bool(attributes[field.name].required) == field.required, field.name
            assert bool(attributes[field.name].computed) == field.computed, field.name


def test_timeouts_is_a_single_block_and_rules_are_set_blocks() -> None:
    blocks = {b.type_name: b for b in tf_schema(SECURITY_GROUP).to_pb().block.block_types}
    assert blocks["timeouts"].nesting == Nesting.SINGLE
    assert blocks["ingress"].nesting == Nesting.SET
    assert blocks["egress"].nesting == Nesting.SET


def test_force_new_fields_require_replacement() -> None:
    attributes = {a.name: a for a in tf_schema(VPC).attributes}
    assert attributes["cidr_block"].requires_replace
    assert not attributes["vpc_name"].requires_replace


def test_single_block_round_trips_null_and_values() -> None:
    timeouts = {b.type_name: b for b in tf_schema(VPC).block_types}["timeouts"]
    assert timeouts.encode(None) is None
    value = {"create": "5m", "update": None, "delete": None}
    assert timeouts.decode(timeouts.encode(value)) == value
    assert timeouts.semantically_equal(value, dict(value))


def test_complete_state_fills_every_key_and_rejects_strangers() -> None:
    state = complete_state(SECURITY_GROUP, {"id": "sg-1"})
    assert state["ingress"] == [] and state["timeouts"] is None and state["vpc_id"] is None
    with pytest.raises(KeyError, match="nonsense"):
        complete_state(SECURITY_GROUP, {"nonsense": 1})


# ---- timeouts --------------------------------------------------------------------------------------------


def test_durations_parse_like_terraform() -> None:
    assert parse_duration("90s") == 90
    assert parse_duration("10m") == 600
    assert parse_duration("1h30m") == 5400


@pytest.mark.parametrize("text", ["", "10", "ten minutes", "5d", "m"])
def test_bad_durations_say_what_is_accepted(text: str) -> None:
    with pytest.raises(ValueError, match='e.g. "10m"'):
        parse_duration(text)


def test_timeout_defaults_come_from_the_schema() -> None:
    assert timeout_seconds(IMAGE, {"timeouts": None}, "create") == IMAGE.default_timeouts["create"]
    assert timeout_seconds(IMAGE, {"timeouts": {"create": "2m"}}, "create") == 120


def test_bad_timeout_is_reported_on_its_attribute() -> None:
    diags = Diagnostics()
    VpcResource(EcsClonePlugin()).validate(diags, "ecsclone_vpc", {"cidr_block": None, "timeouts": {"create": "x"}})
    assert [d.path for d in diags.diagnostics] == [["timeouts", "create"]]


# ---- similar instance types ------------------------------------------------------------------------------


def spec(name: str, cpu: int, memory: float) -> InstanceTypeSpec:
    return InstanceTypeSpec(name, cpu, memory)


def test_same_size_wins_over_same_family() -> None:
    wanted = spec("ecs.g7.large", 2, 8)
    stock = [spec("ecs.g7.xlarge", 4, 16), spec("ecs.c6.large", 2, 4), spec("ecs.g6.large", 2, 8)]
    assert choose_similar(wanted, stock) == spec("ecs.g6.large", 2, 8)


def test_same_family_letter_then_nearest_newer_generation() -> None:
    wanted = spec("ecs.g7.large", 2, 8)
    stock = [
        spec("ecs.r7.large", 2, 8),
        spec("ecs.g5.large", 2, 8),
        spec("ecs.g8.large", 2, 8),
        spec("ecs.g6.large", 2, 8),
    ]
    assert choose_similar(wanted, stock).name == "ecs.g8.large"  # type: ignore[union-attr]


def test_nearest_larger_when_no_same_size() -> None:
    wanted = spec("ecs.g7.large", 2, 8)
    stock = [spec("ecs.g7.4xlarge", 16, 64), spec("ecs.g7.xlarge", 4, 16), spec("ecs.c7.large", 2, 4)]
    assert choose_similar(wanted, stock).name == "ecs.g7.xlarge"  # type: ignore[union-attr]


def test_no_similar_type_when_all_are_smaller_or_the_same_type() -> None:
    wanted = spec("ecs.g7.large", 2, 8)
    assert choose_similar(wanted, [spec("ecs.g7.large", 2, 8), spec("ecs.t5.small", 1, 1)]) is None


def test_choice_does_not_depend_on_order() -> None:
    wanted = spec("ecs.g7.large", 2, 8)
    stock = [spec("ecs.g6.large", 2, 8), spec("ecs.g6e.large", 2, 8), spec("ecs.hfg7.large", 2, 8)]
    assert choose_similar(wanted, stock) == choose_similar(wanted, list(reversed(stock)))


def test_family_parts() -> None:
    assert family_parts("ecs.g7ne.large") == ("g", 7)
    assert family_parts("weird") == ("", 0)


def test_stock_status_reads_the_zone_asked_for() -> None:
    answer = {
        "AvailableZones": {
            "AvailableZone": [
                {
                    "ZoneId": "cn-shanghai-b",
                    "AvailableResources": {
                        "AvailableResource": [
                            {
                                "Type": "InstanceType",
                                "SupportedResources": {
                                    "SupportedResource": [
                                        {
                                            "Value": "ecs.g7.large",
                                            "Status": "SoldOut",
                                            "StatusCategory": "WithoutStock",
                                        },
                                        {"Value": "ecs.g6.large", "Status": "Available", "StatusCategory": "WithStock"},
                                        {"Value": "ecs.c6.large", "Status": "Available"},
                                    ]
                                },
                            }
                        ]
                    },
                },
                {"ZoneId": "cn-shanghai-a", "AvailableResources": {"AvailableResource": []}},
            ]
        }
    }
    assert stock_status(answer, "cn-shanghai-b") == {
        "ecs.g7.large": "WithoutStock",
        "ecs.g6.large": "WithStock",
        "ecs.c6.large": "WithStock",
    }
    assert stock_status(answer, "cn-shanghai-a") == {}


# ---- security group rules --------------------------------------------------------------------------------


def test_rules_compare_case_and_defaults_insensitively() -> None:
    given = {"ip_protocol": "TCP", "port_range": "22/22", "cidr_ip": "0.0.0.0/0"}
    from_api = rule_from_api(
        "ingress",
        {
            "Direction": "ingress",
            "IpProtocol": "TCP",
            "PortRange": "22/22",
            "SourceCidrIp": "0.0.0.0/0",
            "Policy": "Accept",
            "Priority": "1",
            "NicType": "intranet",
            "Description": "",
        },
    )
    assert canonical_rule("ingress", given) == canonical_rule("ingress", from_api)
    assert from_api == {
        "ip_protocol": "tcp",
        "port_range": "22/22",
        "cidr_ip": "0.0.0.0/0",
        "source_security_group_id": None,
        "peer_is_self": None,
        "policy": None,
        "priority": None,
        "nic_type": None,
        "description": None,
    }


def test_read_keeps_the_users_spelling_and_shows_new_rules_in_short_form() -> None:
    prior = [{"ip_protocol": "TCP", "port_range": "22/22", "cidr_ip": "10.0.0.0/8", "priority": 1}]
    actual = [
        {"ip_protocol": "tcp", "port_range": "22/22", "cidr_ip": "10.0.0.0/8"},
        {"ip_protocol": "icmp", "cidr_ip": "0.0.0.0/0", "policy": "drop"},
    ]
    assert rules_for_state("ingress", actual, prior, group_id="sg-1") == [prior[0], actual[1]]


def test_difference_revokes_and_authorizes_only_what_changed() -> None:
    actual = [
        {"ip_protocol": "tcp", "port_range": "22/22", "cidr_ip": "0.0.0.0/0"},
        {"ip_protocol": "tcp", "port_range": "80/80", "cidr_ip": "0.0.0.0/0"},
    ]
    wanted = [
        {"ip_protocol": "TCP", "port_range": "22/22", "cidr_ip": "0.0.0.0/0", "policy": "accept"},
        {"ip_protocol": "tcp", "port_range": "443/443", "cidr_ip": "0.0.0.0/0"},
    ]
    revoke, authorize = rule_difference("ingress", actual, wanted, group_id="sg-1")
    assert [r["port_range"] for r in revoke] == ["80/80"]
    assert [r["port_range"] for r in authorize] == ["443/443"]


def test_a_self_rule_is_the_rule_naming_the_groups_own_id() -> None:
    self_rule = {"ip_protocol": "all", "peer_is_self": True, "cidr_ip": None, "source_security_group_id": None}
    from_api = rule_from_api(
        "ingress", {"Direction": "ingress", "IpProtocol": "ALL", "PortRange": "-1/-1", "SourceGroupId": "sg-own"}
    )
    assert from_api["source_security_group_id"] == "sg-own"
    assert canonical_rule("ingress", self_rule, group_id="sg-own") == canonical_rule(
        "ingress", from_api, group_id="sg-own"
    )
    # In another group the same block names a different peer.
    assert canonical_rule("ingress", self_rule, group_id="sg-other") != canonical_rule(
        "ingress", from_api, group_id="sg-other"
    )
    with pytest.raises(ValueError, match="group_id"):
        canonical_rule("ingress", self_rule)


def test_read_maps_the_groups_own_id_back_to_peer_is_self_only_where_the_prior_rule_said_so() -> None:
    self_rule = {"ip_protocol": "all", "port_range": None, "dest_security_group_id": None, "peer_is_self": True}
    spelled_out = {"ip_protocol": "tcp", "port_range": "22/22", "dest_security_group_id": "sg-own"}
    actual = [
        rule_from_api("egress", {"IpProtocol": "all", "PortRange": "-1/-1", "DestGroupId": "sg-own"}),
        rule_from_api("egress", {"IpProtocol": "tcp", "PortRange": "22/22", "DestGroupId": "sg-own"}),
        rule_from_api("egress", {"IpProtocol": "udp", "PortRange": "53/53", "DestGroupId": "sg-own"}),
    ]
    state = rules_for_state("egress", actual, [self_rule, spelled_out], group_id="sg-own")
    assert state[0] == self_rule
    assert state[1] == spelled_out
    # Drift naming the group itself is written as a user would without a prior rule: the ID spelled out.
    assert state[2]["dest_security_group_id"] == "sg-own"
    assert state[2]["peer_is_self"] is None


def test_difference_treats_a_self_rule_and_its_api_form_as_one_rule() -> None:
    actual = [rule_from_api("ingress", {"IpProtocol": "all", "PortRange": "-1/-1", "SourceGroupId": "sg-own"})]
    wanted = [
        {"ip_protocol": "all", "peer_is_self": True},
        {"ip_protocol": "tcp", "port_range": "22/22", "peer_is_self": True},
    ]
    revoke, authorize = rule_difference("ingress", actual, wanted, group_id="sg-own")
    assert revoke == []
    assert [(r["ip_protocol"], r["source_security_group_id"]) for r in authorize] == [("tcp", "sg-own")]
    # Dropping the self rule revokes the permission naming the group's own ID.
    revoke, authorize = rule_difference("ingress", actual, [], group_id="sg-own")
    assert [(r["ip_protocol"], r["source_security_group_id"]) for r in revoke] == [("all", "sg-own")]
    assert authorize == []


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"ip_protocol": "tcpx", "cidr_ip": "0.0.0.0/0"}, "ip_protocol"),
        ({"ip_protocol": "tcp", "cidr_ip": "0.0.0.0/0"}, "port_range"),
        ({"ip_protocol": "tcp", "port_range": "80/22", "cidr_ip": "0.0.0.0/0"}, "port_range"),
        ({"ip_protocol": "icmp", "port_range": "22/22", "cidr_ip": "0.0.0.0/0"}, "port_range"),
        ({"ip_protocol": "all", "cidr_ip": "0.0.0.0/0", "policy": "allow"}, "policy"),
        ({"ip_protocol": "all", "cidr_ip": "0.0.0.0/0", "priority": 101}, "priority"),
        ({"ip_protocol": "all"}, "cidr_ip"),
        ({"ip_protocol": "all", "peer_is_self": False}, "peer_is_self"),
        ({"ip_protocol": "all", "peer_is_self": True, "cidr_ip": "0.0.0.0/0"}, "cidr_ip"),
        ({"ip_protocol": "all", "peer_is_self": True, "source_security_group_id": "sg-1"}, "source_security_group_id"),
    ],
)
def test_bad_rules_are_reported_on_the_rule_block(rule: dict[str, object], message: str) -> None:
    diags = Diagnostics()
    SecurityGroupResource(EcsClonePlugin()).validate(diags, "ecsclone_security_group", {"ingress": [rule]})
    assert diags.has_errors()
    assert all(d.path == ["ingress"] for d in diags.diagnostics)
    assert message in diags.diagnostics[0].detail


def test_a_self_rule_needs_no_other_peer() -> None:
    diags = Diagnostics()
    rules = [
        {"ip_protocol": "all", "peer_is_self": True},
        {"ip_protocol": "tcp", "port_range": "22/22", "peer_is_self": Unknown},
    ]
    SecurityGroupResource(EcsClonePlugin()).validate(diags, "ecsclone_security_group", {"egress": rules})
    assert not diags.diagnostics


def test_a_group_without_managed_rules_refuses_rule_blocks() -> None:
    rule = {"ip_protocol": "tcp", "port_range": "22/22", "cidr_ip": "0.0.0.0/0"}
    diags = Diagnostics()
    config = {"manage_rules": False, "ingress": [], "egress": [rule]}
    SecurityGroupResource(EcsClonePlugin()).validate(diags, "ecsclone_security_group", config)
    assert [d.path for d in diags.diagnostics] == [["egress"]]
    assert "manage_rules = false: the rules of this group are ecsclone_security_group_rule resources; remove the " in (
        diags.diagnostics[0].detail
    )
    for fine in ({"manage_rules": False, "ingress": [], "egress": None}, {"manage_rules": True, "egress": [rule]}):
        diags = Diagnostics()
        SecurityGroupResource(EcsClonePlugin()).validate(diags, "ecsclone_security_group", fine)
        assert not diags.diagnostics, fine


# ---- security group rule resources -------------------------------------------------------------------------


def test_rule_ids_round_trip_through_the_canonical_form() -> None:
    cases: list[tuple[Direction, dict[str, object]]] = [
        ("ingress", {"ip_protocol": "TCP", "port_range": "22/22", "cidr_ip": "10.0.0.0/8", "description": "ssh"}),
        ("egress", {"ip_protocol": "all", "dest_security_group_id": "sg-db", "policy": "Drop", "priority": 7}),
    ]
    for direction, rule in cases:
        key = canonical_rule(direction, rule)
        group_id, parsed_direction, parsed_key = parse_rule_id(format_rule_id("sg-web", direction, key))
        # The description is not part of a rule's identity.
        assert (group_id, parsed_direction, parsed_key) == ("sg-web", direction, (*key[:-1], ""))
    assert format_rule_id(
        "sg-web", "egress", canonical_rule("egress", {"ip_protocol": "all", "dest_security_group_id": "sg-db"})
    ) == ("sg-web:egress:all:-1/-1:sg-db:accept:1:intranet")


@pytest.mark.parametrize(
    ("rule_id", "problem"),
    [
        ("sg-1", "1 ':'-separated parts, not 8"),
        ("sg-1:inbound:tcp:22/22:0.0.0.0/0:accept:1:intranet", "direction is 'inbound'"),
        ("sg-1:ingress:tcpx:22/22:0.0.0.0/0:accept:1:intranet", "protocol is 'tcpx'"),
        ("sg-1:ingress:tcp:22/22:0.0.0.0/0:allow:1:intranet", "policy is 'allow'"),
        ("sg-1:ingress:tcp:22/22:0.0.0.0/0:accept:high:intranet", "priority is 'high'"),
        ("sg-1:ingress:tcp:22/22::accept:1:intranet", "cannot be empty"),
    ],
)
def test_a_malformed_rule_id_shows_the_expected_shape(rule_id: str, problem: str) -> None:
    with pytest.raises(ValueError, match="e.g. sg-db:ingress:tcp:5432/5432:sg-web:accept:1:intranet") as raised:
        parse_rule_id(rule_id)
    assert problem in str(raised.value)
    assert "<security group>:<direction>:<protocol>:<port range>:<peer>:<policy>:<priority>:<NIC type>" in str(
        raised.value
    )


def test_importing_a_malformed_rule_id_is_a_diagnostic_before_any_call() -> None:
    diags = Diagnostics()
    # The provider is not configured: any API call would fail differently.
    state = SecurityGroupRuleResource(EcsClonePlugin()).import_(
        ImportContext(diags, SECURITY_GROUP_RULE.type_name), "sg-1:tcp"
    )
    assert state is None
    assert [d.summary for d in diags.diagnostics] == ["Invalid ecsclone_security_group_rule import ID"]
    assert "2 ':'-separated parts" in diags.diagnostics[0].detail


def rule_config(**values: object) -> dict[str, object]:
    config: dict[str, object] = {f.name: None for f in SECURITY_GROUP_RULE.fields}
    config.update(security_group_id="sg-1", direction="ingress", ip_protocol="tcp", port_range="22/22")
    config.update(values)
    return config


@pytest.mark.parametrize(
    ("values", "path", "message"),
    [
        ({"direction": "inbound", "cidr_ip": "0.0.0.0/0"}, ["direction"], 'use "ingress"'),
        ({"cidr_ip": "0.0.0.0/0", "peer_security_group_id": "sg-2"}, ["peer_security_group_id"], "not both"),
        ({}, ["cidr_ip"], "set cidr_ip (e.g. 0.0.0.0/0) or peer_security_group_id"),
        ({"ip_protocol": "tcpx", "cidr_ip": "0.0.0.0/0"}, ["ip_protocol"], "ip_protocol = 'tcpx'"),
        ({"port_range": "80/22", "cidr_ip": "0.0.0.0/0"}, ["port_range"], "1 <= from <= to <= 65535"),
        ({"policy": "allow", "cidr_ip": "0.0.0.0/0"}, ["policy"], "use accept or drop"),
        ({"priority": 0, "peer_security_group_id": "sg-2"}, ["priority"], "from 1 (highest) to 100"),
        ({"nic_type": "public", "cidr_ip": "0.0.0.0/0"}, ["nic_type"], "in a VPC use intranet"),
    ],
)
def test_bad_rule_resources_point_at_the_attribute(values: dict[str, object], path: list[str], message: str) -> None:
    diags = Diagnostics()
    SecurityGroupRuleResource(EcsClonePlugin()).validate(diags, SECURITY_GROUP_RULE.type_name, rule_config(**values))
    assert [d.path for d in diags.diagnostics] == [path]
    assert message in diags.diagnostics[0].detail


def test_a_rule_whose_peer_is_known_only_at_apply_passes() -> None:
    diags = Diagnostics()
    config = rule_config(direction="egress", ip_protocol="all", port_range=None, peer_security_group_id=Unknown)
    SecurityGroupRuleResource(EcsClonePlugin()).validate(diags, SECURITY_GROUP_RULE.type_name, config)
    assert not diags.diagnostics


# ---- instance group inputs and names -----------------------------------------------------------------------


def group_config(**values: object) -> dict[str, object]:
    config: dict[str, object] = {f.name: None for f in INSTANCE_GROUP.fields}
    config.update(
        image_id="m-1", instance_type="ecs.g7.large", vswitch_id="vsw-1", security_group_ids=["sg-1"], amount=1
    )
    config.update(values)
    return config


@pytest.mark.parametrize(
    ("values", "path"),
    [
        ({"amount": 0}, ["amount"]),
        ({"amount": 101}, ["amount"]),
        ({"amount": 2, "min_amount": 3}, ["min_amount"]),
        ({"instance_charge_type": "Monthly"}, ["instance_charge_type"]),
        ({"private_ip": "10.0.0.300"}, ["private_ip"]),
        ({"security_group_ids": []}, ["security_group_ids"]),
        ({"instance_type": "g7.large"}, ["instance_type"]),
        ({"delete_images_after_launch": ["not an image!"]}, ["delete_images_after_launch"]),
    ],
)
def test_bad_group_inputs_point_at_the_attribute(values: dict[str, object], path: list[str]) -> None:
    diags = Diagnostics()
    InstanceGroupResource(EcsClonePlugin()).validate(diags, "ecsclone_instance_group", group_config(**values))
    assert [d.path for d in diags.diagnostics] == [path]


def test_unknown_values_are_not_judged_at_plan_time() -> None:
    diags = Diagnostics()
    InstanceGroupResource(EcsClonePlugin()).validate(
        diags, "ecsclone_instance_group", group_config(amount=Unknown, image_id=Unknown)
    )
    assert not diags.diagnostics


def test_valid_group_config_passes() -> None:
    diags = Diagnostics()
    config = group_config(
        amount=5, min_amount=2, private_ip="172.16.1.10", delete_images_after_launch=["cn-hangzhou:m-abc1", "m-def2"]
    )
    InstanceGroupResource(EcsClonePlugin()).validate(diags, "ecsclone_instance_group", config)
    assert not diags.diagnostics


def test_vswitch_mask_is_checked() -> None:
    diags = Diagnostics()
    VSwitchResource(EcsClonePlugin()).validate(diags, "ecsclone_vswitch", {"cidr_block": "10.0.0.0/30"})
    assert "/16 to /29" in diags.diagnostics[0].detail


def test_cidr_syntax_is_checked() -> None:
    diags = Diagnostics()
    VpcResource(EcsClonePlugin()).validate(diags, "ecsclone_vpc", {"cidr_block": "172.16.0.1/12"})
    assert diags.diagnostics[0].path == ["cidr_block"]


def test_batch_names_expand_like_run_instances() -> None:
    assert expand_name("clone-[1,3]", 0) == "clone-001"
    assert expand_name("clone-[1,3]", 4) == "clone-005"
    assert expand_name("node-[]", 2) == "node-000002"
    assert expand_name("plain", 3) == "plain"


def test_names_follow_a_batch_pattern_whatever_the_number() -> None:
    assert follows_pattern("clone-[1,3]", "clone-001")
    assert follows_pattern("clone-[1,3]", "clone-017")  # a grown or healed group continues the count
    assert not follows_pattern("clone-[1,3]", "clone-01")
    assert not follows_pattern("clone-[1,3]", "renamed")
    assert follows_pattern("node-[]", "node-000002")
    assert follows_pattern("a.b", "a.b") and not follows_pattern("a.b", "axb")
    assert not follows_pattern("plain", None)


def test_a_name_changed_elsewhere_shows_in_the_state() -> None:
    assert observed_name("clone-[1,3]", ["clone-001", "clone-002"]) == "clone-[1,3]"
    assert observed_name("clone-[1,3]", ["clone-001", "hand-made"]) == "hand-made"
    assert observed_name("web", ["web", None]) is None
    # Unset names are the API's to choose: never drift.
    assert observed_name(None, ["iZ123Z", "anything"]) is None


def test_tags_changed_elsewhere_show_in_the_state() -> None:
    wanted = {"env": "test"}
    assert observed_tags(wanted, [{"env": "test"}, {"env": "test"}]) == wanted
    assert observed_tags(wanted, [{"env": "test"}, {"env": "prod"}]) == {"env": "prod"}
    assert observed_tags(wanted, [{"env": "test", "owner": "x"}]) == {"env": "test", "owner": "x"}
    assert observed_tags(wanted, [{}]) is None
    assert observed_tags(None, [{"owner": "x"}]) is None


def test_instance_tags_leave_out_the_clouds_own() -> None:
    instance = {"Tags": {"Tag": [{"TagKey": "env", "TagValue": "test"}, {"TagKey": "acs:ecs:x", "TagValue": "1"}]}}
    assert instance_tags(instance) == {"env": "test"}
    assert instance_tags({}) == {}


def test_scratch_image_names_are_valid_and_distinct() -> None:
    first = scratch_image_name("i-abc", now=datetime(2026, 1, 2, 3, 4, 5, 6000, tzinfo=UTC))
    second = scratch_image_name("i-abc", now=datetime(2026, 1, 2, 3, 4, 5, 7000, tzinfo=UTC))
    assert first == "TemplateScratch-i-abc-20260102T030405006Z"
    assert first != second
    assert check_image_name(first) is None


@pytest.mark.parametrize("name", ["x", "1abc", "http://abc", "aliyun-copy", "has space"])
def test_invalid_image_names_are_explained(name: str) -> None:
    assert check_image_name(name)


def test_copy_names_start_with_the_source_name() -> None:
    candidates = copy_name_candidates("TemplateScratch-i-1")
    assert candidates[:3] == ["TemplateScratch-i-1", "TemplateScratch-i-1-copy", "TemplateScratch-i-1-copy-2"]
    assert all(len(c) <= 128 for c in copy_name_candidates("a" * 128))

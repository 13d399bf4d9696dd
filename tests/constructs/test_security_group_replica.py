"""Security-group replicas: rules naming other groups are re-pointed, or left out with a warning."""

from __future__ import annotations

from typing import Literal

import pytest
from conftest import Synth, make_source, resources, web_group

from cdk_clone import CloneTask, InstanceClone, SecurityGroupReplica
from cdk_clone._cdktf import TerraformStack
from cdk_clone.bindings import EcsCloneProvider
from cdk_clone.constructs.errors import CloneConfigurationError
from cdk_clone.lookup.snapshot import SecurityGroupRule, SecurityGroupSnapshot

WARN = "@cdktf/warn"


def warnings_of(construct: SecurityGroupReplica) -> list[str]:
    return [str(entry.data) for entry in construct.node.metadata if entry.type == WARN]


def peer_rule(peer: str, direction: Literal["ingress", "egress"] = "ingress") -> SecurityGroupRule:
    return SecurityGroupRule(
        direction=direction, ip_protocol="tcp", port_range="5432/5432", peer_security_group_id=peer
    )


def test_a_rule_naming_a_replicated_group_points_at_its_replica(stack: TerraformStack, synth: Synth) -> None:
    app_group = web_group("sg-bp1app0000001", rules=())
    db_group = web_group(
        "sg-bp1db00000001", rules=(peer_rule("sg-bp1app0000001"), peer_rule("sg-bp1app0000001", "egress"))
    )
    # The db group comes first in the source's list, yet it is made after the group it names.
    source = make_source(security_groups=(db_group, app_group))
    clone = InstanceClone(
        stack, "web", source=source, destination_region="cn-shanghai", destination_zone_id="cn-shanghai-b"
    )
    out = synth(stack)
    groups = resources(out, "ecsclone_security_group")
    app_key = next(k for k in groups if "sg-bp1app0000001" in k)
    db_key = next(k for k in groups if "sg-bp1db00000001" in k)
    assert groups[db_key]["ingress"] == [
        {
            "ip_protocol": "tcp",
            "port_range": "5432/5432",
            "source_security_group_id": f"${{ecsclone_security_group.{app_key}.id}}",
            "policy": "accept",
            "priority": 1,
            "nic_type": "intranet",
        }
    ]
    assert groups[db_key]["egress"][0]["dest_security_group_id"] == f"${{ecsclone_security_group.{app_key}.id}}"
    # The clones keep the source's group order.
    assert resources(out, "ecsclone_instance_group")[next(iter(resources(out, "ecsclone_instance_group")))][
        "security_group_ids"
    ] == [f"${{ecsclone_security_group.{db_key}.id}}", f"${{ecsclone_security_group.{app_key}.id}}"]
    assert clone.security_group_id == clone.security_group_ids[0]


def test_a_peer_that_is_not_cloned_is_dropped_with_a_warning_naming_the_rule(
    stack: TerraformStack, synth: Synth
) -> None:
    group = web_group(
        rules=(
            peer_rule("sg-bp1elsewhere001"),
            SecurityGroupRule(direction="ingress", ip_protocol="tcp", port_range="22/22", cidr_ip="0.0.0.0/0"),
        )
    )
    provider = EcsCloneProvider(stack, "sh", region="cn-shanghai", alias="cn-shanghai")
    replica = SecurityGroupReplica(stack, "sg", source=group, vpc_id="vpc-uf6given0001", provider=provider)
    out = synth(stack)
    (synthesized,) = resources(out, "ecsclone_security_group").values()
    assert [r["port_range"] for r in synthesized["ingress"]] == ["22/22"]
    assert replica.dropped_rules == [peer_rule("sg-bp1elsewhere001")]
    (warning,) = warnings_of(replica)
    assert "ingress tcp 5432/5432 from sg-bp1elsewhere001" in warning
    assert "not replicated" in warning


def test_a_rule_naming_its_own_group_names_the_replica_itself(stack: TerraformStack, synth: Synth) -> None:
    group = web_group(
        "sg-bp1self0000001",
        rules=(
            SecurityGroupRule(direction="ingress", ip_protocol="all", peer_security_group_id="sg-bp1self0000001"),
            peer_rule("sg-bp1self0000001", "egress"),
        ),
    )
    clone = InstanceClone(
        stack,
        "web",
        source=make_source(security_groups=(group,)),
        destination_region="cn-shanghai",
        destination_zone_id="cn-shanghai-b",
    )
    replica = clone.node.find_child("SecurityGroupReplica-sg-bp1self0000001")
    assert isinstance(replica, SecurityGroupReplica)
    assert warnings_of(replica) == []
    assert replica.dropped_rules == []
    (synthesized,) = resources(synth(stack), "ecsclone_security_group").values()
    assert synthesized["ingress"] == [
        {
            "ip_protocol": "all",
            "port_range": "-1/-1",
            "peer_is_self": True,
            "policy": "accept",
            "priority": 1,
            "nic_type": "intranet",
        }
    ]
    assert synthesized["egress"] == [
        {
            "ip_protocol": "tcp",
            "port_range": "5432/5432",
            "peer_is_self": True,
            "policy": "accept",
            "priority": 1,
            "nic_type": "intranet",
        }
    ]


def test_groups_naming_each_other_keep_every_rule_one_group_through_rule_resources(
    stack: TerraformStack, synth: Synth
) -> None:
    a = web_group(
        "sg-bp1aaaa000001",
        rules=(
            peer_rule("sg-bp1bbbb000001"),
            peer_rule("sg-bp1aaaa000001", "egress"),
            SecurityGroupRule(direction="ingress", ip_protocol="tcp", port_range="22/22", cidr_ip="10.0.0.0/8"),
        ),
    )
    b = web_group("sg-bp1bbbb000001", rules=(peer_rule("sg-bp1aaaa000001"),))
    clone = InstanceClone(
        stack,
        "web",
        source=make_source(security_groups=(a, b)),
        destination_region="cn-shanghai",
        destination_zone_id="cn-shanghai-b",
    )
    out = synth(stack)
    groups = resources(out, "ecsclone_security_group")
    a_key = next(k for k in groups if "sg-bp1aaaa000001" in k)
    b_key = next(k for k in groups if "sg-bp1bbbb000001" in k)
    a_id, b_id = (f"${{ecsclone_security_group.{key}.id}}" for key in (a_key, b_key))
    # The group that starts the cycle is made bare; the other names it inline.
    assert groups[a_key]["manage_rules"] is False and not groups[a_key].get("ingress")
    assert [r["source_security_group_id"] for r in groups[b_key]["ingress"]] == [a_id]
    rules = sorted(
        resources(out, "ecsclone_security_group_rule").values(),
        key=lambda r: (r["direction"], r.get("port_range", "")),
    )
    assert [
        (r["security_group_id"], r["direction"], r["port_range"], r.get("peer_security_group_id"), r.get("cidr_ip"))
        for r in rules
    ] == [
        (a_id, "egress", "5432/5432", a_id, None),  # names its own group: allowed, the group exists first
        (a_id, "ingress", "22/22", None, "10.0.0.0/8"),
        (a_id, "ingress", "5432/5432", b_id, None),
    ]
    first = clone.node.find_child("SecurityGroupReplica-sg-bp1aaaa000001")
    assert isinstance(first, SecurityGroupReplica)
    assert not warnings_of(first) and not first.dropped_rules


def test_add_rules_is_for_a_replica_made_with_separate_rules(stack: TerraformStack) -> None:
    provider = EcsCloneProvider(stack, "shanghai", region="cn-shanghai")
    inline = SecurityGroupReplica(
        stack, "inline", source=web_group("sg-bp1aaaa000001"), vpc_id="vpc-1", provider=provider
    )
    with pytest.raises(CloneConfigurationError, match="separate_rules=True"):
        inline.add_rules({})
    bare = SecurityGroupReplica(
        stack, "bare", source=web_group("sg-bp1bbbb000001"), vpc_id="vpc-1", provider=provider, separate_rules=True
    )
    bare.add_rules({})
    with pytest.raises(CloneConfigurationError, match="added already"):
        bare.add_rules({})


def test_groups_of_different_sources_in_a_task_can_name_each_other(stack: TerraformStack, synth: Synth) -> None:
    app_group = web_group("sg-bp1app0000001", rules=())
    db_group = web_group("sg-bp1db00000001", rules=(peer_rule("sg-bp1app0000001"),))
    app = make_source(security_groups=(app_group,))
    db = make_source("i-bp1d3m0s0urce00002", security_groups=(db_group,))
    CloneTask(stack, "task", sources=[db, app], destination_region="cn-shanghai", destination_zone_id="cn-shanghai-b")
    groups = resources(synth(stack), "ecsclone_security_group")
    app_key = next(k for k in groups if "sg-bp1app0000001" in k)
    db_key = next(k for k in groups if "sg-bp1db00000001" in k)
    assert groups[db_key]["ingress"][0]["source_security_group_id"] == f"${{ecsclone_security_group.{app_key}.id}}"


def test_a_rule_with_no_peer_at_all_is_dropped_with_a_warning(stack: TerraformStack) -> None:
    group = SecurityGroupSnapshot(
        security_group_id="sg-bp1plist000001",
        name="prefix-list",
        vpc_id="vpc-bp1d3m0s0urce0vpc01",
        rules=(SecurityGroupRule(direction="ingress", ip_protocol="tcp", port_range="443/443"),),
    )
    provider = EcsCloneProvider(stack, "sh", region="cn-shanghai", alias="cn-shanghai")
    replica = SecurityGroupReplica(stack, "sg", source=group, vpc_id="vpc-uf6given0001", provider=provider)
    (warning,) = warnings_of(replica)
    assert "neither an address range nor a security group" in warning

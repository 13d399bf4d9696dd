"""ecsclone_security_group with real Terraform against the fake cloud."""

from __future__ import annotations

from typing import Any

import pytest

from fake_api.seeds import DEMO_VPC_ID

from .cloud import client, objects
from .conftest import TerraformRun

pytestmark = pytest.mark.e2e

GROUP = """
resource "ecsclone_security_group" "web" {
  vpc_id              = "%(vpc)s"
  security_group_name = "web-clone"

  ingress {
    ip_protocol = "TCP"
    port_range  = "22/22"
    cidr_ip     = "10.0.0.0/8"
  }
  ingress {
    ip_protocol = "tcp"
    port_range  = "%(web_port)s"
    cidr_ip     = "0.0.0.0/0"
    priority    = 10
  }
  ingress {
    ip_protocol = "icmp"
    cidr_ip     = "0.0.0.0/0"
    policy      = "drop"
  }
  egress {
    ip_protocol = "all"
    cidr_ip     = "0.0.0.0/0"
  }
}
"""


def group_rules(fake: Any, group_id: str) -> list[dict[str, Any]]:
    answer = client(fake).ecs("DescribeSecurityGroupAttribute", {"SecurityGroupId": group_id})
    rules: list[dict[str, Any]] = answer["Permissions"]["Permission"]
    return rules


def test_group_lifecycle(terraform: TerraformRun, fake_cloud: Any) -> None:
    tf = terraform
    before = len(objects(fake_cloud, "security_groups"))
    tf.write(GROUP % {"vpc": DEMO_VPC_ID, "web_port": "80/80"})
    tf.apply()
    group_id = tf.resources()["ecsclone_security_group.web"]["id"]
    rules = group_rules(fake_cloud, group_id)
    assert sorted((r["Direction"], r["IpProtocol"].lower(), r["PortRange"]) for r in rules) == [
        ("egress", "all", "-1/-1"),
        ("ingress", "icmp", "-1/-1"),
        ("ingress", "tcp", "22/22"),
        ("ingress", "tcp", "80/80"),
    ]
    # Three ingress rules in one call, the egress rule in another.
    assert len(fake_cloud.calls("AuthorizeSecurityGroup")) == 1
    assert len(fake_cloud.calls("AuthorizeSecurityGroupEgress")) == 1

    # However the API spells the rules (TCP, Accept, priority 1), the second plan is clean.
    assert not tf.plan_has_changes()

    # Changing one rule revokes that one and authorizes its replacement, nothing else.
    tf.write(GROUP % {"vpc": DEMO_VPC_ID, "web_port": "443/443"})
    tf.apply()
    assert [c["params"].get("Permissions.1.PortRange") for c in fake_cloud.calls("RevokeSecurityGroup")] == ["80/80"]
    ports = sorted(r["PortRange"] for r in group_rules(fake_cloud, group_id) if r["Direction"] == "ingress")
    assert ports == ["-1/-1", "22/22", "443/443"]
    assert tf.resources()["ecsclone_security_group.web"]["id"] == group_id
    assert not tf.plan_has_changes()

    # A rule added behind Terraform's back is drift: the plan removes it.
    client(fake_cloud).ecs(
        "AuthorizeSecurityGroup",
        {
            "SecurityGroupId": group_id,
            "Permissions": [{"IpProtocol": "udp", "PortRange": "53/53", "SourceCidrIp": "0.0.0.0/0"}],
        },
    )
    assert tf.plan_has_changes()
    tf.apply()
    assert "53/53" not in [r["PortRange"] for r in group_rules(fake_cloud, group_id)]

    # Import adopts the group with its rules, in the API's spelling ("tcp"). The configuration says "TCP":
    # the one update that follows only records the user's spelling, with no rule authorized or revoked.
    tf.state_rm("ecsclone_security_group.web")
    tf.import_("ecsclone_security_group.web", group_id)
    rule_calls = len(fake_cloud.calls("AuthorizeSecurityGroup")) + len(fake_cloud.calls("RevokeSecurityGroup"))
    tf.apply()
    assert len(fake_cloud.calls("AuthorizeSecurityGroup")) + len(fake_cloud.calls("RevokeSecurityGroup")) == rule_calls
    assert not tf.plan_has_changes()

    tf.destroy()
    assert len(objects(fake_cloud, "security_groups")) == before


SELF_GROUP = """
resource "ecsclone_security_group" "cluster" {
  vpc_id              = "%(vpc)s"
  security_group_name = "cluster-clone"

  ingress {
    ip_protocol  = "all"
    peer_is_self = true
  }
  ingress {
    ip_protocol = "tcp"
    port_range  = "22/22"
    cidr_ip     = "10.0.0.0/8"
  }
  %(egress)s
}
"""
SELF_EGRESS = """egress {
    ip_protocol  = "tcp"
    port_range   = "5432/5432"
    peer_is_self = true
  }"""


def test_rules_naming_the_group_itself(terraform: TerraformRun, fake_cloud: Any) -> None:
    tf = terraform
    tf.write(SELF_GROUP % {"vpc": DEMO_VPC_ID, "egress": SELF_EGRESS})
    tf.apply()
    group_id = tf.resources()["ecsclone_security_group.cluster"]["id"]
    # The cloud holds the rules with the group's own ID as the peer.
    rules = group_rules(fake_cloud, group_id)
    peers = sorted(
        (r["Direction"], r["IpProtocol"].lower(), r["PortRange"], r.get("SourceGroupId") or r.get("DestGroupId") or "")
        for r in rules
    )
    assert peers == [
        ("egress", "tcp", "5432/5432", group_id),
        ("ingress", "all", "-1/-1", group_id),
        ("ingress", "tcp", "22/22", ""),
    ]
    # The state keeps peer_is_self as written, so the second plan is clean.
    state_ingress = tf.resources()["ecsclone_security_group.cluster"]["ingress"]
    assert [(r["peer_is_self"], r["source_security_group_id"]) for r in state_ingress if r["ip_protocol"] == "all"] == [
        (True, None)
    ]
    assert not tf.plan_has_changes()

    # Removing the self egress rule revokes exactly that permission (peer: the group's own ID).
    tf.write(SELF_GROUP % {"vpc": DEMO_VPC_ID, "egress": ""})
    tf.apply()
    (revoke,) = fake_cloud.calls("RevokeSecurityGroupEgress")
    assert revoke["params"].get("Permissions.1.DestGroupId") == group_id
    assert not fake_cloud.calls("RevokeSecurityGroup")
    assert [r["Direction"] for r in group_rules(fake_cloud, group_id)].count("egress") == 0
    assert not tf.plan_has_changes()

    tf.destroy()
    assert group_id not in [g["group_id"] for g in objects(fake_cloud, "security_groups")]


def test_a_self_rule_with_another_peer_is_refused_before_any_call(terraform: TerraformRun, fake_cloud: Any) -> None:
    terraform.write(
        f"""
resource "ecsclone_security_group" "web" {{
  vpc_id = "{DEMO_VPC_ID}"
  ingress {{
    ip_protocol  = "all"
    cidr_ip      = "0.0.0.0/0"
    peer_is_self = true
  }}
}}
"""
    )
    output = terraform.apply_fails()
    assert "Rule with two peers" in output
    assert "remove cidr_ip" in output
    assert fake_cloud.calls("CreateSecurityGroup") == []


def test_deleted_group_is_recreated(terraform: TerraformRun, fake_cloud: Any) -> None:
    terraform.write(GROUP % {"vpc": DEMO_VPC_ID, "web_port": "80/80"})
    terraform.apply()
    group_id = terraform.resources()["ecsclone_security_group.web"]["id"]
    client(fake_cloud).ecs("DeleteSecurityGroup", {"SecurityGroupId": group_id})
    assert "will be created" in terraform.plan_text()
    terraform.apply()
    assert terraform.resources()["ecsclone_security_group.web"]["id"] != group_id
    assert len(group_rules(fake_cloud, terraform.resources()["ecsclone_security_group.web"]["id"])) == 4
    terraform.destroy()


def test_bad_rule_is_reported_before_any_call(terraform: TerraformRun, fake_cloud: Any) -> None:
    terraform.write(
        f"""
resource "ecsclone_security_group" "web" {{
  vpc_id = "{DEMO_VPC_ID}"
  ingress {{
    ip_protocol = "tcp"
    port_range  = "0/70000"
    cidr_ip     = "0.0.0.0/0"
  }}
}}
"""
    )
    output = terraform.apply_fails()
    assert "Invalid rule port range" in output
    assert "ingress" in output
    assert fake_cloud.calls("CreateSecurityGroup") == []


def test_a_group_that_stops_managing_its_rules_leaves_them_alone(terraform: TerraformRun, fake_cloud: Any) -> None:
    tf = terraform
    tf.write(GROUP % {"vpc": DEMO_VPC_ID, "web_port": "80/80"})
    tf.apply()
    group_id = tf.resources()["ecsclone_security_group.web"]["id"]
    rules_before = sorted((r["Direction"], r["IpProtocol"], r["PortRange"]) for r in group_rules(fake_cloud, group_id))

    # The blocks go and manage_rules = false comes: an update in place that revokes nothing.
    tf.write(
        f"""
resource "ecsclone_security_group" "web" {{
  vpc_id              = "{DEMO_VPC_ID}"
  security_group_name = "web-clone"
  manage_rules        = false
}}
"""
    )
    tf.apply()
    assert tf.resources()["ecsclone_security_group.web"]["id"] == group_id
    assert fake_cloud.calls("RevokeSecurityGroup") == [] and fake_cloud.calls("RevokeSecurityGroupEgress") == []
    after = sorted((r["Direction"], r["IpProtocol"], r["PortRange"]) for r in group_rules(fake_cloud, group_id))
    assert after == rules_before
    # The rules are still in the cloud but no longer the group's: no drift.
    assert tf.resources()["ecsclone_security_group.web"]["manage_rules"] is False
    assert not tf.plan_has_changes()

    tf.destroy()
    assert group_id not in [g["group_id"] for g in objects(fake_cloud, "security_groups")]

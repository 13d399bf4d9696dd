"""ecsclone_security_group_rule and manage_rules = false, with real Terraform against the fake cloud."""

from __future__ import annotations

from typing import Any

import pytest

from fake_api.seeds import DEMO_VPC_ID

from .cloud import client, objects
from .conftest import TerraformRun

pytestmark = pytest.mark.e2e

# Two groups whose rules name each other: inline, that is a dependency cycle; as rule resources it is not.
MUTUAL_GROUPS = """
resource "ecsclone_security_group" "web" {
  vpc_id              = "%(vpc)s"
  security_group_name = "web-clone"
  manage_rules        = false
}

resource "ecsclone_security_group" "db" {
  vpc_id              = "%(vpc)s"
  security_group_name = "db-clone"
  manage_rules        = false
}

resource "ecsclone_security_group_rule" "db_from_web" {
  security_group_id      = ecsclone_security_group.db.id
  direction              = "ingress"
  ip_protocol            = "TCP"
  port_range             = "5432/5432"
  peer_security_group_id = ecsclone_security_group.web.id
  description            = "postgres from web"
}

resource "ecsclone_security_group_rule" "web_from_db" {
  security_group_id      = ecsclone_security_group.web.id
  direction              = "ingress"
  ip_protocol            = "tcp"
  port_range             = "8080/8080"
  peer_security_group_id = ecsclone_security_group.db.id
  priority               = 1
}

resource "ecsclone_security_group_rule" "web_to_db" {
  security_group_id      = ecsclone_security_group.web.id
  direction              = "egress"
  ip_protocol            = "tcp"
  port_range             = "5432/5432"
  peer_security_group_id = ecsclone_security_group.db.id
}

resource "ecsclone_security_group_rule" "web_https" {
  security_group_id = ecsclone_security_group.web.id
  direction         = "ingress"
  ip_protocol       = "tcp"
  port_range        = "443/443"
  cidr_ip           = "0.0.0.0/0"
}
"""


def rules_of(fake: Any, group_id: str) -> list[tuple[str, str, str, str, str]]:
    """(direction, protocol, ports, peer, description) of every rule the cloud has in the group, sorted."""
    answer = client(fake).ecs("DescribeSecurityGroupAttribute", {"SecurityGroupId": group_id})
    return sorted(
        (
            p["Direction"],
            p["IpProtocol"].lower(),
            p["PortRange"],
            p.get("SourceCidrIp") or p.get("SourceGroupId") or p.get("DestCidrIp") or p.get("DestGroupId") or "",
            p.get("Description") or "",
        )
        for p in answer["Permissions"]["Permission"]
    )


def one_line(output: str) -> str:
    """Terraform's output with its line wrapping undone, to look for a whole message in it."""
    return " ".join(output.split())


def permission(direction: str, protocol: str, ports: str, peer: str, description: str = "") -> dict[str, Any]:
    cidr_field, group_field = (
        ("SourceCidrIp", "SourceGroupId") if direction == "ingress" else ("DestCidrIp", "DestGroupId")
    )
    return {
        "IpProtocol": protocol,
        "PortRange": ports,
        (cidr_field if "/" in peer else group_field): peer,
        "Description": description or None,
    }


def test_groups_naming_each_other(terraform: TerraformRun, fake_cloud: Any) -> None:
    tf = terraform
    groups_before = len(objects(fake_cloud, "security_groups"))
    tf.write(MUTUAL_GROUPS % {"vpc": DEMO_VPC_ID})
    tf.apply()
    resources = tf.resources()
    web, db = resources["ecsclone_security_group.web"]["id"], resources["ecsclone_security_group.db"]["id"]

    # Exactly the rule resources' rules, each in its group, each peer the other group.
    assert rules_of(fake_cloud, web) == [
        ("egress", "tcp", "5432/5432", db, ""),
        ("ingress", "tcp", "443/443", "0.0.0.0/0", ""),
        ("ingress", "tcp", "8080/8080", db, ""),
    ]
    assert rules_of(fake_cloud, db) == [("ingress", "tcp", "5432/5432", web, "postgres from web")]
    # A rule's ID is its canonical form (the configuration's "TCP" in lower case, defaults filled in).
    assert resources["ecsclone_security_group_rule.db_from_web"]["id"] == (
        f"{db}:ingress:tcp:5432/5432:{web}:accept:1:intranet"
    )
    assert resources["ecsclone_security_group_rule.db_from_web"]["ip_protocol"] == "TCP"
    # The groups record no rules of their own.
    assert resources["ecsclone_security_group.web"]["ingress"] == []

    # A rule create is one Authorize call with one permission, carrying a ClientToken. Rules of one group
    # applied at once may meet OperationConflict (another change of the group in progress): they are sent again.
    authorize_calls = fake_cloud.calls("AuthorizeSecurityGroup") + fake_cloud.calls("AuthorizeSecurityGroupEgress")
    assert len([call for call in authorize_calls if call["code"] == "OK"]) == 4
    assert {call["code"] for call in authorize_calls} <= {"OK", "OperationConflict"}
    for call in authorize_calls:
        assert "Permissions.1.IpProtocol" in call["params"]
        assert "Permissions.2.IpProtocol" not in call["params"]
        assert call["params"].get("ClientToken")

    assert not tf.plan_has_changes()

    # A rule revoked behind Terraform's back is planned for creation and comes back.
    client(fake_cloud).ecs(
        "RevokeSecurityGroup", {"SecurityGroupId": db, "Permissions": [permission("ingress", "tcp", "5432/5432", web)]}
    )
    assert "ecsclone_security_group_rule.db_from_web will be created" in tf.plan_text()
    tf.apply()
    assert rules_of(fake_cloud, db) == [("ingress", "tcp", "5432/5432", web, "postgres from web")]
    assert not tf.plan_has_changes()

    # A description changed elsewhere is drift: the rule is replaced to get the configured one back.
    cloud = client(fake_cloud)
    cloud.ecs(
        "RevokeSecurityGroup", {"SecurityGroupId": db, "Permissions": [permission("ingress", "tcp", "5432/5432", web)]}
    )
    cloud.ecs(
        "AuthorizeSecurityGroup",
        {"SecurityGroupId": db, "Permissions": [permission("ingress", "tcp", "5432/5432", web, "changed by hand")]},
    )
    assert "ecsclone_security_group_rule.db_from_web must be replaced" in tf.plan_text()
    tf.apply()
    assert rules_of(fake_cloud, db) == [("ingress", "tcp", "5432/5432", web, "postgres from web")]

    # A rule added by hand to a manage_rules = false group is not the group's drift, and nothing removes it.
    cloud.ecs(
        "AuthorizeSecurityGroup",
        {"SecurityGroupId": web, "Permissions": [permission("ingress", "udp", "53/53", "10.0.0.0/8")]},
    )
    assert not tf.plan_has_changes()
    assert ("ingress", "udp", "53/53", "10.0.0.0/8", "") in rules_of(fake_cloud, web)

    # Import by ID adopts a rule with an empty plan after it.
    rule_id = tf.resources()["ecsclone_security_group_rule.web_to_db"]["id"]
    assert rule_id == f"{web}:egress:tcp:5432/5432:{db}:accept:1:intranet"
    tf.state_rm("ecsclone_security_group_rule.web_to_db")
    tf.import_("ecsclone_security_group_rule.web_to_db", rule_id)
    assert tf.resources()["ecsclone_security_group_rule.web_to_db"]["peer_security_group_id"] == db
    assert not tf.plan_has_changes()

    tf.destroy()
    assert len(objects(fake_cloud, "security_groups")) == groups_before
    assert {web, db}.isdisjoint(g["group_id"] for g in objects(fake_cloud, "security_groups"))


def test_import_of_a_missing_or_malformed_rule_id_says_what_is_wrong(terraform: TerraformRun, fake_cloud: Any) -> None:
    tf = terraform
    tf.write(
        f"""
resource "ecsclone_security_group" "web" {{
  vpc_id       = "{DEMO_VPC_ID}"
  manage_rules = false
}}

resource "ecsclone_security_group_rule" "ssh" {{
  security_group_id = ecsclone_security_group.web.id
  direction         = "ingress"
  ip_protocol       = "tcp"
  port_range        = "22/22"
  cidr_ip           = "10.0.0.0/8"
}}
"""
    )
    tf.apply()
    web = tf.resources()["ecsclone_security_group.web"]["id"]
    tf.state_rm("ecsclone_security_group_rule.ssh")

    malformed = tf.engine.run(
        "import", "-input=false", "-no-color", "ecsclone_security_group_rule.ssh", "sg-1:tcp", check=False
    )
    output = one_line(malformed.stdout + malformed.stderr)
    assert malformed.returncode != 0
    assert "Invalid ecsclone_security_group_rule import ID" in output
    assert "<security group>:<direction>:<protocol>" in output

    missing_id = f"{web}:ingress:tcp:80/80:10.0.0.0/8:accept:1:intranet"
    missing = tf.engine.run(
        "import", "-input=false", "-no-color", "ecsclone_security_group_rule.ssh", missing_id, check=False
    )
    assert missing.returncode != 0
    assert "was not found" in missing.stdout + missing.stderr

    tf.import_("ecsclone_security_group_rule.ssh", f"{web}:ingress:tcp:22/22:10.0.0.0/8:accept:1:intranet")
    assert not tf.plan_has_changes()
    tf.destroy()


def test_rule_blocks_in_a_group_without_managed_rules_are_refused(terraform: TerraformRun, fake_cloud: Any) -> None:
    terraform.write(
        f"""
resource "ecsclone_security_group" "web" {{
  vpc_id       = "{DEMO_VPC_ID}"
  manage_rules = false
  ingress {{
    ip_protocol = "tcp"
    port_range  = "22/22"
    cidr_ip     = "0.0.0.0/0"
  }}
}}
"""
    )
    output = one_line(terraform.apply_fails())
    assert "manage_rules = false: the rules of this group are ecsclone_security_group_rule resources" in output
    assert "remove the ingress/egress blocks" in output
    assert fake_cloud.calls("CreateSecurityGroup") == []


def test_bad_rules_are_refused_before_any_call(terraform: TerraformRun, fake_cloud: Any) -> None:
    terraform.write(
        f"""
resource "ecsclone_security_group" "web" {{
  vpc_id       = "{DEMO_VPC_ID}"
  manage_rules = false
}}

resource "ecsclone_security_group_rule" "sideways" {{
  security_group_id = ecsclone_security_group.web.id
  direction         = "inbound"
  ip_protocol       = "tcp"
  port_range        = "22/22"
  cidr_ip           = "0.0.0.0/0"
}}

resource "ecsclone_security_group_rule" "two_peers" {{
  security_group_id      = ecsclone_security_group.web.id
  direction              = "ingress"
  ip_protocol            = "all"
  cidr_ip                = "0.0.0.0/0"
  peer_security_group_id = "sg-other"
}}

resource "ecsclone_security_group_rule" "no_peer" {{
  security_group_id = ecsclone_security_group.web.id
  direction         = "egress"
  ip_protocol       = "all"
}}
"""
    )
    output = one_line(terraform.apply_fails())
    assert "Invalid rule direction" in output
    assert "direction = 'inbound'" in output
    assert "Rule with two peers" in output
    assert "Rule without a peer" in output
    assert "set cidr_ip (e.g. 0.0.0.0/0) or peer_security_group_id" in output
    assert fake_cloud.calls("CreateSecurityGroup") == []

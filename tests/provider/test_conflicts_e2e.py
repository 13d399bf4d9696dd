"""The conflict codes Alibaba answers while objects are busy, each met by the provider (real Terraform against the
fake) and handled: sent again until the state has passed, as terraform-provider-alicloud does.

Each test asserts what the user sees (the apply or destroy succeeds, the objects are there or gone, none twice)
and, from the call log, that the code was met.
"""

from __future__ import annotations

from typing import Any

import pytest

from fake_api.seeds import DEMO_IMAGE_ID, DEMO_SECURITY_GROUP_ID, DEMO_VPC_ID, DEMO_VSWITCH_ID

from .cloud import client, objects
from .conftest import TerraformRun

pytestmark = pytest.mark.e2e


def codes(fake: Any, action: str) -> list[str]:
    return [call["code"] for call in fake.calls(action)]


def met(fake: Any, action: str, code: str) -> bool:
    """Whether ``action`` was answered ``code`` at least once and succeeded in the end."""
    answered = codes(fake, action)
    return code in answered and answered[-1] == "OK"


NETWORK_AND_CLONE = """
resource "ecsclone_vpc" "net" {
  cidr_block = "10.30.0.0/16"
}

resource "ecsclone_vswitch" "a" {
  vpc_id     = ecsclone_vpc.net.id
  zone_id    = "cn-hangzhou-h"
  cidr_block = "10.30.1.0/24"
}

resource "ecsclone_vswitch" "b" {
  vpc_id     = ecsclone_vpc.net.id
  zone_id    = "cn-hangzhou-i"
  cidr_block = "10.30.2.0/24"
}

resource "ecsclone_security_group" "web" {
  vpc_id = ecsclone_vpc.net.id
  ingress {
    ip_protocol = "tcp"
    port_range  = "22/22"
    cidr_ip     = "0.0.0.0/0"
  }
}

resource "ecsclone_instance_group" "clones" {
  image_id           = "%(image)s"
  instance_type      = "ecs.g7.large"
  vswitch_id         = ecsclone_vswitch.a.id
  security_group_ids = [ecsclone_security_group.web.id]
  amount             = 2
}
"""


def test_destroy_waits_for_released_instances_and_for_one_vswitch_task_at_a_time(
    terraform: TerraformRun, fake_cloud: Any
) -> None:
    # Deleting a vSwitch takes a second here: the two vSwitches Terraform deletes at once meet TaskConflict.
    fake_cloud.cloud.set_transition("vswitch_delete", "seconds", 1.0)
    terraform.write(NETWORK_AND_CLONE % {"image": DEMO_IMAGE_ID})
    terraform.apply()
    vpc_id = terraform.resources()["ecsclone_vpc.net"]["id"]
    terraform.destroy()
    assert not [v for v in objects(fake_cloud, "vpcs") if v["vpc_id"] == vpc_id]
    assert not [v for v in objects(fake_cloud, "vswitches") if v["vpc_id"] == vpc_id]
    # The clones' network interfaces outlive them for a moment: the group and the vSwitch wait for them.
    assert met(fake_cloud, "DeleteSecurityGroup", "DependencyViolation")
    assert "TaskConflict" in codes(fake_cloud, "DeleteVSwitch")
    assert codes(fake_cloud, "DeleteVSwitch").count("OK") == 2


PENDING_NETWORK = """
resource "ecsclone_vswitch" "made_here" {
  vpc_id     = "%(vpc)s"
  zone_id    = "cn-hangzhou-h"
  cidr_block = "10.40.%(block)d.0/24"
}

resource "ecsclone_security_group" "made_here" {
  vpc_id = "%(vpc)s"
}
%(group)s
"""

GROUP_ON = """
resource "ecsclone_instance_group" "clones" {
  image_id           = "%(image)s"
  instance_type      = "ecs.g7.large"
  vswitch_id         = "%(vswitch)s"
  security_group_ids = [ecsclone_security_group.made_here.id]
  amount             = 1
}
"""


def test_a_pending_vpc_and_vswitch_made_elsewhere_are_waited_for(terraform: TerraformRun, fake_cloud: Any) -> None:
    # Long enough for Terraform to plan and reach the create while the VPC (then a vSwitch) is still Pending.
    fake_cloud.cloud.set_transition("vpc", "seconds", 6)
    fake_cloud.cloud.set_transition("vswitch", "seconds", 6)
    terraform.write("")
    terraform.init()
    api = client(fake_cloud)
    vpc_id = api.vpc("CreateVpc", {"CidrBlock": "10.40.0.0/16"})["VpcId"]
    terraform.write(PENDING_NETWORK % {"vpc": vpc_id, "block": 1, "group": ""})
    terraform.apply()
    assert met(fake_cloud, "CreateVSwitch", "IncorrectVpcStatus")
    assert met(fake_cloud, "CreateSecurityGroup", "IncorrectVpcStatus")

    # A vSwitch made elsewhere, still Pending: a launch into it and another vSwitch of its VPC wait for it.
    other = api.vpc("CreateVSwitch", {"VpcId": vpc_id, "ZoneId": "cn-hangzhou-i", "CidrBlock": "10.40.9.0/24"})
    fake_cloud.call_log.clear()
    terraform.write(
        PENDING_NETWORK
        % {"vpc": vpc_id, "block": 2, "group": GROUP_ON % {"image": DEMO_IMAGE_ID, "vswitch": other["VSwitchId"]}}
    )
    terraform.apply()
    assert met(fake_cloud, "CreateVSwitch", "IncorrectVSwitchStatus")
    assert met(fake_cloud, "RunInstances", "IncorrectVSwitchStatus")
    assert codes(fake_cloud, "RunInstances").count("OK") == 1
    (launched,) = terraform.resources()["ecsclone_instance_group.clones"]["instance_ids"]
    in_other = [i["instance_id"] for i in objects(fake_cloud, "instances") if i["vswitch_id"] == other["VSwitchId"]]
    assert in_other == [launched]
    terraform.destroy()


def test_an_image_of_an_instance_still_being_created_waits_for_it(terraform: TerraformRun, fake_cloud: Any) -> None:
    fake_cloud.cloud.set_transition("instance", "seconds", 6)  # still launching when Terraform gets to it
    terraform.write("")
    terraform.init()
    api = client(fake_cloud)
    (instance_id,) = api.ecs(
        "RunInstances",
        {
            "ImageId": DEMO_IMAGE_ID,
            "InstanceType": "ecs.g7.large",
            "VSwitchId": DEMO_VSWITCH_ID,
            "SecurityGroupId": DEMO_SECURITY_GROUP_ID,
        },
    )["InstanceIdSets"]["InstanceIdSet"]
    terraform.write(f'resource "ecsclone_image" "of_new" {{\n  instance_id = "{instance_id}"\n}}\n')
    terraform.apply()
    assert met(fake_cloud, "CreateImage", "IncorrectInstanceStatus")
    assert codes(fake_cloud, "CreateImage").count("OK") == 1
    assert terraform.resources()["ecsclone_image.of_new"]["status"] == "Available"
    terraform.destroy()


RULES_OF_ONE_GROUP = f"""
resource "ecsclone_security_group" "web" {{
  vpc_id       = "{DEMO_VPC_ID}"
  manage_rules = false
}}
""" + "".join(
    f"""
resource "ecsclone_security_group_rule" "port_{port}" {{
  security_group_id = ecsclone_security_group.web.id
  direction         = "ingress"
  ip_protocol       = "tcp"
  port_range        = "{port}/{port}"
  cidr_ip           = "0.0.0.0/0"
}}
"""
    for port in (80, 443, 8080, 8443)
)


def test_rules_of_one_group_applied_at_once_meet_operation_conflict(terraform: TerraformRun, fake_cloud: Any) -> None:
    # A change of a group takes half a second here: the four rules Terraform creates at once overlap.
    fake_cloud.cloud.set_transition("request", "seconds", 0.5)
    terraform.write(RULES_OF_ONE_GROUP)
    terraform.apply()
    answered = codes(fake_cloud, "AuthorizeSecurityGroup")
    assert "OperationConflict" in answered and answered.count("OK") == 4
    group_id = terraform.resources()["ecsclone_security_group.web"]["id"]
    (group,) = [g for g in objects(fake_cloud, "security_groups") if g["group_id"] == group_id]
    assert sorted(r["port_range"] for r in group["rules"]) == ["443/443", "80/80", "8080/8080", "8443/8443"]
    fake_cloud.call_log.clear()
    terraform.destroy()
    assert set(codes(fake_cloud, "RevokeSecurityGroup")) <= {"OK", "OperationConflict"}


def test_a_create_whose_answer_was_lost_is_sent_again_with_its_token_and_made_once(
    terraform: TerraformRun, fake_cloud: Any
) -> None:
    # The VPC is made, the answer is lost (connection reset); the client sends the call again with the same
    # ClientToken while the first one is still being processed, then gets the first call's VPC.
    fake_cloud.cloud.set_transition("client_token", "seconds", 1.0)
    fake_cloud.faults.add_spec({"action": "CreateVpc", "schedule": [{"error": "drop", "after": True}]})
    terraform.write('resource "ecsclone_vpc" "net" {\n  cidr_block = "10.50.0.0/16"\n}\n')
    terraform.apply()
    answered = [(call["code"], call["http_status"]) for call in fake_cloud.calls("CreateVpc")]
    assert answered[0] == ("OK", 0) and ("LastTokenProcessing", 403) in answered and answered[-1] == ("OK", 200)
    made = [v for v in objects(fake_cloud, "vpcs") if v["cidr_block"] == "10.50.0.0/16"]
    assert [v["vpc_id"] for v in made] == [terraform.resources()["ecsclone_vpc.net"]["id"]]
    terraform.destroy()


SUBSCRIPTION = f"""
resource "ecsclone_instance_group" "clones" {{
  image_id             = "{DEMO_IMAGE_ID}"
  instance_type        = "ecs.g7.large"
  vswitch_id           = "{DEMO_VSWITCH_ID}"
  security_group_ids   = ["{DEMO_SECURITY_GROUP_ID}"]
  amount               = 2
  instance_charge_type = "PrePaid"
  period               = 1
  period_unit          = "Month"
}}
"""


def test_subscription_clones_are_converted_to_pay_as_you_go_then_released(
    terraform: TerraformRun, fake_cloud: Any
) -> None:
    terraform.write(SUBSCRIPTION)
    terraform.apply()
    ids = terraform.resources()["ecsclone_instance_group.clones"]["instance_ids"]
    assert {i["charge_type"] for i in objects(fake_cloud, "instances") if i["instance_id"] in ids} == {"PrePaid"}
    terraform.destroy()
    assert not {i["instance_id"] for i in objects(fake_cloud, "instances")} & set(ids)
    (conversion,) = fake_cloud.calls("ModifyInstanceChargeType")
    assert conversion["code"] == "OK" and conversion["params"]["InstanceChargeType"] == "PostPaid"
    # Never refused for its billing: the release waited for the billing order instead.
    released = codes(fake_cloud, "DeleteInstances")
    assert "ChargeTypeViolation" not in released and released[-1] == "OK"
    assert "LastTokenProcessing" in released

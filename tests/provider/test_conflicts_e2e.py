"""The conflict codes Alibaba answers while objects are busy, each met by the provider (real Terraform against the
fake) and handled: sent again until the state has passed, as terraform-provider-alicloud does.

Each test asserts what the user sees (the apply or destroy succeeds, the objects are there or gone, none twice)
and, from the call log, that the code was met.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
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


def apply_until_met(terraform: TerraformRun, fake: Any, waits: list[tuple[str, str]], unblock: Callable[[], object]) -> None:
    """Apply in the background; once the provider has met every (action, code) of ``waits``, ``unblock()`` lets
    the state pass (objects here advance only when described), then the apply must finish."""
    failure: list[BaseException] = []

    def apply() -> None:
        try:
            terraform.apply()
        except BaseException as error:  # noqa: BLE001 -- re-raised in the test's thread
            failure.append(error)

    worker = threading.Thread(target=apply)
    worker.start()
    deadline = time.monotonic() + 120
    while not all(code in codes(fake, action) for action, code in waits) and worker.is_alive():
        assert time.monotonic() < deadline, [(a, codes(fake, a)) for a, _ in waits]
        time.sleep(0.05)
    unblock()
    worker.join(timeout=120)
    if failure:
        raise failure[0]
    for action, code in waits:
        assert met(fake, action, code), (action, codes(fake, action))


def test_a_pending_vpc_and_vswitch_made_elsewhere_are_waited_for(terraform: TerraformRun, fake_cloud: Any) -> None:
    # A VPC made elsewhere stays Pending until the test describes it: the provider's creates meet it Pending.
    fake_cloud.cloud.set_transition("vpc", "describes", 1)
    api = client(fake_cloud)
    vpc_id = api.vpc("CreateVpc", {"CidrBlock": "10.40.0.0/16"})["VpcId"]
    terraform.write(PENDING_NETWORK % {"vpc": vpc_id, "block": 1, "group": ""})
    apply_until_met(
        terraform,
        fake_cloud,
        [("CreateVSwitch", "IncorrectVpcStatus"), ("CreateSecurityGroup", "IncorrectVpcStatus")],
        lambda: api.vpc("DescribeVpcs", {"VpcId": vpc_id}),
    )

    # A vSwitch made elsewhere, still Pending (the launch reads it once, the test a second time): a launch into it
    # and another vSwitch of its VPC wait for it.
    fake_cloud.cloud.set_transition("vswitch", "describes", 2)
    other = api.vpc("CreateVSwitch", {"VpcId": vpc_id, "ZoneId": "cn-hangzhou-i", "CidrBlock": "10.40.9.0/24"})
    fake_cloud.call_log.clear()
    terraform.write(
        PENDING_NETWORK
        % {"vpc": vpc_id, "block": 2, "group": GROUP_ON % {"image": DEMO_IMAGE_ID, "vswitch": other["VSwitchId"]}}
    )
    apply_until_met(
        terraform,
        fake_cloud,
        [("CreateVSwitch", "IncorrectVSwitchStatus"), ("RunInstances", "IncorrectVSwitchStatus")],
        lambda: api.vpc("DescribeVSwitches", {"VSwitchId": other["VSwitchId"]}),
    )
    assert codes(fake_cloud, "RunInstances").count("OK") == 1
    (launched,) = terraform.resources()["ecsclone_instance_group.clones"]["instance_ids"]
    in_other = [i["instance_id"] for i in objects(fake_cloud, "instances") if i["vswitch_id"] == other["VSwitchId"]]
    assert in_other == [launched]
    terraform.destroy()


def test_an_image_of_an_instance_still_being_created_waits_for_it(terraform: TerraformRun, fake_cloud: Any) -> None:
    # A launch made elsewhere stays in its transition until described twice (once by the provider, once here).
    fake_cloud.cloud.set_transition("instance", "describes", 2)
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
    apply_until_met(
        terraform,
        fake_cloud,
        [("CreateImage", "IncorrectInstanceStatus")],
        lambda: api.ecs("DescribeInstanceAttribute", {"InstanceId": instance_id}),
    )
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

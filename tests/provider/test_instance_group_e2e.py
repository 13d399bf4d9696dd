"""ecsclone_instance_group with real Terraform against the fake cloud: launching, growing, shrinking, drift,
stock, quota, throttling and the source's private IP."""

from __future__ import annotations

from typing import Any

import pytest

from fake_api.seeds import (
    DEMO_IMAGE_ID,
    DEMO_SECURITY_GROUP_ID,
    DEMO_SOURCE_PRIVATE_IP,
    DEMO_VSWITCH_ID,
    DEMO_ZONE_ID,
)

from .cloud import client, deleted_by_hand, objects
from .conftest import TerraformRun

pytestmark = pytest.mark.e2e


def group(amount: int, *, extra: str = "", instance_type: str = "ecs.g7.large") -> str:
    return f"""
resource "ecsclone_instance_group" "clones" {{
  image_id           = "{DEMO_IMAGE_ID}"
  instance_type      = "{instance_type}"
  vswitch_id         = "{DEMO_VSWITCH_ID}"
  security_group_ids = ["{DEMO_SECURITY_GROUP_ID}"]
  amount             = {amount}
{extra}
}}
"""


def instance_ids(fake: Any) -> set[str]:
    return {i["instance_id"] for i in objects(fake, "instances")}


def test_group_lifecycle(terraform: TerraformRun, fake_cloud: Any) -> None:
    tf = terraform
    seeded = instance_ids(fake_cloud)
    tf.write(group(2, extra='  instance_name = "clone-[1,2]"\n  tags = { env = "test" }'))
    tf.apply()
    state = tf.resources()["ecsclone_instance_group.clones"]
    assert len(state["instance_ids"]) == 2 and state["created_amount"] == 2
    assert instance_ids(fake_cloud) - seeded == set(state["instance_ids"])
    assert state["zone_id"] == DEMO_ZONE_ID  # from the vSwitch
    assert state["effective_instance_type"] == "ecs.g7.large"
    assert all(ip.startswith("192.168.1.") for ip in state["private_ips"])
    assert len(fake_cloud.calls("RunInstances")) == 1
    assert not tf.plan_has_changes()

    # Grow in place: one more RunInstances for the difference only.
    tf.write(group(3, extra='  instance_name = "clone-[1,2]"\n  tags = { env = "test" }'))
    tf.apply()
    grown = tf.resources()["ecsclone_instance_group.clones"]
    assert grown["id"] == state["id"] and grown["instance_ids"][:2] == state["instance_ids"]
    assert fake_cloud.calls("RunInstances")[-1]["params"]["Amount"] == "1"
    assert not tf.plan_has_changes()

    # Shrink in place: the last instance is released; rename the rest.
    tf.write(group(2, extra='  instance_name = "renamed"\n  tags = { env = "test" }'))
    tf.apply()
    shrunk = tf.resources()["ecsclone_instance_group.clones"]
    assert shrunk["instance_ids"] == state["instance_ids"]
    assert instance_ids(fake_cloud) - seeded == set(state["instance_ids"])
    names = {i["instance_id"]: i.get("instance_name") or i.get("name") for i in objects(fake_cloud, "instances")}
    assert {names[i] for i in state["instance_ids"]} == {"renamed"}
    assert not tf.plan_has_changes()

    # Drift: an instance released behind Terraform's back is launched again.
    deleted_by_hand(fake_cloud, "instance", state["instance_ids"][0])
    assert tf.plan_has_changes()
    tf.apply()
    healed = tf.resources()["ecsclone_instance_group.clones"]
    assert len(healed["instance_ids"]) == 2 and state["instance_ids"][1] in healed["instance_ids"]
    assert not tf.plan_has_changes()

    # Import by instance IDs.
    tf.state_rm("ecsclone_instance_group.clones")
    tf.import_("ecsclone_instance_group.clones", ",".join(healed["instance_ids"]))
    assert tf.resources()["ecsclone_instance_group.clones"]["instance_ids"] == healed["instance_ids"]

    tf.destroy()
    assert instance_ids(fake_cloud) == seeded


def test_names_and_tags_changed_elsewhere_are_set_back(terraform: TerraformRun, fake_cloud: Any) -> None:
    terraform.write(group(2, extra='  instance_name = "clone-[1,2]"\n  tags = { env = "test" }'))
    terraform.apply()
    first, second = terraform.resources()["ecsclone_instance_group.clones"]["instance_ids"]
    api = client(fake_cloud)
    api.ecs("ModifyInstanceAttribute", {"InstanceId": first, "InstanceName": "hand-made"})
    api.ecs(
        "TagResources",
        {"ResourceType": "instance", "ResourceId": [second], "Tag": [{"Key": "owner", "Value": "someone"}]},
    )
    plan = terraform.plan_text()
    assert '"hand-made" -> "clone-[1,2]"' in plan and "owner" in plan
    terraform.apply()
    instances = {i["instance_id"]: i for i in objects(fake_cloud, "instances")}
    assert [instances[i]["name"] for i in (first, second)] == ["clone-01", "clone-02"]
    assert [instances[i]["tags"] for i in (first, second)] == [{"env": "test"}, {"env": "test"}]
    assert not terraform.plan_has_changes()
    terraform.destroy()


def test_import_fills_in_the_system_disk(terraform: TerraformRun, fake_cloud: Any) -> None:
    extra = '  instance_charge_type = "PostPaid"\n  system_disk_category = "cloud_essd"\n  system_disk_size = 60'
    terraform.write(group(2, extra=extra))
    terraform.apply()
    ids = terraform.resources()["ecsclone_instance_group.clones"]["instance_ids"]
    terraform.state_rm("ecsclone_instance_group.clones")
    terraform.import_("ecsclone_instance_group.clones", ",".join(ids))
    imported = terraform.resources()["ecsclone_instance_group.clones"]
    assert (imported["system_disk_category"], imported["system_disk_size"]) == ("cloud_essd", 60)
    # The configuration that made the group matches the imported state: nothing to replace.
    assert not terraform.plan_has_changes()
    terraform.destroy()


def test_an_imported_group_keeps_what_the_configuration_leaves_unset(terraform: TerraformRun, fake_cloud: Any) -> None:
    extra = (
        '  instance_charge_type = "PrePaid"\n  period = 1\n  internet_max_bandwidth_out = 5\n'
        '  system_disk_category = "cloud_essd"\n  system_disk_size = 60'
    )
    terraform.write(group(2, extra=extra))
    terraform.apply()
    ids = terraform.resources()["ecsclone_instance_group.clones"]["instance_ids"]
    terraform.state_rm("ecsclone_instance_group.clones")
    terraform.import_("ecsclone_instance_group.clones", ",".join(ids))
    imported = terraform.resources()["ecsclone_instance_group.clones"]
    assert imported["instance_charge_type"] == "PrePaid" and imported["internet_max_bandwidth_out"] == 5
    assert imported["period"] is None  # DescribeInstances does not tell the subscription period

    # A configuration leaving them out: the imported values stand, nothing is replaced.
    terraform.write(group(2, extra="  period = 1"))
    plan = terraform.plan_text()
    assert "must be replaced" not in plan and "forces replacement" not in plan
    assert "period" in plan and "1 to change" in plan  # recorded in place: it counts only at launch or renewal
    terraform.apply()
    assert sorted(i["instance_id"] for i in objects(fake_cloud, "instances") if i["instance_id"] in ids) == sorted(ids)
    assert not terraform.plan_has_changes()
    terraform.destroy()


def test_unset_charge_type_and_bandwidth_are_reported_after_launch(terraform: TerraformRun, fake_cloud: Any) -> None:
    terraform.write(group(1))
    terraform.apply()
    state = terraform.resources()["ecsclone_instance_group.clones"]
    assert (state["instance_charge_type"], state["internet_max_bandwidth_out"]) == ("PostPaid", 0)
    assert (state["system_disk_category"], state["system_disk_size"]) == (None, None)  # not read back: no call spent
    assert not terraform.plan_has_changes()
    terraform.destroy()


def test_all_instances_gone_means_the_group_is_recreated(terraform: TerraformRun, fake_cloud: Any) -> None:
    terraform.write(group(1))
    terraform.apply()
    [instance] = terraform.resources()["ecsclone_instance_group.clones"]["instance_ids"]
    deleted_by_hand(fake_cloud, "instance", instance)
    assert "will be created" in terraform.plan_text()
    terraform.apply()
    assert terraform.resources()["ecsclone_instance_group.clones"]["instance_ids"] != [instance]
    terraform.destroy()


def test_sold_out_type_launches_a_similar_one_and_says_so(terraform: TerraformRun, fake_cloud: Any) -> None:
    fake_cloud.cloud.set_stock("cn-hangzhou", DEMO_ZONE_ID, "ecs.g7.large", "WithoutStock")
    terraform.write(group(1, extra="  allow_similar_instance_type = true"))
    result = terraform.apply()
    state = terraform.resources()["ecsclone_instance_group.clones"]
    chosen = state["effective_instance_type"]
    assert chosen != "ecs.g7.large"
    assert f"ecs.g7.large is out of stock in {DEMO_ZONE_ID}; launched the similar {chosen}" in terraform.warnings(
        result
    )
    assert fake_cloud.calls("RunInstances")[0]["params"]["InstanceType"] == chosen
    assert not terraform.plan_has_changes()
    terraform.destroy()


def test_sold_out_type_without_permission_names_the_type_and_zone(terraform: TerraformRun, fake_cloud: Any) -> None:
    fake_cloud.cloud.set_stock("cn-hangzhou", DEMO_ZONE_ID, "ecs.g7.large", "ClosedWithoutStock")
    terraform.write(group(1))
    output = terraform.apply_fails()
    assert f"ecs.g7.large is out of stock in {DEMO_ZONE_ID}" in output
    assert "ClosedWithoutStock" in output and "allow_similar_instance_type" in output
    assert fake_cloud.calls("RunInstances") == []


def test_quota_short_at_first_launch_then_raised_completes_the_group(terraform: TerraformRun, fake_cloud: Any) -> None:
    seeded = len(objects(fake_cloud, "instances"))
    fake_cloud.cloud.set_quota("cn-hangzhou", seeded + 3)
    terraform.write(group(5))
    result = terraform.apply()
    state = terraform.resources()["ecsclone_instance_group.clones"]
    assert "3 of 5 instances created" in terraform.warnings(result)
    assert state["created_amount"] == 3 and len(state["instance_ids"]) == 3
    # The group reads as short: the plan shows the missing clones, not "No changes".
    plan = terraform.plan_text()
    assert "3 of 5 instances exist; apply launches the missing 2" in plan and "1 to change" in plan
    # Still no room: the apply keeps the three, says so, and does not fail.
    again = terraform.apply()
    assert "3 of 5 instances created" in terraform.warnings(again)
    assert terraform.resources()["ecsclone_instance_group.clones"]["instance_ids"] == state["instance_ids"]
    # The quota is raised: the next apply launches the missing two, and the group is complete.
    fake_cloud.cloud.set_quota("cn-hangzhou", seeded + 10)
    terraform.apply()
    complete = terraform.resources()["ecsclone_instance_group.clones"]
    assert complete["created_amount"] == 5 and complete["instance_ids"][:3] == state["instance_ids"]
    assert fake_cloud.calls("RunInstances")[-1]["params"]["Amount"] == "2"
    assert not terraform.plan_has_changes()
    terraform.destroy()
    assert len(objects(fake_cloud, "instances")) == seeded


def test_private_ip_is_kept_only_when_free(terraform: TerraformRun, fake_cloud: Any) -> None:
    extra = '  private_ip = "%s"'
    terraform.write(group(1, extra=extra % "192.168.1.77"))
    terraform.apply()
    assert terraform.resources()["ecsclone_instance_group.clones"]["private_ips"] == ["192.168.1.77"]
    terraform.destroy()
    # The source's own address is taken (the source still runs): the API picks another.
    terraform.write(group(1, extra=extra % DEMO_SOURCE_PRIVATE_IP))
    terraform.apply()
    [address] = terraform.resources()["ecsclone_instance_group.clones"]["private_ips"]
    assert address != DEMO_SOURCE_PRIVATE_IP and address.startswith("192.168.1.")
    assert "PrivateIpAddress" not in fake_cloud.calls("RunInstances")[-1]["params"]
    terraform.destroy()


def test_throttling_does_not_break_or_duplicate(terraform: TerraformRun, fake_cloud: Any) -> None:
    seeded = instance_ids(fake_cloud)
    groups_before = len(objects(fake_cloud, "security_groups"))
    fake_cloud.faults.add_spec({"action": "*", "error": "Throttling", "probability": 0.3, "seed": 1})
    terraform.write(
        group(4, extra="  security_group_ids = [ecsclone_security_group.g.id]").replace(
            f'  security_group_ids = ["{DEMO_SECURITY_GROUP_ID}"]\n', ""
        )
        + f"""
resource "ecsclone_security_group" "g" {{
  vpc_id = "{objects(fake_cloud, "vpcs")[0]["vpc_id"]}"
  ingress {{
    ip_protocol = "tcp"
    port_range  = "22/22"
    cidr_ip     = "0.0.0.0/0"
  }}
}}
"""
    )
    terraform.apply()
    assert any(c["code"] == "Throttling" for c in fake_cloud.calls())
    assert len(instance_ids(fake_cloud) - seeded) == 4
    assert len(objects(fake_cloud, "security_groups")) == groups_before + 1
    fake_cloud.faults.clear()
    terraform.destroy()
    assert instance_ids(fake_cloud) == seeded


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("", "amount"),
        ('  min_amount = 5\n  instance_charge_type = "Monthly"', "instance_charge_type"),
    ],
)
def test_bad_input_points_at_the_attribute(terraform: TerraformRun, fake_cloud: Any, extra: str, message: str) -> None:
    terraform.write(group(0 if not extra else 2, extra=extra))
    output = terraform.apply_fails()
    assert f"Invalid {message}" in output
    assert f"{message} " in output  # the quoted configuration line
    assert fake_cloud.calls("RunInstances") == []


@pytest.mark.fake_profile("instant")  # the calls are counted, not the polls while releases take their time
def test_a_group_of_100_is_read_updated_and_destroyed_100_ids_a_call(terraform: TerraformRun, fake_cloud: Any) -> None:
    # One DescribeInstances per 100 instances wherever the group is read, shrunk or destroyed (it once made
    # one per instance), and one DeleteInstances per 100.
    tf = terraform
    fake_cloud.cloud.set_quota("cn-hangzhou", 300)
    tf.write(group(100))
    tf.apply()
    ids = tf.resources()["ecsclone_instance_group.clones"]["instance_ids"]
    assert len(ids) == 100

    def describes_since(mark: int) -> list[list[str]]:
        import json

        return [json.loads(c["params"]["InstanceIds"]) for c in fake_cloud.calls("DescribeInstances")[mark:]]

    mark = len(fake_cloud.calls("DescribeInstances"))
    tf.write(group(40))
    tf.apply()  # refresh (one read), then release 60: one read, one DeleteInstances, polls until gone
    assert len(fake_cloud.calls("DeleteInstances")) == 1
    assert fake_cloud.calls("DeleteInstances")[0]["params"]["InstanceId.60"] == ids[-1]
    reads = describes_since(mark)
    assert all(len(batch) in (100, 60, 40) for batch in reads), [len(b) for b in reads]
    assert len(reads) <= 6, "a read, the release, its polls and the wait for Running: never one per instance"

    mark = len(fake_cloud.calls("DescribeInstances"))
    tf.destroy()
    reads = describes_since(mark)
    assert len(fake_cloud.calls("DeleteInstances")) == 2
    assert all(len(batch) == 40 for batch in reads) and len(reads) <= 4, [len(b) for b in reads]
    assert not set(ids) & instance_ids(fake_cloud)


SETTINGS = """
  description                   = "clone of web-1"
  user_data                     = "IyEvYmluL3NoCg=="
  internet_charge_type          = "PayByTraffic"
  internet_max_bandwidth_out    = 5
  system_disk_category          = "cloud_essd"
  system_disk_performance_level = "PL1"
  data_disk {
    category          = "cloud_essd"
    size              = %d
    performance_level = "PL0"
  }
  data_disk {
    category             = "cloud_efficiency"
    size                 = 200
    delete_with_instance = false
  }
"""


def test_copied_settings_reach_run_instances_and_a_changed_disk_replaces_the_group(
    terraform: TerraformRun, fake_cloud: Any
) -> None:
    terraform.write(group(2, extra=SETTINGS % 100))
    terraform.apply()
    params = fake_cloud.calls("RunInstances")[-1]["params"]
    assert params["Description"] == "clone of web-1" and params["UserData"] == "IyEvYmluL3NoCg=="
    assert (params["InternetChargeType"], params["SystemDisk.PerformanceLevel"]) == ("PayByTraffic", "PL1")
    assert {k: v for k, v in params.items() if k.startswith("DataDisk.")} == {
        "DataDisk.1.Category": "cloud_essd", "DataDisk.1.Size": "100", "DataDisk.1.PerformanceLevel": "PL0",
        "DataDisk.2.Category": "cloud_efficiency", "DataDisk.2.Size": "200", "DataDisk.2.DeleteWithInstance": "false",
    }
    assert "AutoRenew" not in params, "renewal is a subscription's"
    assert not terraform.plan_has_changes()
    terraform.write(group(2, extra=SETTINGS % 150))
    assert "must be replaced" in terraform.plan_text()
    terraform.destroy()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('  spot_strategy = "Cheapest"', "Invalid spot_strategy"),
        ('  spot_price_limit = 0.5', "spot_price_limit without SpotWithPriceLimit"),
        ('  data_disk {\n    category = "ssd"\n    size = 100\n  }', "Invalid data disk category"),
        ('  data_disk {\n    category = "cloud_ssd"\n    size = 10\n  }', "Invalid data disk size"),
        ('  data_disk {\n    category = "cloud_ssd"\n    size = 100\n    performance_level = "PL1"\n  }',
         "Invalid performance level"),
    ],
)
def test_bad_settings_point_at_the_attribute(terraform: TerraformRun, fake_cloud: Any, extra: str, message: str) -> None:
    terraform.write(group(1, extra=extra))
    assert message in terraform.apply_fails()
    assert fake_cloud.calls("RunInstances") == []


def test_deletion_protection_is_lifted_only_on_the_instances_released(terraform: TerraformRun, fake_cloud: Any) -> None:
    from cdk_clone.api import ApiError

    tf = terraform
    protected = '  deletion_protection = true'
    tf.write(group(2, extra=protected))
    tf.apply()
    kept, released = tf.resources()["ecsclone_instance_group.clones"]["instance_ids"]
    with client(fake_cloud) as api, pytest.raises(ApiError) as refused:
        api.ecs("DeleteInstance", {"InstanceId": kept, "Force": True})
    assert refused.value.code == "InvalidOperation.DeletionProtection", "protected against releases by hand"

    tf.write(group(1, extra=protected))
    tf.apply()
    lifted = [c["params"]["InstanceId"] for c in fake_cloud.calls("ModifyInstanceAttribute")
              if c["params"].get("DeletionProtection") == "false"]
    assert lifted == [released], "lifted right before the release, on the released instance only"
    assert instance_ids(fake_cloud) & {kept, released} == {kept}
    with client(fake_cloud) as api:
        (row,) = api.ecs("DescribeInstances", {"InstanceIds": f'["{kept}"]'})["Instances"]["Instance"]
    assert row["DeletionProtection"] is True
    assert not tf.plan_has_changes()

    tf.destroy()
    assert kept not in instance_ids(fake_cloud)

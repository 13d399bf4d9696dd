"""Deploying clones with `cdk-clone deploy`, and checking in the fake what a user would check."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path
from typing import Any

import pytest
from e2e_support import CloudView, clone_output, clone_outputs_in_state, run_cdk_clone, write_app

from cdk_clone.lookup import SourceInstance, read_source_instance
from fake_api.seeds import DEMO_SOURCE_INSTANCE_ID

pytestmark = pytest.mark.e2e

SECOND_SOURCE_ID = "i-bp1d3m0s0urce00002"


def _source(cloud: CloudView, instance_id: str = DEMO_SOURCE_INSTANCE_ID) -> SourceInstance:
    with cloud.client("cn-hangzhou") as api:
        return read_source_instance(api, "cn-hangzhou", instance_id)


def _source_rules(cloud: CloudView, source: SourceInstance) -> set[tuple[str, ...]]:
    return cloud.rules("cn-hangzhou", source.security_group_ids[0])


def _deploy(directory: Path, *extra: str) -> str:
    result = run_cdk_clone("deploy", "-C", str(directory), *extra)
    assert result.code == 0, result.out + result.err
    return result.out


def _destroy(directory: Path) -> None:
    result = run_cdk_clone("destroy", "-C", str(directory))
    assert result.code == 0, result.out + result.err


# One deploy under each CDK the constructs support: the app's own CDK is the one cdk_clone runs on.
@pytest.mark.parametrize("cdk", ["cdktn", "cdktf"])
def test_same_region_with_data(cloud: CloudView, tmp_path: Path, cdk: str) -> None:
    source = _source(cloud)
    before = cloud.world()
    app = write_app(tmp_path / "app", f"""
        InstanceClone(stack, "web", source_instance_id="{source.instance_id}", source_region="cn-hangzhou",
                      destination_region="cn-hangzhou", amount=2, include_instance_data=True)
    """, cdk=cdk)
    out = _deploy(app)
    # The app ran on its own CDK: the synthesized document names that package's version.
    document = json.loads((app / "cdktf.out/stacks/clones/cdk.tf.json").read_text())
    assert document["//"]["metadata"]["version"] == importlib.metadata.version(cdk)

    output = clone_output(app)
    clones = {i: cloud.instances("cn-hangzhou")[i] for i in output["instance_ids"]}
    assert len(clones) == 2 and output["created_amount"] == 2
    for clone in clones.values():
        assert clone["InstanceType"] == source.instance_type
        assert clone["InstanceChargeType"] == source.instance_charge_type
        assert clone["VpcAttributes"]["VSwitchId"] == source.vswitch_id
        # Same VPC, same region: the clones join the source's own security group.
        assert clone["SecurityGroupIds"]["SecurityGroupId"] == list(source.security_group_ids)
    image = cloud.custom_images("cn-hangzhou")[output["image_id"]]
    assert image["ImageName"].startswith("TemplateScratch-")
    assert {c["ImageId"] for c in clones.values()} == {image["ImageId"]}
    assert "instances:" in out and output["instance_ids"][0] in out

    verify = run_cdk_clone("verify", "-C", str(app))
    assert verify.code == 0, verify.out + verify.err
    assert "all clones match their sources" in verify.out

    _destroy(app)
    assert cloud.world() == before


def test_cross_region_with_data_and_automatic_network(cloud: CloudView, tmp_path: Path) -> None:
    # The source group lets its own members talk to each other: a rule naming the group itself.
    source_group_id = _source(cloud).security_group_ids[0]
    with cloud.client("cn-hangzhou") as api:
        api.ecs("AuthorizeSecurityGroup", {
            "SecurityGroupId": source_group_id,
            "Permissions": [{"IpProtocol": "all", "PortRange": "-1/-1", "SourceGroupId": source_group_id}],
        })
    source = _source(cloud)
    before = cloud.world()
    app = write_app(tmp_path / "app", f"""
        InstanceClone(stack, "web", source_instance_id="{source.instance_id}", source_region="cn-hangzhou",
                      destination_region="cn-shanghai", amount=3, include_instance_data=True)
    """)
    _deploy(app)

    output = clone_output(app)
    shanghai = cloud.instances("cn-shanghai")
    clones = [shanghai[i] for i in output["instance_ids"]]
    assert len(clones) == 3
    assert {c["InstanceType"] for c in clones} == {source.instance_type}
    assert {c["InstanceChargeType"] for c in clones} == {source.instance_charge_type}
    # Image lineage: a TemplateScratch image of the source in cn-hangzhou, copied to cn-shanghai.
    copy = cloud.custom_images("cn-shanghai")[output["image_id"]]
    assert {c["ImageId"] for c in clones} == {copy["ImageId"]}
    scratch = [i for i in cloud.custom_images("cn-hangzhou").values() if i["ImageName"].startswith("TemplateScratch-")]
    assert len(scratch) == 1
    # Network: a VPC and a vSwitch with the source's CIDR blocks.
    assert cloud.vpcs("cn-shanghai")[output["vpc_id"]]["CidrBlock"] == source.vpc_cidr_block
    assert cloud.vswitches("cn-shanghai")[output["vswitch_id"]]["CidrBlock"] == source.vswitch_cidr_block
    assert {c["VpcAttributes"]["VSwitchId"] for c in clones} == {output["vswitch_id"]}
    # Security group: a replica with the source group's rules; the rule naming the source group itself
    # names the replica itself.
    (replica_id,) = output["security_group_ids"]
    source_rules = _source_rules(cloud, source)
    assert ("ingress", "all", "-1/-1", source_group_id, "accept", "1") in source_rules
    repointed = {tuple(replica_id if v == source_group_id else v for v in rule) for rule in source_rules}
    assert cloud.rules("cn-shanghai", replica_id) == repointed

    verify = run_cdk_clone("verify", "-C", str(app))
    assert verify.code == 0, verify.out + verify.err

    # A rule revoked behind Terraform's back: verify says so, and exits 4.
    with cloud.client("cn-shanghai") as api:
        permission = api.ecs("DescribeSecurityGroupAttribute", {"SecurityGroupId": replica_id})
        ingress = next(
            p for p in permission["Permissions"]["Permission"] if p["Direction"] == "ingress" and p.get("SourceCidrIp")
        )
        api.ecs("RevokeSecurityGroup", {
            "SecurityGroupId": replica_id,
            "Permissions.1.IpProtocol": ingress["IpProtocol"],
            "Permissions.1.PortRange": ingress["PortRange"],
            "Permissions.1.SourceCidrIp": ingress["SourceCidrIp"],
            "Permissions.1.Policy": ingress["Policy"],
            "Permissions.1.Priority": str(ingress["Priority"]),
        })
    failed = run_cdk_clone("verify", "-C", str(app))
    assert failed.code == 4
    assert "DIFFERS" in failed.out and f"missing ingress {ingress['IpProtocol'].lower()} {ingress['PortRange']}" in failed.out
    assert failed.err.startswith("error: 1 check(s) differ from the source")

    _destroy(app)
    assert cloud.world() == before


def test_groups_naming_each_other_are_cloned_with_every_rule(cloud: CloudView, tmp_path: Path) -> None:
    # A source in two groups whose rules name each other: web lets db in on 9100, db lets web in on 5432.
    demo = _source(cloud)
    web_group = demo.security_group_ids[0]
    with cloud.client("cn-hangzhou") as api:
        db_group = api.ecs("CreateSecurityGroup", {"VpcId": demo.vpc_id, "SecurityGroupName": "demo-db-sg"})[
            "SecurityGroupId"
        ]
        for group, port, peer in ((db_group, "5432/5432", web_group), (web_group, "9100/9100", db_group)):
            api.ecs("AuthorizeSecurityGroup", {
                "SecurityGroupId": group,
                "Permissions": [{"IpProtocol": "tcp", "PortRange": port, "SourceGroupId": peer}],
            })
        launched = api.ecs("RunInstances", {
            "ImageId": demo.image_id,
            "InstanceType": demo.instance_type,
            "VSwitchId": demo.vswitch_id,
            "SecurityGroupIds": [web_group, db_group],
        })
    (source_id,) = launched["InstanceIdSets"]["InstanceIdSet"]
    source = _source(cloud, source_id)
    assert list(source.security_group_ids) == [web_group, db_group]
    before = cloud.world()
    app = write_app(tmp_path / "app", f"""
        InstanceClone(stack, "app", source_instance_id="{source_id}", source_region="cn-hangzhou",
                      destination_region="cn-shanghai", amount=1)
    """)
    _deploy(app)

    # Both replicas have every rule of their source, each naming the other replica.
    web_replica, db_replica = clone_output(app)["security_group_ids"]
    replica_of = {web_group: web_replica, db_group: db_replica}
    for group, replica in replica_of.items():
        expected = {tuple(replica_of.get(v, v) for v in rule) for rule in cloud.rules("cn-hangzhou", group)}
        assert cloud.rules("cn-shanghai", replica) == expected
    assert ("ingress", "tcp", "9100/9100", db_replica, "accept", "1") in cloud.rules("cn-shanghai", web_replica)
    verify = run_cdk_clone("verify", "-C", str(app))
    assert verify.code == 0, verify.out + verify.err
    # The rules as separate resources are no change for the next plan.
    plan = run_cdk_clone("plan", "-C", str(app))
    assert plan.code == 0 and "No changes" in plan.out, plan.out + plan.err

    _destroy(app)
    assert cloud.world() == before


def test_images_not_kept_leave_no_image_and_no_later_change(cloud: CloudView, tmp_path: Path) -> None:
    source = _source(cloud)
    app = write_app(tmp_path / "app", f"""
        InstanceClone(stack, "web", source_instance_id="{source.instance_id}", source_region="cn-hangzhou",
                      destination_region="cn-shanghai", amount=1, include_instance_data=True, keep_images=False)
    """)
    _deploy(app)
    assert cloud.custom_images("cn-hangzhou") == {}
    assert cloud.custom_images("cn-shanghai") == {}
    assert len(clone_output(app)["instance_ids"]) == 1

    plan = run_cdk_clone("plan", "-C", str(app))
    assert plan.code == 0, plan.out + plan.err
    assert "No changes" in plan.out

    verify = run_cdk_clone("verify", "-C", str(app))
    assert verify.code == 0, verify.out + verify.err
    _destroy(app)


def test_a_task_of_two_sources_shares_the_network_and_group_replicas(
    cloud: CloudView, tmp_path: Path, fake_cloud: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = _source(cloud), _source(cloud, SECOND_SOURCE_ID)
    assert (first.vpc_id, first.vswitch_id) == (second.vpc_id, second.vswitch_id)
    before = cloud.world()
    app = write_app(tmp_path / "app", f"""
        CloneTask(stack, "task", sources=["{first.instance_id}", "{second.instance_id}"], source_region="cn-hangzhou",
                  destination_region="cn-beijing", amount=1, include_instance_data=True)
    """)
    # Synth reads the sources together: what they share (VPC, vSwitch, group, image) once.
    mark = len(fake_cloud.calls())
    assert run_cdk_clone("synth", "-C", str(app)).code == 0
    synth_calls = [c["action"] for c in fake_cloud.calls()[mark:]]
    for action in ("DescribeInstances", "DescribeVpcs", "DescribeVSwitches", "DescribeSecurityGroupAttribute"):
        assert synth_calls.count(action) == 1, (action, synth_calls)
    # The deploy uses that synth, and one provider process for every Terraform run and both regions.
    log = tmp_path / "terraform.log"
    monkeypatch.setenv("TF_LOG", "debug")
    monkeypatch.setenv("TF_LOG_PATH", str(log))
    out = _deploy(app)
    monkeypatch.delenv("TF_LOG")
    assert "cdktf.out is up to date with the app: using the last synth" in out
    assert "starting plugin" not in log.read_text(), "Terraform started no provider process"
    assert "2 source(s): 2 of 2 clone(s) created, 2 image(s), 2 copy(ies), in " in out

    new_vpcs = set(cloud.vpcs("cn-beijing")) - set(before["cn-beijing"]["vpcs"])
    new_vswitches = set(cloud.vswitches("cn-beijing")) - set(before["cn-beijing"]["vswitches"])
    new_groups = set(cloud.security_groups("cn-beijing")) - set(before["cn-beijing"]["security_groups"])
    new_instances = set(cloud.instances("cn-beijing")) - set(before["cn-beijing"]["instances"])
    assert (len(new_vpcs), len(new_vswitches), len(new_groups), len(new_instances)) == (1, 1, 1, 2)
    # One output for the task, one entry per source, each naming its own clone.
    outputs = clone_outputs_in_state(app)
    assert set(outputs) == {"cdk_clone_task"}
    clones = outputs["cdk_clone_task"]["clones"]
    assert set(clones) == {first.instance_id, second.instance_id}
    assert {i for c in clones.values() for i in c["instance_ids"]} == new_instances

    mark = len(fake_cloud.calls())
    verify = run_cdk_clone("verify", "-C", str(app))
    assert verify.code == 0, verify.out + verify.err
    assert f"cdk_clone_task/{first.instance_id}" in verify.out and f"cdk_clone_task/{second.instance_id}" in verify.out
    verify_calls = [c["action"] for c in fake_cloud.calls()[mark:]]
    for action in ("DescribeVpcs", "DescribeVSwitches", "DescribeSecurityGroupAttribute"):
        assert verify_calls.count(action) == 1, (action, verify_calls)
    _destroy(app)
    assert cloud.world() == before


def test_a_sold_out_type_is_replaced_by_a_similar_one_and_reported(
    cloud: CloudView, tmp_path: Path, fake_cloud: Any
) -> None:
    source = _source(cloud)
    with cloud.client("cn-shanghai") as api:
        zones = [z["ZoneId"] for z in api.ecs("DescribeZones", {})["Zones"]["Zone"]]
    for zone in zones:
        fake_cloud.cloud.set_stock("cn-shanghai", zone, source.instance_type, "WithoutStock")
    app = write_app(tmp_path / "app", f"""
        InstanceClone(stack, "web", source_instance_id="{source.instance_id}", source_region="cn-hangzhou",
                      destination_region="cn-shanghai", amount=1, include_instance_data=True)
    """)
    out = _deploy(app)

    output = clone_output(app)
    launched = cloud.instances("cn-shanghai")[output["instance_ids"][0]]["InstanceType"]
    assert launched != source.instance_type
    assert output["effective_instance_type"] == launched
    assert "WARNING" in out and launched in out

    verify = run_cdk_clone("verify", "-C", str(app))
    assert verify.code == 0, verify.out + verify.err
    assert f"similar type: {source.instance_type} had no stock" in verify.out
    _destroy(app)


def test_a_quota_gives_a_partial_creation_that_is_reported(
    cloud: CloudView, tmp_path: Path, fake_cloud: Any
) -> None:
    source = _source(cloud)
    fake_cloud.cloud.set_quota("cn-shanghai", 2)
    app = write_app(tmp_path / "app", f"""
        InstanceClone(stack, "web", source_instance_id="{source.instance_id}", source_region="cn-hangzhou",
                      destination_region="cn-shanghai", amount=3, include_instance_data=True)
    """)
    out = _deploy(app)

    output = clone_output(app)
    assert output["created_amount"] == 2 and len(output["instance_ids"]) == 2
    assert "WARNING" in out
    assert "2 of 3 clone(s)" in out
    verify = run_cdk_clone("verify", "-C", str(app))
    assert verify.code == 0, verify.out + verify.err
    assert "2 of 3 asked could be created" in verify.out
    _destroy(app)


def test_without_the_cache_synth_looks_up_once_then_runs_offline(cloud: CloudView, tmp_path: Path, fake_cloud: Any) -> None:
    app = write_app(tmp_path / "app", f"""
        InstanceClone(stack, "web", source_instance_id="{DEMO_SOURCE_INSTANCE_ID}", source_region="cn-hangzhou",
                      destination_region="cn-shanghai", amount=1)
    """)
    first = run_cdk_clone("synth", "-C", str(app))
    assert first.code == 0, first.err
    assert (app / "cdk-clone.context.json").exists()
    config = (app / "cdktf.out/stacks/clones/cdk.tf.json").read_text()

    calls = len(fake_cloud.calls())
    second = run_cdk_clone("synth", "-C", str(app))
    assert second.code == 0, second.err
    assert len(fake_cloud.calls()) == calls
    assert (app / "cdktf.out/stacks/clones/cdk.tf.json").read_text() == config

"""CloneTask: several sources, one set of shared replicas."""

from __future__ import annotations

from pathlib import Path

from conftest import GROUP_ID, Synth, make_source, resources, web_group

from cdk_clone import CloneTask, InstanceClone
from cdk_clone._cdktf import TerraformStack
from cdk_clone.lookup.context import ContextFile, snapshot_entry, source_instance_key

SECOND = "i-bp1d3m0s0urce00002"


def test_two_sources_in_one_vpc_share_the_vpc_vswitch_and_group_replicas(stack: TerraformStack, synth: Synth) -> None:
    task = CloneTask(
        stack,
        "task",
        sources=[make_source(), make_source(SECOND, private_ip="192.168.1.11", instance_name="web-2")],
        destination_region="cn-shanghai",
        destination_zone_id="cn-shanghai-b",
        amount=3,
    )
    out = synth(stack)
    assert len(resources(out, "ecsclone_vpc")) == 1
    assert len(resources(out, "ecsclone_vswitch")) == 1
    assert len(resources(out, "ecsclone_security_group")) == 1
    assert len(resources(out, "ecsclone_image")) == 2, "one image per source"
    assert len(resources(out, "ecsclone_image_copy")) == 2
    groups = resources(out, "ecsclone_instance_group")
    assert len(groups) == 2
    assert {g["instance_name"] for g in groups.values()} == {"web-1-[1,3]", "web-2-[1,3]"}, "distinct names per batch"
    assert all(g["amount"] == 3 for g in groups.values())
    vswitch_ids = {g["vswitch_id"] for g in groups.values()}
    group_ids = {tuple(g["security_group_ids"]) for g in groups.values()}
    assert len(vswitch_ids) == 1 and len(group_ids) == 1
    assert [c.source.instance_id for c in task.clones] == ["i-bp1d3m0s0urce00001", SECOND]


def test_the_task_declares_one_output_holding_every_clone_group(stack: TerraformStack, synth: Synth) -> None:
    task = CloneTask(
        stack,
        "task",
        sources=[make_source(), make_source(SECOND, private_ip="192.168.1.11", instance_name="web-2")],
        destination_region="cn-shanghai",
        destination_zone_id="cn-shanghai-b",
        amount=3,
    )
    out = synth(stack)
    assert set(out["output"]) == {"cdk_clone_task"}, "no output per clone, one for the task"
    assert task.output.friendly_unique_id == "cdk_clone_task"
    assert all(clone.output is None for clone in task.clones)
    clones = out["output"]["cdk_clone_task"]["value"]["clones"]
    assert set(clones) == {"i-bp1d3m0s0urce00001", SECOND}
    groups = resources(out, "ecsclone_instance_group")
    for source_id, value in clones.items():
        assert value["source_instance_id"] == source_id
        assert (value["source_region"], value["destination_region"]) == ("cn-hangzhou", "cn-shanghai")
        group_key = next(k for k, g in groups.items() if g["image_id"] == value["image_id"])
        assert value["instance_ids"] == f"${{ecsclone_instance_group.{group_key}.instance_ids}}"
        assert value["amount"] == 3
    # Each entry has the keys of a standalone InstanceClone's own output.
    assert all(set(clones[c.source.instance_id]) == set(c.output_value) for c in task.clones)


def test_a_clone_made_alone_keeps_its_own_output_beside_a_task(stack: TerraformStack, synth: Synth) -> None:
    CloneTask(
        stack, "task", sources=[make_source()], destination_region="cn-shanghai", destination_zone_id="cn-shanghai-b"
    )
    InstanceClone(stack, "alone", source=make_source(SECOND, private_ip="192.168.1.11"))
    out = synth(stack)
    assert set(out["output"]) == {"cdk_clone_task", "cdk_clone_alone"}
    assert out["output"]["cdk_clone_alone"]["value"]["source_instance_id"] == SECOND


def test_one_vswitch_replica_per_source_vswitch(stack: TerraformStack, synth: Synth) -> None:
    other = make_source(SECOND, vswitch_id="vsw-bp1second0vsw2", vswitch_cidr_block="192.168.2.0/24")
    CloneTask(
        stack,
        "task",
        sources=[make_source(), other],
        destination_region="cn-shanghai",
        destination_zone_id="cn-shanghai-b",
    )
    out = synth(stack)
    assert len(resources(out, "ecsclone_vpc")) == 1
    assert sorted(v["cidr_block"] for v in resources(out, "ecsclone_vswitch").values()) == [
        "192.168.1.0/24",
        "192.168.2.0/24",
    ]


def test_sources_in_two_vpcs_get_two_vpc_replicas(stack: TerraformStack, synth: Synth) -> None:
    other_group = web_group("sg-bp1second0sg002").model_copy(update={"vpc_id": "vpc-bp1second0vpc2"})
    other = make_source(
        SECOND,
        vpc_id="vpc-bp1second0vpc2",
        vpc_cidr_block="10.0.0.0/8",
        vswitch_id="vsw-bp1second0vsw2",
        vswitch_cidr_block="10.1.0.0/16",
        security_groups=(other_group,),
    )
    CloneTask(
        stack,
        "task",
        sources=[make_source(), other],
        destination_region="cn-shanghai",
        destination_zone_id="cn-shanghai-b",
    )
    out = synth(stack)
    assert sorted(v["cidr_block"] for v in resources(out, "ecsclone_vpc").values()) == ["10.0.0.0/8", "192.168.0.0/16"]
    assert len(resources(out, "ecsclone_security_group")) == 2


def test_same_region_task_uses_the_source_network(stack: TerraformStack, synth: Synth) -> None:
    CloneTask(stack, "task", sources=[make_source(), make_source(SECOND)])
    out = synth(stack)
    for absent in ("ecsclone_vpc", "ecsclone_vswitch", "ecsclone_security_group", "ecsclone_image"):
        assert absent not in out["resource"]
    assert {tuple(g["security_group_ids"]) for g in resources(out, "ecsclone_instance_group").values()} == {(GROUP_ID,)}


def test_task_sources_by_id_come_from_the_context_file(stack: TerraformStack, synth: Synth, tmp_path: Path) -> None:
    context = tmp_path / "cdk-clone.context.json"
    cache = ContextFile(context)
    for snapshot in (make_source(), make_source(SECOND)):
        cache.put(source_instance_key("cn-hangzhou", snapshot.instance_id), snapshot_entry(snapshot))
    task = CloneTask(
        stack,
        "task",
        sources=["i-bp1d3m0s0urce00001", SECOND],
        source_region="cn-hangzhou",
        include_instance_data=True,
        keep_images=False,
        context_file=context,
    )
    out = synth(stack)
    assert [c.source.instance_id for c in task.clones] == ["i-bp1d3m0s0urce00001", SECOND]
    assert all(i["transient"] is True for i in resources(out, "ecsclone_image").values())
    assert all(len(g["delete_images_after_launch"]) == 1 for g in resources(out, "ecsclone_instance_group").values())

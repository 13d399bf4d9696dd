"""The clone groups read from a stack's outputs: a standalone InstanceClone's output and a CloneTask's."""

from __future__ import annotations

import json
from typing import Any

from cdk_clone.cli._outputs import clone_outputs, render_clone_outputs


def _group(source_id: str, *instance_ids: str, amount: int = 2) -> dict[str, Any]:
    """A clone group's value as `terraform output -json` gives it once applied."""
    return {
        "source_instance_id": source_id,
        "source_region": "cn-hangzhou",
        "destination_region": "cn-shanghai",
        "instance_ids": list(instance_ids),
        "private_ips": [f"192.168.1.{n}" for n, _ in enumerate(instance_ids, start=20)],
        "image_id": "m-uf6copy0001",
        "custom_image_id": "m-bp1image0001",
        "copied_image_id": "m-uf6copy0001",
        "images_kept": True,
        "vpc_id": "vpc-uf6replica01",
        "vswitch_id": "vsw-uf6replica01",
        "security_group_ids": ["sg-uf6replica01"],
        "instance_type": "ecs.g7.large",
        "effective_instance_type": "ecs.g7.large",
        "amount": amount,
        "created_amount": len(instance_ids),
    }


def test_a_standalone_clone_output_is_one_group_named_after_the_output() -> None:
    outputs = {"cdk_clone_web": {"value": _group("i-bp1source00001", "i-uf6clone0001", "i-uf6clone0002")}}
    [web] = clone_outputs(outputs)
    assert web.name == "cdk_clone_web"
    assert web.source_instance_id == "i-bp1source00001"
    assert web.instance_ids == ("i-uf6clone0001", "i-uf6clone0002")
    assert (web.created_amount, web.requested_amount) == (2, 2)
    assert web.security_group_ids == ("sg-uf6replica01",)


def test_a_task_output_gives_one_group_per_source_named_output_slash_source() -> None:
    task = {
        "clones": {
            "i-bp1source00002": _group("i-bp1source00002", "i-uf6clone0003", amount=3),
            "i-bp1source00001": _group("i-bp1source00001", "i-uf6clone0001", "i-uf6clone0002"),
        }
    }
    groups = clone_outputs({"cdk_clone_task": {"value": task, "type": ["object", []]}})
    assert [g.name for g in groups] == ["cdk_clone_task/i-bp1source00001", "cdk_clone_task/i-bp1source00002"]
    assert [g.source_instance_id for g in groups] == ["i-bp1source00001", "i-bp1source00002"]
    assert groups[1].instance_ids == ("i-uf6clone0003",)
    assert (groups[1].created_amount, groups[1].requested_amount) == (1, 3)


def test_both_shapes_side_by_side_and_json_encoded_values_are_read() -> None:
    outputs = {
        "cdk_clone_task": {"value": json.dumps({"clones": {"i-bp1source00001": _group("i-bp1source00001", "i-a")}})},
        "cdk_clone_alone": {"value": _group("i-bp1source00002", "i-b")},
    }
    assert [(g.name, g.instance_ids) for g in clone_outputs(outputs)] == [
        ("cdk_clone_alone", ("i-b",)),
        ("cdk_clone_task/i-bp1source00001", ("i-a",)),
    ]


def test_other_outputs_are_left_out() -> None:
    outputs = {
        "private_ips": {"value": ["192.168.1.20"]},
        "clones": {"value": {"clones": {"x": {"not": "a clone group"}}}},
        "empty": {"value": {"clones": {}}},
        "text": {"value": "hello"},
    }
    assert clone_outputs(outputs) == []


def test_deploy_summary_names_each_task_source() -> None:
    task = {"clones": {"i-bp1source00001": _group("i-bp1source00001", "i-uf6clone0001", amount=3)}}
    lines = render_clone_outputs(clone_outputs({"cdk_clone_task": {"value": task}}))
    assert lines[0] == (
        "cdk_clone_task/i-bp1source00001: 1 of 3 clone(s) of i-bp1source00001 (cn-hangzhou -> cn-shanghai)"
    )
    assert "    instances:       i-uf6clone0001" in lines

"""The construct paths and stacks the clone constructs keep on the Python side match the tree's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_source

from cdk_clone import CloneTask, InstanceClone
from cdk_clone._cdktf import Construct, TerraformElement, TerraformStack, Testing
from cdk_clone.bindings import EcscloneVpc
from cdk_clone.constructs._tree import adopt, logical_id, path_of, stack_of


def test_every_remembered_path_and_stack_is_the_trees(stack: TerraformStack) -> None:
    nested = Construct(stack, "team/a")  # an id the tree rewrites ("team--a")
    CloneTask(
        nested,
        "task",
        sources=[make_source(), make_source("i-bp1d3m0s0urce00002")],
        destination_region="cn-shanghai",
        destination_zone_id="cn-shanghai-b",
    )
    InstanceClone(stack, "solo\nline", source=make_source(), include_instance_data=True)
    checked = 0
    for construct in stack.node.find_all():
        remembered = vars(construct)
        if "_cdk_clone_path" in remembered:
            assert remembered["_cdk_clone_path"] == construct.node.path
            checked += 1
        if "_cdk_clone_stack" in remembered:
            assert remembered["_cdk_clone_stack"] is stack
    # At least the stack, the nested scope, the task, two clones and their images, the lone clone and its image.
    assert checked >= 9
    assert path_of(nested) == "clones/team--a"
    assert stack_of(nested) is stack


def _vpc_at(stack: TerraformStack, scope_ids: list[str], vpc_id: str) -> tuple[Construct, EcscloneVpc]:
    """An ecsclone_vpc made as ``vpc_id`` under a chain of plain scopes whose paths are remembered."""
    parent: Construct = stack
    for scope_id in scope_ids:
        child = Construct(parent, scope_id)
        adopt(child, parent, scope_id)
        parent = child
    return parent, EcscloneVpc(parent, vpc_id, cidr_block="10.0.0.0/8")


@pytest.mark.parametrize(
    ("scope_ids", "element_id"),
    [
        ([], "vpc"),  # at the top of the stack: the id alone
        ([], "a.b c!"),  # characters a logical ID cannot hold are dropped
        ([], "x" * 300),  # too long for the id alone: hashed
        (["web"], "Instances"),
        (["task", "i-bp1d3m0s0urce00001"], "Instances"),
        (["Default", "web"], "Instances"),  # "Default" is left out entirely
        (["web", "Resource"], "Instances"),  # "Resource" is left out of the readable part only
        (["Default"], "vpc"),  # ... which can leave a single component
        (["webInstances"], "Instances"),  # a component the previous one ends with is written once
        (["n" * 200, "m" * 100], "Instances"),  # the readable part is cut at 240 characters
        (["ünïcode"], "é"),
    ],
)
def test_logical_ids_computed_from_the_path_are_cdktfs(
    stack: TerraformStack, scope_ids: list[str], element_id: str
) -> None:
    parent, vpc = _vpc_at(stack, scope_ids, element_id)
    assert logical_id(parent, element_id, vpc) == vpc.friendly_unique_id


def test_a_stack_in_a_nested_scope_and_a_clones_instance_group(tmp_path: Path) -> None:
    app = Testing.app(outdir=str(tmp_path / "out"))
    stack = TerraformStack(Construct(app, "team"), "clones")
    web = InstanceClone(stack, "web", source=make_source(), include_instance_data=True)
    assert logical_id(web, "Instances", web.instance_group) == web.instance_group.friendly_unique_id


def test_a_stack_that_names_its_elements_otherwise_is_asked(tmp_path: Path) -> None:
    class NamedStack(TerraformStack):
        def _allocate_logical_id(self, tf_element: TerraformElement | object) -> str:
            return "custom_name"

    stack = NamedStack(Testing.app(outdir=str(tmp_path / "out")), "clones")
    parent, vpc = _vpc_at(stack, ["web"], "Instances")
    assert logical_id(parent, "Instances", vpc) == "custom_name"
    clone = InstanceClone(stack, "clone", source=make_source(), include_instance_data=True)
    assert clone.output_value["instance_ids"] == "${ecsclone_instance_group.custom_name.instance_ids}"

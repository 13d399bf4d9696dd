"""The construct paths and stacks the clone constructs keep on the Python side match the tree's own."""

from __future__ import annotations

from conftest import make_source

from cdk_clone import CloneTask, InstanceClone
from cdk_clone._cdktf import Construct, TerraformStack
from cdk_clone.constructs._tree import path_of, stack_of


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

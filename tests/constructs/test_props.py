"""Props are checked before anything else: the error names the field, the value and the rule."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import make_source

from cdk_clone import CloneConfigurationError, CloneTask, InstanceClone
from cdk_clone._cdktf import TerraformStack

BY_ID: dict[str, Any] = {"source_instance_id": "i-bp1d3m0s0urce00001", "source_region": "cn-hangzhou"}


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({**BY_ID, "amount": 0}, r"amount=0: must be between 1 and 100"),
        ({**BY_ID, "amount": 101}, r"amount=101: must be between 1 and 100"),
        ({**BY_ID, "amount": 5, "min_amount": 6}, r"min_amount=6 must be between 1 and amount \(5\)"),
        ({"source_region": "cn-hangzhou"}, r"source_instance_id is missing"),
        ({"source_instance_id": "i-bp1d3m0s0urce00001"}, r"source_region is missing"),
        ({**BY_ID, "source": make_source()}, r"either source=SourceInstance\(...\) or source_instance_id"),
        ({**BY_ID, "source_instance_id": "web-1"}, r"source_instance_id='web-1': is not an instance ID"),
        ({**BY_ID, "source_region": "Hangzhou"}, r"source_region='Hangzhou': is not a region ID"),
        ({**BY_ID, "destination_region": "shanghai"}, r"destination_region='shanghai': is not a region ID"),
        (
            {**BY_ID, "destination_vpc_id": "vpc-uf6given0001"},
            r"destination_vpc_id is given without destination_vswitch_id",
        ),
        (
            {**BY_ID, "destination_vswitch_id": "vsw-uf6given0001"},
            r"destination_vswitch_id is given without destination_vpc_id",
        ),
        (
            {**BY_ID, "destination_vpc_id": "sg-123456", "destination_vswitch_id": "vsw-uf6given0001"},
            r"destination_vpc_id='sg-123456': is not a VPC ID",
        ),
        (
            {**BY_ID, "destination_region": "cn-shanghai", "destination_zone_id": "cn-beijing-a"},
            r"destination_zone_id='cn-beijing-a' is not a zone of destination_region='cn-shanghai'",
        ),
        ({**BY_ID, "stop_source_for_consistency": True}, r"stop_source_for_consistency=True needs an image"),
        ({**BY_ID, "tags": {"env": 1}}, r"tags.env=1"),
    ],
)
def test_bad_props_are_refused_before_any_look_up(
    stack: TerraformStack, no_lookups: list[str], options: dict[str, Any], expected: str
) -> None:
    with pytest.raises(CloneConfigurationError, match=expected) as raised:
        InstanceClone(stack, "web", **options)
    assert str(raised.value).startswith("InstanceClone 'web': ")
    assert no_lookups == []
    assert stack.node.try_find_child("web") is None, "nothing is added to the tree"


def test_good_props_given_by_id_do_look_up(stack: TerraformStack, no_lookups: list[str]) -> None:
    # The control for the test above: the same call with valid props reaches the look-up.
    with pytest.raises(AssertionError, match="unexpected look-up"):
        InstanceClone(stack, "web", **BY_ID)
    assert len(no_lookups) == 1


def test_the_error_is_a_value_error(stack: TerraformStack) -> None:
    with pytest.raises(ValueError, match="amount=500"):
        InstanceClone(stack, "web", source=make_source(), amount=500)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            {"sources": [f"i-bp1d3m0s0urce{n:05d}" for n in range(21)], "source_region": "cn-hangzhou"},
            r"sources=.*has 21 entries: a clone task takes 1 to 20 sources",
        ),
        ({"sources": [], "source_region": "cn-hangzhou"}, r"has 0 entries"),
        ({"sources": "i-bp1d3m0s0urce00001", "source_region": "cn-hangzhou"}, r"must be a list"),
        (
            {"sources": ["i-bp1d3m0s0urce00001"], "source_region": "cn-hangzhou", "amount": 101},
            r"amount=101: must be between 1 and 100",
        ),
        ({"sources": ["i-bp1d3m0s0urce00001"]}, r"source_region is missing"),
        (
            {"sources": ["i-bp1d3m0s0urce00001", "i-bp1d3m0s0urce00001"], "source_region": "cn-hangzhou"},
            r"lists i-bp1d3m0s0urce00001 more than once",
        ),
        ({"sources": ["bad id"], "source_region": "cn-hangzhou"}, r"is not an instance ID"),
        (
            {"sources": [make_source(), make_source("i-bp1other00001", region_id="cn-beijing")]},
            r"several regions \(cn-beijing, cn-hangzhou\)",
        ),
    ],
)
def test_bad_task_props_are_refused_before_any_look_up(
    stack: TerraformStack, no_lookups: list[str], options: dict[str, Any], expected: str
) -> None:
    with pytest.raises(CloneConfigurationError, match=expected) as raised:
        CloneTask(stack, "task", **options)
    assert str(raised.value).startswith("CloneTask 'task': ")
    assert no_lookups == []

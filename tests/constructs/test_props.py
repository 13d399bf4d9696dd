"""Props are checked before anything else: the error names the field, the value and the rule."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import CannedDestination, make_source

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
        # Strict types: nothing is converted.
        ({**BY_ID, "amount": "3"}, r"amount='3': must be an int, not str \(values are not converted\)"),
        ({**BY_ID, "amount": True}, r"amount=True: must be an int, not bool"),
        ({**BY_ID, "amount": 3.0}, r"amount=3.0: must be an int, not float"),
        ({**BY_ID, "include_instance_data": 1}, r"include_instance_data=1: must be a bool \(True or False\), not int"),
        ({**BY_ID, "keep_images": "no"}, r"keep_images='no': must be a bool"),
        ({**BY_ID, "instance_name": 7}, r"instance_name=7: must be a str, not int"),
        ({**BY_ID, "internet_max_bandwidth_out": "5"}, r"internet_max_bandwidth_out='5': must be an int"),
        # Tags: Alibaba's count, lengths and reserved prefixes.
        # 3 of the 20 are cdk-clone's ownership tags (cdk_clone.ownership.RESERVED_TAG_COUNT).
        (
            {**BY_ID, "tags": {f"k{n}": "v" for n in range(18)}},
            r"tags=.*has 18 tags; an instance takes at most 17 \(3 of Alibaba's 20 are cdk-clone's own\)",
        ),
        ({**BY_ID, "tags": {"cdk-clone:owner": "x"}}, r"key 'cdk-clone:owner' starts with a reserved prefix"),
        ({**BY_ID, "tags": {"aliyun-owner": "x"}}, r"key 'aliyun-owner' starts with a reserved prefix"),
        ({**BY_ID, "tags": {"ACS:team": "x"}}, r"key 'ACS:team' starts with a reserved prefix"),
        ({**BY_ID, "tags": {"team": "acs:ops"}}, r"value of 'team' starts with a reserved prefix"),
        ({**BY_ID, "tags": {"k" * 129: "v"}}, r"has 129 characters; a tag key has 1 to 128"),
        ({**BY_ID, "tags": {"": "v"}}, r"key '' has 0 characters"),
        ({**BY_ID, "tags": {"team": "v" * 129}}, r"value of 'team' has 129 characters; at most 128"),
        # Names, host names and descriptions.
        ({**BY_ID, "instance_name": "w" * 500}, r"instance_name='www.*gives the name .* of 500 characters; 2 to 128"),
        ({**BY_ID, "instance_name": "9lives"}, r"instance_name='9lives': .*must start with a letter"),
        ({**BY_ID, "instance_name": "web server"}, r"instance_name='web server': .*only letters, digits"),
        ({**BY_ID, "instance_name": "https://web"}, r"must not start with http:// or https://"),
        ({**BY_ID, "instance_name": "w"}, r"instance_name='w': gives the name 'w' of 1 characters"),
        (
            {**BY_ID, "amount": 20, "instance_name": "web-[1,1]"},
            r"instance_name='web-\[1,1\]': numbers 20 instance\(s\) from 1 with 1 digit\(s\), which overflows",
        ),
        ({**BY_ID, "instance_name": "web-[1,3]-[1,3]"}, r"holds more than one \[begin,bits\] pattern"),
        ({**BY_ID, "instance_name": "web-[a]"}, r"has a bracket that is not a \[begin,bits\] pattern"),
        ({**BY_ID, "host_name": "web_1"}, r"host_name='web_1': gives the host name 'web_1': a host name is letters"),
        ({**BY_ID, "host_name": "web..1"}, r"host_name='web..1'"),
        ({**BY_ID, "host_name": "-web"}, r"host_name='-web'"),
        ({**BY_ID, "host_name": "h" * 65}, r"of 65 characters; 2 to 64 allowed"),
        ({**BY_ID, "description": "x"}, r"description='x': has 1 characters; a description has 2 to 256"),
        ({**BY_ID, "description": "d" * 257}, r"has 257 characters; a description has 2 to 256"),
        ({**BY_ID, "description": "http://example.com"}, r"description='http://example.com': must not start with"),
        # Settings that override the source's.
        ({**BY_ID, "key_pair_name": "1key"}, r"key_pair_name='1key': is not a key pair name"),
        ({**BY_ID, "ram_role_name": "role with space"}, r"ram_role_name='role with space': is not a RAM role name"),
        ({**BY_ID, "user_data": "x" * 40000}, r"user_data='xxx.*holds 40000 bytes; user data takes at most 32768"),
        ({**BY_ID, "internet_max_bandwidth_out": 101}, r"internet_max_bandwidth_out=101: must be 0 to 100 Mbit/s"),
        ({**BY_ID, "internet_max_bandwidth_in": 0}, r"internet_max_bandwidth_in=0: must be 1 to 200 Mbit/s"),
        ({**BY_ID, "internet_charge_type": "PayByHour"}, r"internet_charge_type='PayByHour': Input should be"),
        ({**BY_ID, "spot_strategy": "Cheap"}, r"spot_strategy='Cheap': Input should be 'NoSpot'"),
        (
            {**BY_ID, "spot_strategy": "SpotAsPriceGo", "spot_price_limit": 0.5},
            r"spot_price_limit=0.5 needs spot_strategy='SpotWithPriceLimit'",
        ),
        (
            {**BY_ID, "instance_charge_type": "PrePaid", "spot_strategy": "SpotAsPriceGo"},
            r"spot_strategy='SpotAsPriceGo' is for pay-as-you-go instances",
        ),
        ({**BY_ID, "period": 61}, r"period=61: must be 1 to 60"),
        ({**BY_ID, "resource_group_id": "group-1"}, r"resource_group_id='group-1': is not a resource group ID"),
        ({**BY_ID, "deployment_set_id": "set-1"}, r"deployment_set_id='set-1': is not a deployment set ID"),
        ({**BY_ID, "no_such_option": 1}, r"no_such_option=1: Extra inputs are not permitted"),
    ],
)
def test_bad_props_are_refused_before_any_look_up(
    stack: TerraformStack, no_lookups: list[str], destination: CannedDestination, options: dict[str, Any], expected: str
) -> None:
    with pytest.raises(CloneConfigurationError, match=expected) as raised:
        InstanceClone(stack, "web", **options)
    assert str(raised.value).startswith("InstanceClone 'web': ")
    assert no_lookups == [] and destination.calls == []
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
        ({"sources": ["i-bp1d3m0s0urce00001"], "source_region": "cn-hangzhou", "amount": "3"}, r"amount='3': must be an int"),
        (
            {"sources": ["i-bp1d3m0s0urce00001"], "source_region": "cn-hangzhou", "tags": {"acs:x": "1"}},
            r"key 'acs:x' starts with a reserved prefix",
        ),
        (
            {"sources": [make_source(), make_source("i-bp1other00001", region_id="cn-beijing")]},
            r"several regions \(cn-beijing, cn-hangzhou\)",
        ),
    ],
)
def test_bad_task_props_are_refused_before_any_look_up(
    stack: TerraformStack, no_lookups: list[str], destination: CannedDestination, options: dict[str, Any], expected: str
) -> None:
    with pytest.raises(CloneConfigurationError, match=expected) as raised:
        CloneTask(stack, "task", **options)
    assert str(raised.value).startswith("CloneTask 'task': ")
    assert no_lookups == [] and destination.calls == []

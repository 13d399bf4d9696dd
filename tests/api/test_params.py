"""Encoding Python values into RPC parameters."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdk_clone.api import encode_params


def test_scalars() -> None:
    assert encode_params({"Name": "web", "Amount": 3, "DryRun": True, "Force": False, "Ratio": 0.5}) == {
        "Name": "web",
        "Amount": "3",
        "DryRun": "true",
        "Force": "false",
        "Ratio": "0.5",
    }


def test_none_values_and_empty_lists_are_left_out() -> None:
    assert encode_params({"VpcId": None, "SecurityGroupIds": [], "ZoneId": "cn-hangzhou-h"}) == {
        "ZoneId": "cn-hangzhou-h"
    }
    assert encode_params(None) == {}


def test_list_of_scalars_is_one_based() -> None:
    assert encode_params({"SecurityGroupIds": ["sg-1", "sg-2"], "InstanceId": ("i-1",)}) == {
        "SecurityGroupIds.1": "sg-1",
        "SecurityGroupIds.2": "sg-2",
        "InstanceId.1": "i-1",
    }


def test_list_of_dicts_and_nested_structures() -> None:
    encoded = encode_params(
        {
            "Tag": [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": None}],
            "SystemDisk": {"Category": "cloud_essd", "Size": 40},
            "DataDisk": [{"Category": "cloud_essd", "Encrypted": True}],
            "Permissions": [{"IpProtocol": "TCP", "PortRange": "22/22", "Tags": ["a", "b"]}],
        }
    )
    assert encoded == {
        "Tag.1.Key": "env",
        "Tag.1.Value": "dev",
        "Tag.2.Key": "team",
        "SystemDisk.Category": "cloud_essd",
        "SystemDisk.Size": "40",
        "DataDisk.1.Category": "cloud_essd",
        "DataDisk.1.Encrypted": "true",
        "Permissions.1.IpProtocol": "TCP",
        "Permissions.1.PortRange": "22/22",
        "Permissions.1.Tags.1": "a",
        "Permissions.1.Tags.2": "b",
    }


def test_json_array_parameters_pass_through_as_strings() -> None:
    ids = json.dumps(["i-1", "i-2"])
    assert encode_params({"InstanceIds": ids}) == {"InstanceIds": '["i-1", "i-2"]'}


def test_unsupported_values_are_refused_with_the_parameter_name() -> None:
    with pytest.raises(TypeError, match=r"parameter 'Tag.1.Value': cannot send a bytes"):
        encode_params({"Tag": [{"Value": b"raw"}]})
    with pytest.raises(TypeError, match="parameter names must be non-empty strings"):
        encode_params({"": "x"})


@given(st.lists(st.text(min_size=1), min_size=1, max_size=12))
def test_any_list_of_strings_round_trips_by_index(values: list[str]) -> None:
    encoded = encode_params({"Name": values})
    assert [encoded[f"Name.{index}"] for index in range(1, len(values) + 1)] == values
    assert len(encoded) == len(values)

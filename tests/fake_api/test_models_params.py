"""Parameter reading (Params) and instance name patterns: the helpers every action relies on."""

from __future__ import annotations

import pytest

from fake_api.exceptions import (
    InvalidClientTokenValueNotSupported,
    InvalidInstanceNameMalformed,
    InvalidParameter,
    MissingParameter,
)
from fake_api.models.instances import expand_names
from fake_api.responses.params import Params


def test_scalars_and_their_errors_name_the_parameter() -> None:
    p = Params({"RegionId": "cn-hangzhou", "Amount": "3", "DryRun": "TRUE", "Empty": "", "Ratio": "1.5"})
    assert p.required("RegionId") == "cn-hangzhou"
    assert p.integer("Amount", 1, low=1, high=100) == 3
    assert p.integer("Missing", 7) == 7
    assert p.boolean("DryRun") is True and p.boolean("Missing") is False
    assert p.text("Empty") is None and "Empty" not in p
    assert p.number("Ratio") == 1.5
    with pytest.raises(MissingParameter, match="'Empty'"):
        p.required("Empty")
    with pytest.raises(InvalidParameter, match="Amount"):
        Params({"Amount": "three"}).integer("Amount")
    with pytest.raises(InvalidParameter, match="from 1 to 100"):
        Params({"Amount": "101"}).integer("Amount", low=1, high=100)
    with pytest.raises(InvalidParameter, match="Amount"):
        Params({"Amount": "9" * 5000}).integer("Amount")
    with pytest.raises(InvalidParameter, match="Amount"):
        Params({"Amount": "\u0663"}).integer("Amount")  # a non-ASCII digit is not a number on the wire
    with pytest.raises(InvalidParameter, match="DryRun"):
        Params({"DryRun": "yes"}).boolean("DryRun")
    with pytest.raises(InvalidParameter, match="one of PostPaid, PrePaid"):
        Params({"InstanceChargeType": "Spot"}).choice("InstanceChargeType", ("PostPaid", "PrePaid"))


def test_lists_in_all_three_encodings() -> None:
    p = Params(
        {
            "SecurityGroupIds.2": "sg-b",
            "SecurityGroupIds.1": "sg-a",
            "Tag.1.Key": "env",
            "Tag.1.Value": "prod",
            "Tag.2.Key": "team",
            "InstanceIds": '["i-1", "i-2"]',
            "VpcId": "vpc-1, vpc-2",
        }
    )
    assert p.indexed("SecurityGroupIds") == ["sg-a", "sg-b"]
    assert p.indexed_objects("Tag") == [{"Key": "env", "Value": "prod"}, {"Key": "team"}]
    assert p.tags() == {"env": "prod", "team": ""}
    assert p.json_list("InstanceIds") == ["i-1", "i-2"]
    assert p.comma_list("VpcId") == ["vpc-1", "vpc-2"]
    assert p.json_list("Absent") is None


def test_malformed_lists_are_refused() -> None:
    with pytest.raises(InvalidParameter, match="JSON array"):
        Params({"InstanceIds": "[1, 2]"}).json_list("InstanceIds")
    with pytest.raises(InvalidParameter, match="JSON array"):
        Params({"InstanceIds": "i-1"}).json_list("InstanceIds")
    with pytest.raises(InvalidParameter, match="at most 2"):
        Params({"InstanceIds": '["a", "b", "c"]'}).json_list("InstanceIds", high=2)
    with pytest.raises(InvalidParameter, match="Tag.21"):
        Params({"Tag.21.Key": "k"}).tags()
    with pytest.raises(MissingParameter, match="Tag.N.Key"):
        Params({"Tag.1.Value": "v"}).tags()


def test_client_token_and_fingerprint() -> None:
    p = Params({"ClientToken": "abc", "RegionId": "r", "Signature": "x", "SignatureNonce": "n", "Timestamp": "t"})
    assert p.client_token() == "abc"
    assert p.fingerprint() == [["RegionId", "r"]]
    with pytest.raises(InvalidClientTokenValueNotSupported):
        Params({"ClientToken": "é"}).client_token()


def test_expand_names() -> None:
    assert expand_names("k8s-node-[6,4]", 3, False) == ["k8s-node-0006", "k8s-node-0007", "k8s-node-0008"]
    assert expand_names("web-[]", 2, False) == ["web-000000", "web-000001"]
    assert expand_names("web-[1,2]-hz", 2, True) == ["web-01-hz001", "web-02-hz002"]
    assert expand_names("web-[1,2]", 2, True) == ["web-01", "web-02"]  # no suffix: UniqueSuffix ignored
    assert expand_names("web", 2, True) == ["web001", "web002"]
    assert expand_names("web", 2, False) == ["web", "web"]
    with pytest.raises(InvalidInstanceNameMalformed):
        expand_names("web-[1,7]", 1, False)
    with pytest.raises(InvalidInstanceNameMalformed):
        expand_names("web-[1", 1, False)

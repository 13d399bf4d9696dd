"""Faults after the action: the work is done, the answer is lost (what ClientToken exists for)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from fake_api.rpc_client import VPC_VERSION, RpcClient
from fake_api.server import RunningFake

REGION = "cn-shanghai"


def vpc_ids(wire: RpcClient) -> list[str]:
    answer = wire.get("DescribeVpcs", version=VPC_VERSION, RegionId=REGION).json()
    return [vpc["VpcId"] for vpc in answer["Vpcs"]["Vpc"]]


def create_vpc(wire: RpcClient, token: str) -> httpx.Response:
    return wire.get("CreateVpc", version=VPC_VERSION, RegionId=REGION, CidrBlock="10.0.0.0/8", ClientToken=token)


def answered(send: Callable[[], httpx.Response]) -> httpx.Response:
    """Send until the answer is not LastTokenProcessing (the first call with the token is being processed)."""
    for _ in range(200):
        response = send()
        if response.status_code != 403 or response.json()["Code"] != "LastTokenProcessing":
            return response
        time.sleep(0.01)
    raise AssertionError("the first call with the token was never done processing")


def calls(wire_http: httpx.Client, action: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = wire_http.get("/_fake/calls", params={"action": action}).json()["calls"]
    return found


@pytest.mark.parametrize("error", ["ServiceUnavailable", "InternalError"])
def test_an_error_after_the_action_leaves_the_work_done(wire: RpcClient, wire_http: httpx.Client, error: str) -> None:
    wire_http.post("/_fake/faults", json={"action": "CreateVpc", "schedule": [{"error": error, "after": True}]})
    lost = create_vpc(wire, "token-1")
    assert lost.status_code >= 500 and lost.json()["Code"] == error
    (made,) = vpc_ids(wire)  # the VPC was made although its answer never came
    (logged,) = calls(wire_http, "CreateVpc")
    assert (logged["code"], logged["http_status"], logged["fault"]) == ("OK", lost.status_code, f"{error} after")
    # The client sends the call again with the same token: while the first call is being processed it is told
    # so (LastTokenProcessing), then it gets the VPC the first call made, never a second one.
    processing = create_vpc(wire, "token-1")
    assert (processing.status_code, processing.json()["Code"]) == (403, "LastTokenProcessing")
    assert processing.json()["Message"].startswith("The last token request is processing.")
    again = answered(lambda: create_vpc(wire, "token-1"))
    assert again.status_code == 200 and again.json()["VpcId"] == made
    assert vpc_ids(wire) == [made]


def test_a_connection_reset_after_the_action_in_process(wire: RpcClient, wire_http: httpx.Client) -> None:
    wire_http.post("/_fake/faults", json={"action": "CreateVpc", "error": "drop", "after": True, "probability": 1})
    with pytest.raises(httpx.RemoteProtocolError):
        create_vpc(wire, "token-2")
    assert len(vpc_ids(wire)) == 1
    (logged,) = calls(wire_http, "CreateVpc")
    assert (logged["code"], logged["http_status"], logged["fault"]) == ("OK", 0, "drop after")


def test_a_connection_reset_after_the_action_over_the_socket(fake_cloud: RunningFake) -> None:
    fake_cloud.faults.add_spec({"action": "CreateVpc", "schedule": [{"error": "drop", "after": True}]})
    with httpx.Client(base_url=fake_cloud.url) as http:
        wire = RpcClient(http)
        with pytest.raises(httpx.RemoteProtocolError):
            create_vpc(wire, "token-3")
        (made,) = vpc_ids(wire)
        assert answered(lambda: create_vpc(wire, "token-3")).json()["VpcId"] == made
    outcomes = [(c["code"], c["http_status"]) for c in fake_cloud.calls("CreateVpc")]
    assert outcomes[0] == ("OK", 0) and outcomes[-1] == ("OK", 200)
    assert set(outcomes[1:-1]) <= {("LastTokenProcessing", 403)}


def test_a_refused_action_is_answered_with_its_own_error_even_when_a_fault_comes_after(
    wire: RpcClient, wire_http: httpx.Client
) -> None:
    wire_http.post("/_fake/faults", json={"action": "CreateVpc", "error": "ServiceUnavailable", "after": True})
    refused = wire.get("CreateVpc", version=VPC_VERSION, RegionId=REGION, CidrBlock="not-a-cidr")
    assert refused.json()["Code"] == "InvalidParameter"


def test_latency_before_and_after_the_action_shows_in_the_call_log(wire: RpcClient, wire_http: httpx.Client) -> None:
    wire_http.post("/_fake/faults", json={"action": "DescribeRegions", "error": "latency", "latency_ms": 5})
    wire_http.post(
        "/_fake/faults", json={"action": "DescribeRegions", "id": "late", "schedule": [{"error": "latency", "after": True}], "latency_ms": 7}
    )
    assert wire.get("DescribeRegions").status_code == 200
    (logged,) = calls(wire_http, "DescribeRegions")
    assert (logged["code"], logged["fault"]) == ("OK", "latency 5ms, latency 7ms after")
    listed = {rule["id"]: rule for rule in wire_http.get("/_fake/faults").json()["faults"]}
    assert set(listed) == {"", "late"} and all(rule["calls"] == 1 for rule in listed.values())
    assert wire_http.delete("/_fake/faults", params={"action": "DescribeRegions", "id": "late"}).json()["removed"]
    assert [rule["id"] for rule in wire_http.get("/_fake/faults").json()["faults"]] == [""]

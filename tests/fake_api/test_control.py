"""The control API under /_fake/: every endpoint, as a test script would use it over HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from fake_api.rpc_client import RpcClient


def instance_ids(wire: RpcClient, region: str = "cn-hangzhou") -> list[str]:
    answer = wire.get("DescribeInstances", RegionId=region).json()
    return [instance["InstanceId"] for instance in answer["Instances"]["Instance"]]


def test_the_index_lists_the_endpoints(wire_http: httpx.Client) -> None:
    endpoints = wire_http.get("/_fake/").json()["endpoints"]
    assert "POST /_fake/reset" in endpoints and "DELETE /_fake/calls" in endpoints


def test_reset_to_empty_and_back_to_demo(wire: RpcClient, wire_http: httpx.Client) -> None:
    assert instance_ids(wire)  # the demo has a source instance in cn-hangzhou
    assert wire_http.post("/_fake/reset", json={"seed": "empty"}).json() == {"ok": True, "seed": "empty"}
    assert instance_ids(wire) == []
    wire_http.post("/_fake/reset", json={"seed": "demo"})
    assert instance_ids(wire)


def test_reset_without_a_body_means_demo_and_clears_faults_and_calls(wire: RpcClient, wire_http: httpx.Client) -> None:
    wire_http.post("/_fake/faults", json={"action": "*", "error": "Throttling"})
    wire.get("DescribeRegions")
    assert wire_http.post("/_fake/reset").json()["seed"] == "demo"
    assert wire_http.get("/_fake/faults").json() == {"faults": []}
    assert wire_http.get("/_fake/calls").json() == {"calls": []}


def test_state_dump_round_trips_through_seed(wire: RpcClient, wire_http: httpx.Client) -> None:
    world = wire_http.get("/_fake/state").json()
    before = instance_ids(wire)
    wire_http.post("/_fake/reset", json={"seed": "empty"})
    assert wire_http.post("/_fake/seed", json={"seed": world}).json() == {"ok": True, "seed": "world"}
    assert instance_ids(wire) == before
    assert wire_http.get("/_fake/state").json() == world


def test_seed_keeps_faults_and_calls_while_reset_clears_them(wire: RpcClient, wire_http: httpx.Client) -> None:
    wire.get("DescribeRegions")
    wire_http.post("/_fake/faults", json={"action": "RunInstances", "error": "Throttling"})
    wire_http.post("/_fake/seed", json={"seed": "empty"})
    assert len(wire_http.get("/_fake/calls").json()["calls"]) == 1
    assert len(wire_http.get("/_fake/faults").json()["faults"]) == 1


def test_faults_are_added_listed_applied_and_removed(wire: RpcClient, wire_http: httpx.Client) -> None:
    added = wire_http.post(
        "/_fake/faults", json={"action": "DescribeRegions", "schedule": ["ServiceUnavailable", None]}
    ).json()
    assert added["fault"]["schedule"] == ["ServiceUnavailable", None]
    assert wire.get("DescribeRegions").json()["Code"] == "ServiceUnavailable"
    assert wire.get("DescribeRegions").status_code == 200
    (listed,) = wire_http.get("/_fake/faults").json()["faults"]
    assert listed["action"] == "DescribeRegions" and listed["calls"] == 2
    assert wire_http.delete("/_fake/faults", params={"action": "DescribeRegions"}).json() == {
        "ok": True,
        "removed": True,
    }
    wire_http.post("/_fake/faults", json={"action": "*", "error": "InternalError", "probability": 1, "seed": 1})
    assert wire.get("DescribeZones", RegionId="cn-hangzhou").status_code == 500
    wire_http.delete("/_fake/faults")
    assert wire.get("DescribeZones", RegionId="cn-hangzhou").status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "complaint"),
    [
        ("/_fake/faults", {"action": "RunInstances", "error": "Teapot"}, "'Teapot'"),
        ("/_fake/faults", ["not", "an", "object"], "JSON object"),
        ("/_fake/reset", {"seed": 3}, '"seed" must be'),
        ("/_fake/seed", {}, "missing field(s) seed"),
        ("/_fake/stock", {"region": "cn-hangzhou"}, "missing field(s) zone, instance_type, status_category"),
        ("/_fake/quota", {"region": "cn-hangzhou", "instances": -1}, '"instances" must be a non-negative integer'),
        ("/_fake/transitions", {"kind": "instance"}, "missing field(s) mode"),
        ("/_fake/accounts", {"access_key_id": "x", "access_key_secret": ""}, "non-empty strings"),
        ("/_fake/profile", {}, "missing field(s) name"),
        ("/_fake/profile", {"name": "slow"}, "unknown time profile 'slow': use one of instant, fast, realistic"),
        ("/_fake/profile", {"name": "fast", "time_scale": 0}, "time_scale must be a number > 0"),
    ],
)
def test_bad_control_requests_get_400_naming_the_problem(
    wire_http: httpx.Client, path: str, body: Any, complaint: str
) -> None:
    response = wire_http.post(path, json=body)
    assert response.status_code == 400
    assert complaint in response.json()["error"]
    assert response.json()["error"].startswith(f"POST {path}: ")


def test_model_refusals_surface_as_400(wire_http: httpx.Client) -> None:
    response = wire_http.post("/_fake/transitions", json={"kind": "teleport", "mode": "immediate"})
    assert response.status_code == 400
    assert "teleport" in response.json()["error"]


def test_stock_shows_in_describe_available_resource(wire: RpcClient, wire_http: httpx.Client) -> None:
    source = source_instance(wire)
    response = wire_http.post(
        "/_fake/stock",
        json={
            "region": "cn-hangzhou",
            "zone": source["ZoneId"],
            "instance_type": source["InstanceType"],
            "status_category": "WithoutStock",
        },
    )
    assert response.json() == {"ok": True}
    answer = wire.get(
        "DescribeAvailableResource",
        RegionId="cn-hangzhou",
        DestinationResource="InstanceType",
        ZoneId=source["ZoneId"],
        InstanceType=source["InstanceType"],
    ).json()
    assert "WithoutStock" in str(answer)


def test_quota_limits_how_many_instances_run(wire: RpcClient, wire_http: httpx.Client) -> None:
    assert wire_http.post("/_fake/quota", json={"region": "cn-hangzhou", "instances": 0}).json() == {"ok": True}
    source = source_instance(wire)
    answer = wire.get(
        "RunInstances",
        RegionId="cn-hangzhou",
        ImageId=source["ImageId"],
        InstanceType=source["InstanceType"],
        VSwitchId=source["VpcAttributes"]["VSwitchId"],
        SecurityGroupId=source["SecurityGroupIds"]["SecurityGroupId"][0],
    )
    assert answer.status_code == 403, answer.text
    assert answer.json()["Code"] == "QuotaExceed.ElasticQuota"


def test_transitions_make_new_vpcs_pending_for_a_number_of_describes(wire: RpcClient, wire_http: httpx.Client) -> None:
    assert wire_http.post("/_fake/transitions", json={"kind": "vpc", "mode": "describes", "value": 2}).json() == {
        "ok": True
    }
    vpc_id = wire.get("CreateVpc", version="2016-04-28", RegionId="cn-shanghai", CidrBlock="10.0.0.0/16").json()[
        "VpcId"
    ]
    statuses = [
        wire.get("DescribeVpcs", version="2016-04-28", RegionId="cn-shanghai", VpcId=vpc_id).json()["Vpcs"]["Vpc"][0][
            "Status"
        ]
        for _ in range(3)
    ]
    assert statuses[0] == "Pending" and statuses[-1] == "Available"


def test_the_profile_is_fast_by_default_and_can_be_changed(wire: RpcClient, wire_http: httpx.Client) -> None:
    shown = wire_http.get("/_fake/profile").json()
    assert (shown["name"], shown["time_scale"], shown["overrides"]) == ("fast", 1.0, {})
    assert shown["seconds"]["image"] == 1.0
    changed = wire_http.post("/_fake/profile", json={"name": "realistic", "time_scale": "1/60"}).json()
    assert changed["ok"] and changed["seconds"]["image"] == pytest.approx(10.0)
    wire_http.post("/_fake/transitions", json={"kind": "vpc", "mode": "describes", "value": 1})
    assert wire_http.get("/_fake/profile").json()["overrides"] == {"vpc": {"mode": "describes", "value": 1.0}}
    assert wire_http.get("/_fake/state").json()["profile"] == {"name": "realistic", "time_scale": 1 / 60}
    wire_http.post("/_fake/reset")
    assert wire_http.get("/_fake/profile").json()["name"] == "fast"


def test_accounts_can_be_added_and_then_sign_requests(wire_http: httpx.Client) -> None:
    assert RpcClient(wire_http, "otherid", "othersecret").get("DescribeRegions").json()["Code"] == (
        "InvalidAccessKeyId.NotFound"
    )
    response = wire_http.post("/_fake/accounts", json={"access_key_id": "otherid", "access_key_secret": "othersecret"})
    assert response.json() == {"ok": True, "access_key_id": "otherid"}
    assert RpcClient(wire_http, "otherid", "othersecret").get("DescribeRegions").status_code == 200


def test_calls_are_listed_filtered_and_cleared(wire: RpcClient, wire_http: httpx.Client) -> None:
    wire.get("DescribeRegions")
    wire.get("DescribeZones", RegionId="cn-beijing")
    calls = wire_http.get("/_fake/calls").json()["calls"]
    assert [call["action"] for call in calls] == ["DescribeRegions", "DescribeZones"]
    assert set(calls[1]) == {"action", "version", "region", "params", "code", "http_status", "time", "fault"}
    (zones,) = wire_http.get("/_fake/calls", params={"action": "DescribeZones"}).json()["calls"]
    assert (zones["region"], zones["code"], zones["http_status"]) == ("cn-beijing", "OK", 200)
    assert wire_http.delete("/_fake/calls").json() == {"ok": True}
    assert wire_http.get("/_fake/calls").json() == {"calls": []}


def test_control_calls_are_not_in_the_call_log(wire_http: httpx.Client) -> None:
    wire_http.get("/_fake/state")
    assert wire_http.get("/_fake/calls").json() == {"calls": []}


def source_instance(wire: RpcClient) -> dict[str, Any]:
    """The demo's source instance in cn-hangzhou, as DescribeInstances shows it."""
    instances: list[dict[str, Any]] = wire.get("DescribeInstances", RegionId="cn-hangzhou").json()["Instances"][
        "Instance"
    ]
    return instances[0]


def test_the_state_masks_secrets_unless_asked_and_a_masked_world_keeps_them(
    wire: RpcClient, wire_http: httpx.Client
) -> None:
    wire_http.post("/_fake/accounts", json={"access_key_id": "otherid", "access_key_secret": "othersecret"})
    masked = wire_http.get("/_fake/state").json()
    assert {a["secret"] for a in masked["accounts"].values()} == {"********"}
    shown = wire_http.get("/_fake/state", params={"secrets": "true"}).json()
    assert shown["accounts"]["otherid"]["secret"] == "othersecret"
    assert wire_http.post("/_fake/seed", json={"seed": masked}).status_code == 200
    assert RpcClient(wire_http, "otherid", "othersecret").get("DescribeRegions").status_code == 200
    assert wire.get("DescribeRegions").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/_fake/nothing", 404), ("PUT", "/_fake/reset", 405), ("DELETE", "/_fake/state", 405)],
)
def test_the_control_api_answers_json_errors_everywhere(
    wire_http: httpx.Client, method: str, path: str, status: int
) -> None:
    response = wire_http.request(method, path)
    assert response.status_code == status and response.headers["content-type"].startswith("application/json")
    assert response.json()["error"].startswith(f"{method} {path}: ")


def test_a_body_nested_too_deeply_or_not_json_is_a_400_naming_it(wire_http: httpx.Client) -> None:
    deep = wire_http.post("/_fake/faults", content=b"[" * 100_000 + b"]" * 100_000)
    assert deep.status_code == 400 and "nested too deeply" in deep.json()["error"]
    broken = wire_http.post("/_fake/profile", content=b'{"name": ')
    assert broken.status_code == 400 and "not JSON" in broken.json()["error"]

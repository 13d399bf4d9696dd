"""The RPC wire protocol as a client sees it, in process: methods, headers, formats, errors, signatures."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import httpx
import pytest
from flask import Flask

from fake_api.app import VPC_VERSION, endpoint_of
from fake_api.rpc_client import RpcClient
from fake_api.signature import sign_v1

REQUEST_ID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")
DEMO_REGIONS = {"cn-hangzhou", "cn-shanghai", "cn-beijing"}


def region_ids(answer: dict[str, object]) -> set[str]:
    regions = answer["Regions"]
    assert isinstance(regions, dict)
    return {region["RegionId"] for region in regions["Region"]}


def test_v1_get_answers_json_with_an_uppercase_request_id(wire: RpcClient) -> None:
    response = wire.get("DescribeRegions")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    answer = response.json()
    assert REQUEST_ID.fullmatch(answer["RequestId"])
    assert DEMO_REGIONS <= region_ids(answer)


def test_v1_post_form_body(wire: RpcClient) -> None:
    response = wire.post("DescribeRegions")
    assert response.status_code == 200, response.text
    assert DEMO_REGIONS <= region_ids(response.json())


def test_post_merges_query_and_form_parameters(wire_http: httpx.Client) -> None:
    params = sign_v1(
        "POST", {"Action": "DescribeRegions", "Version": "2014-05-26", "Format": "JSON"}, "testid", "testsecret"
    )
    in_query = {name: params.pop(name) for name in ("Action", "Version", "Signature")}
    response = wire_http.post("/", params=in_query, data=params)
    assert response.status_code == 200, response.text


def test_v3_takes_action_and_version_from_headers_and_answers_json(wire: RpcClient) -> None:
    response = wire.v3("DescribeRegions")
    assert response.status_code == 200, response.text
    assert DEMO_REGIONS <= region_ids(response.json())


def test_vpc_and_ecs_share_the_endpoint(wire: RpcClient) -> None:
    response = wire.get("DescribeVpcs", version=VPC_VERSION, RegionId="cn-hangzhou")
    assert response.status_code == 200, response.text
    assert "Vpcs" in response.json()


def test_without_format_the_answer_is_xml_with_the_action_response_root(wire: RpcClient) -> None:
    response = wire.get("DescribeRegions", answer_format=None)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "DescribeRegionsResponse"
    assert REQUEST_ID.fullmatch(root.findtext("RequestId") or "")
    assert DEMO_REGIONS <= {region.findtext("RegionId") for region in root.findall("Regions/Region")}


def test_format_xml_errors_have_the_error_root(wire: RpcClient) -> None:
    response = wire.get("NoSuchAction", answer_format="XML")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "Error"
    assert [child.tag for child in root] == ["RequestId", "HostId", "Code", "Message", "Recommend"]
    assert root.findtext("Code") == "InvalidAction.NotFound"
    assert response.status_code == 404


def test_error_answers_have_the_real_shape(wire: RpcClient) -> None:
    response = wire.get("NoSuchAction")
    answer = response.json()
    assert set(answer) == {"RequestId", "HostId", "Code", "Message", "Recommend"}
    assert answer["HostId"] == "ecs.aliyuncs.com"
    assert answer["Recommend"].startswith("https://api.aliyun.com/troubleshoot?q=InvalidAction.NotFound")
    assert REQUEST_ID.fullmatch(answer["RequestId"])


def test_a_model_error_keeps_its_code_and_status(wire: RpcClient) -> None:
    response = wire.get("DescribeInstanceAttribute", InstanceId="i-doesnotexist")
    assert (response.status_code, response.json()["Code"]) == (404, "InvalidInstanceId.NotFound")


def test_missing_action_is_a_missing_parameter(wire: RpcClient, wire_http: httpx.Client) -> None:
    params = sign_v1("GET", {"Version": "2014-05-26", "Format": "JSON"}, "testid", "testsecret")
    answer = wire_http.get("/", params=params)
    assert answer.status_code == 400
    assert answer.json()["Code"] == "MissingParameter"
    assert '"Action"' in answer.json()["Message"]


def test_wrong_secret_is_signature_does_not_match_echoing_the_string_to_sign(wire_http: httpx.Client) -> None:
    response = RpcClient(wire_http, access_key_secret="wrong").get("DescribeRegions")
    answer = response.json()
    assert (response.status_code, answer["Code"]) == (400, "SignatureDoesNotMatch")
    assert answer["Message"].startswith(
        "Specified signature is not matched with our calculation. server string to sign is:GET&%2F&AccessKeyId%3Dtestid"
    )


def test_unknown_access_key_is_not_found(wire_http: httpx.Client) -> None:
    response = RpcClient(wire_http, access_key_id="nobody").get("DescribeRegions")
    assert (response.status_code, response.json()["Code"]) == (400, "InvalidAccessKeyId.NotFound")


def test_unsigned_request_is_an_incomplete_signature(wire_http: httpx.Client) -> None:
    response = wire_http.get("/", params={"Action": "DescribeRegions", "Version": "2014-05-26", "Format": "JSON"})
    assert (response.status_code, response.json()["Code"]) == (400, "IncompleteSignature")


def test_a_replayed_request_is_refused_for_its_nonce(wire_http: httpx.Client) -> None:
    params = sign_v1(
        "GET", {"Action": "DescribeRegions", "Version": "2014-05-26", "Format": "JSON"}, "testid", "testsecret"
    )
    assert wire_http.get("/", params=params).status_code == 200
    replay = wire_http.get("/", params=params)
    assert (replay.status_code, replay.json()["Code"]) == (400, "SignatureNonceUsed")


def test_a_stale_timestamp_is_expired(wire_http: httpx.Client) -> None:
    params = sign_v1(
        "GET",
        {"Action": "DescribeRegions", "Version": "2014-05-26", "Format": "JSON"},
        "testid",
        "testsecret",
        timestamp="2016-02-23T12:46:24Z",
    )
    response = wire_http.get("/", params=params)
    assert (response.status_code, response.json()["Code"]) == (400, "InvalidTimeStamp.Expired")


def test_a_security_token_is_tolerated_and_kept_out_of_the_call_log(wire: RpcClient, wire_app: Flask) -> None:
    assert wire.get("DescribeRegions", SecurityToken="sts-token").status_code == 200
    (call,) = endpoint_of(wire_app).call_log.entries(action="DescribeRegions")
    assert "SecurityToken" not in call["params"] and "Signature" not in call["params"]
    assert call["params"]["Action"] == "DescribeRegions"


def test_the_call_log_records_outcomes_including_signature_failures(wire_http: httpx.Client, wire_app: Flask) -> None:
    RpcClient(wire_http).get("DescribeRegions")
    RpcClient(wire_http, access_key_secret="wrong").get("DescribeZones", RegionId="cn-hangzhou")
    calls = endpoint_of(wire_app).call_log.entries()
    assert [(call["action"], call["code"], call["http_status"]) for call in calls] == [
        ("DescribeRegions", "OK", 200),
        ("DescribeZones", "SignatureDoesNotMatch", 400),
    ]
    assert calls[1]["region"] == "cn-hangzhou" and calls[1]["version"] == "2014-05-26"


@pytest.mark.parametrize(("kind", "status"), [("Throttling", 400), ("ServiceUnavailable", 503), ("InternalError", 500)])
def test_injected_errors_have_their_real_status(wire: RpcClient, wire_app: Flask, kind: str, status: int) -> None:
    endpoint_of(wire_app).faults.add_spec({"action": "DescribeRegions", "schedule": [kind]})
    failed = wire.get("DescribeRegions")
    assert (failed.status_code, failed.json()["Code"]) == (status, kind)
    assert wire.get("DescribeRegions").status_code == 200


def test_an_injected_drop_looks_like_a_server_disconnect_in_process(wire: RpcClient, wire_app: Flask) -> None:
    endpoint_of(wire_app).faults.add_spec({"action": "DescribeRegions", "error": "drop"})
    with pytest.raises(httpx.RemoteProtocolError):
        wire.get("DescribeRegions")
    assert endpoint_of(wire_app).call_log.entries()[-1]["code"] == "drop"


def test_injected_latency_still_answers(wire: RpcClient, wire_app: Flask) -> None:
    endpoint_of(wire_app).faults.add_spec({"action": "*", "latency_ms": 1})
    assert wire.get("DescribeRegions").status_code == 200


def test_a_signature_with_characters_no_signature_has_does_not_match(wire_http: httpx.Client) -> None:
    signed = sign_v1("GET", {"Action": "DescribeRegions", "Version": "2014-05-26", "Format": "JSON"}, "testid", "testsecret")
    signed["Signature"] = "签名" + signed["Signature"]
    response = wire_http.get("/", params=signed)
    assert (response.status_code, response.json()["Code"]) == (400, "SignatureDoesNotMatch")


def test_a_wrong_version_is_invalid_version(wire: RpcClient) -> None:
    response = wire.get("DescribeRegions", version="2099-01-01")
    assert (response.status_code, response.json()["Code"]) == (400, "InvalidVersion")
    assert response.json()["Message"].startswith("Specified parameter Version is not valid.")


@pytest.mark.parametrize(("method", "path", "status"), [("GET", "/index.html", 404), ("PUT", "/", 405)])
def test_other_paths_and_methods_get_alibabas_error_shape(
    wire_http: httpx.Client, method: str, path: str, status: int
) -> None:
    response = wire_http.request(method, path, params={"Format": "JSON"})
    assert response.status_code == status
    body = response.json()
    assert body["Code"] == "InvalidAction.NotFound" and body["RequestId"]
    assert body["Message"].startswith("Specified api is not found, please check your url and method.")

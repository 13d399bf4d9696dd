"""The client against a scripted server: request shape, error answers, endpoints, credentials, pagination."""

from __future__ import annotations

import json
import logging
import pickle
from collections.abc import Callable

import httpx
import pytest
from api_scripted import ScriptedApi, error, ok

from cdk_clone.api import (
    AlibabaCloudClient,
    ApiError,
    Credentials,
    CredentialsNotFound,
    resolve_endpoint,
)
from cdk_clone.api._signing import sign_v1

MakeClient = Callable[..., AlibabaCloudClient]


def test_v1_request_is_a_signed_post_form(scripted: ScriptedApi, client_for: MakeClient) -> None:
    seen: list[httpx.Request] = []

    def capture(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return scripted.handler(request)

    scripted.default = lambda params: ok({"Regions": {"Region": [{"RegionId": "cn-hangzhou"}]}})
    client = client_for(transport=httpx.MockTransport(capture))
    client.ecs("DescribeInstances", {"InstanceIds": json.dumps(["i-1"]), "PageSize": 10})
    request, params = seen[0], scripted.requests[0]
    assert request.method == "POST" and request.url.path == "/"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert params["Action"] == "DescribeInstances" and params["Version"] == "2014-05-26"
    assert params["Format"] == "JSON" and params["RegionId"] == "cn-hangzhou"
    assert params["InstanceIds"] == '["i-1"]' and params["PageSize"] == "10"
    assert params["AccessKeyId"] == "testid" and "testsecret" not in request.content.decode()
    assert params["Signature"] == sign_v1(params, secret="testsecret", method="POST")


def test_vpc_calls_use_the_vpc_version_and_the_call_region(scripted: ScriptedApi, client_for: MakeClient) -> None:
    scripted.default = lambda params: ok({})
    client = client_for()
    client.vpc("DescribeVpcs", region_id="cn-shanghai")
    client.ecs("DescribeRegions", {"RegionId": None})
    client.ecs("DescribeZones", {"RegionId": "cn-beijing"})
    assert scripted.requests[0]["Version"] == "2016-04-28"
    assert scripted.requests[0]["RegionId"] == "cn-shanghai"
    assert "RegionId" not in scripted.requests[1]
    assert scripted.requests[2]["RegionId"] == "cn-beijing"


def test_v3_request_carries_action_in_headers_and_a_signed_authorization(
    scripted: ScriptedApi, client_for: MakeClient
) -> None:
    seen: list[httpx.Request] = []

    def capture(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return scripted.handler(request)

    scripted.default = lambda params: ok({})
    client_for(signature="v3", transport=httpx.MockTransport(capture)).ecs("DescribeZones", {"Tag": [{"Key": "a b"}]})
    request = seen[0]
    assert request.content == b""
    assert request.headers["x-acs-action"] == "DescribeZones"
    assert request.headers["x-acs-version"] == "2014-05-26"
    assert request.headers["host"] == "api.test"
    assert request.headers["authorization"].startswith("ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;")
    assert scripted.requests[0]["Tag.1.Key"] == "a b"


def test_security_token_is_sent(scripted: ScriptedApi, client_for: MakeClient) -> None:
    scripted.default = lambda params: ok({})
    client_for(credentials=Credentials("testid", "testsecret", "sts-token")).ecs("DescribeRegions")
    assert scripted.requests[0]["SecurityToken"] == "sts-token"


def test_error_answer_becomes_api_error(scripted: ScriptedApi, client_for: MakeClient) -> None:
    scripted.default = lambda params: httpx.Response(
        403,
        json={
            "RequestId": "5A8C-1",
            "HostId": "ecs.aliyuncs.com",
            "Code": "OperationDenied.NoStock",
            "Message": "The requested resource is sold out in the specified zone.",
            "Recommend": "https://api.aliyun.com/troubleshoot?q=OperationDenied.NoStock",
        },
    )
    with pytest.raises(ApiError) as caught:
        client_for().ecs("RunInstances", {"ImageId": "m-1"})
    failure = caught.value
    assert str(failure) == (
        "RunInstances failed: OperationDenied.NoStock (HTTP 403, RequestId 5A8C-1): "
        "The requested resource is sold out in the specified zone."
    )
    assert (failure.code, failure.http_status, failure.request_id, failure.host_id) == (
        "OperationDenied.NoStock",
        403,
        "5A8C-1",
        "ecs.aliyuncs.com",
    )
    assert failure.recommend and failure.recommend.endswith("NoStock")
    assert not failure.is_not_found and not failure.is_throttling
    assert str(pickle.loads(pickle.dumps(failure))) == str(failure)


def test_credential_errors_say_what_to_check(scripted: ScriptedApi, client_for: MakeClient) -> None:
    scripted.default = lambda params: error(400, "SignatureDoesNotMatch", "Specified signature is not matched.")
    with pytest.raises(ApiError, match="check ALIBABA_CLOUD_ACCESS_KEY_SECRET"):
        client_for().ecs("DescribeRegions")


@pytest.mark.parametrize(
    ("code", "not_found"),
    [
        ("InvalidInstanceId.NotFound", True),
        ("InvalidVSwitchId.NotFound", True),
        ("InvalidRegionId.NotFound", False),
        ("InvalidAccessKeyId.NotFound", False),
        ("IncorrectInstanceStatus", False),
    ],
)
def test_not_found_predicate(code: str, not_found: bool) -> None:
    assert ApiError(code, "m").is_not_found is not_found


def test_answers_without_error_code_or_json(scripted: ScriptedApi, client_for: MakeClient) -> None:
    scripted.replies.extend([httpx.Response(502, text="<html>Bad Gateway</html>")] * 8)
    scripted.replies.append(httpx.Response(200, text="not json"))
    with pytest.raises(ApiError) as caught:
        client_for().ecs("DescribeRegions")
    assert caught.value.code == "HTTP502" and "Bad Gateway" in caught.value.message
    with pytest.raises(ApiError, match="InvalidResponse"):
        client_for().ecs("DescribeRegions")


def test_bad_arguments_are_refused_before_any_request(client_for: MakeClient) -> None:
    client = client_for()
    with pytest.raises(ValueError, match="unknown service 'rds'"):
        client.call("rds", "DescribeDBInstances")
    with pytest.raises(ValueError, match="not an API action name"):
        client.ecs("Describe Instances")
    with pytest.raises(ValueError, match="needs a region_id"):
        AlibabaCloudClient("", credentials=Credentials("a", "b"))
    with pytest.raises(ValueError, match=r"endpoint='ftp://x' is not an endpoint"):
        AlibabaCloudClient("cn-hangzhou", credentials=Credentials("a", "b"), endpoint="ftp://x")


def test_endpoint_resolution_order() -> None:
    assert resolve_endpoint("ecs", "cn-hangzhou", environ={}) == "https://ecs.cn-hangzhou.aliyuncs.com"
    assert resolve_endpoint("vpc", "cn-shanghai", environ={}) == "https://vpc.cn-shanghai.aliyuncs.com"
    assert resolve_endpoint("ecs", "cn-hangzhou", "http://127.0.0.1:9/", environ={}) == "http://127.0.0.1:9"
    assert resolve_endpoint("ecs", "cn-hangzhou", "ecs.aliyuncs.com", environ={}) == "https://ecs.aliyuncs.com"
    fake = {"CDK_CLONE_ENDPOINT": "http://127.0.0.1:8080"}
    assert resolve_endpoint("vpc", "cn-beijing", "http://elsewhere", environ=fake) == "http://127.0.0.1:8080"
    with pytest.raises(ValueError, match="CDK_CLONE_ENDPOINT='http://h/path' is not an endpoint"):
        resolve_endpoint("ecs", "cn-hangzhou", environ={"CDK_CLONE_ENDPOINT": "http://h/path"})
    with pytest.raises(ValueError, match="unknown service"):
        resolve_endpoint("oss", "cn-hangzhou", environ={})


def test_credentials_from_environment() -> None:
    environ = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "id",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret",
        "ALIBABA_CLOUD_SECURITY_TOKEN": "token",
    }
    credentials = Credentials.from_env(environ)
    assert credentials == Credentials("id", "secret", "token")
    assert "secret" not in repr(credentials) and "token" not in repr(credentials)


def test_missing_credentials_name_the_variables_and_the_fake() -> None:
    with pytest.raises(CredentialsNotFound) as caught:
        Credentials.from_env({"ALIBABA_CLOUD_ACCESS_KEY_ID": "id"})
    message = str(caught.value)
    assert "set ALIBABA_CLOUD_ACCESS_KEY_SECRET" in message and "ALIBABA_CLOUD_ACCESS_KEY_ID and" not in message
    assert "python -m fake_api" in message and "CDK_CLONE_ENDPOINT=http://127.0.0.1:PORT" in message
    with pytest.raises(
        CredentialsNotFound, match="set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET"
    ):
        Credentials.from_env({})


def test_client_reads_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALIBABA_CLOUD_ACCESS_KEY_ID", raising=False)
    with pytest.raises(CredentialsNotFound):
        AlibabaCloudClient("cn-hangzhou")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "envid")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "envsecret")
    with AlibabaCloudClient("cn-hangzhou") as client:
        assert client.credentials.access_key_id == "envid"


def _token_pages(params: dict[str, str]) -> httpx.Response:
    ids = [f"i-{n}" for n in range(7)]
    start = int(params.get("NextToken") or 0)
    size = int(params["MaxResults"])
    page = ids[start : start + size]
    following = str(start + size) if start + size < len(ids) else ""
    return ok({"Instances": {"Instance": [{"InstanceId": i} for i in page]}, "NextToken": following})


def test_paginate_follows_next_token(scripted: ScriptedApi, client_for: MakeClient) -> None:
    scripted.default = _token_pages
    found = list(
        client_for().paginate("ecs", "DescribeInstances", {"VpcId": "vpc-1"}, items="Instances.Instance", page_size=3)
    )
    assert [item["InstanceId"] for item in found] == [f"i-{n}" for n in range(7)]
    assert len(scripted.requests) == 3
    assert all(request["VpcId"] == "vpc-1" for request in scripted.requests)
    assert [request.get("NextToken") for request in scripted.requests] == [None, "3", "6"]


def _numbered_pages(params: dict[str, str]) -> httpx.Response:
    names = [f"m-{n}" for n in range(5)]
    number, size = int(params.get("PageNumber") or 1), int(params["PageSize"])
    page = names[(number - 1) * size : number * size]
    return ok(
        {
            "Images": {"Image": [{"ImageId": n} for n in page]},
            "TotalCount": len(names),
            "PageNumber": number,
            "PageSize": size,
        }
    )


def test_paginate_follows_page_numbers(scripted: ScriptedApi, client_for: MakeClient) -> None:
    scripted.default = _numbered_pages
    found = list(
        client_for().paginate("ecs", "DescribeImages", {"ImageOwnerAlias": "self"}, items="Images.Image", page_size=2)
    )
    assert [item["ImageId"] for item in found] == [f"m-{n}" for n in range(5)]
    assert [request.get("PageNumber") for request in scripted.requests] == [None, "2", "3"]


def test_paginate_single_answer_and_missing_list(scripted: ScriptedApi, client_for: MakeClient) -> None:
    scripted.replies = [ok({"Regions": {"Region": [{"RegionId": "cn-hangzhou"}]}}), ok({})]
    client = client_for()
    assert len(list(client.paginate("ecs", "DescribeRegions", None, items="Regions.Region"))) == 1
    assert list(client.paginate("ecs", "DescribeRegions", None, items="Regions.Region")) == []


def test_calls_are_logged_at_debug_without_secrets(
    scripted: ScriptedApi, client_for: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    scripted.replies = [error(400, "Throttling"), ok({})]
    with caplog.at_level(logging.DEBUG, logger="cdk_clone.api"):
        client_for(credentials=Credentials("testid", "testsecret", "sts-token")).ecs("DescribeRegions")
    text = caplog.text
    assert "ecs.DescribeRegions region=cn-hangzhou attempt=1 -> Throttling, retrying" in text
    assert "ecs.DescribeRegions region=cn-hangzhou attempt=2 -> OK" in text
    assert "testsecret" not in text and "sts-token" not in text


def test_paginate_keeps_page_size_within_the_documented_maximum(scripted: ScriptedApi, client_for: MakeClient) -> None:
    scripted.default = lambda params: ok({"Vpcs": {"Vpc": []}, "TotalCount": 0, "PageNumber": 1, "PageSize": 50})
    assert list(client_for().paginate("vpc", "DescribeVpcs", {}, items="Vpcs.Vpc")) == []
    assert scripted.requests[0]["PageSize"] == "50"

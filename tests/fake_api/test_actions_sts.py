"""STS in the fake: temporary credentials that sign ECS/VPC calls with their security token, and expire.

Checked with the signing client of the fake's tests, and with Alibaba's official STS and ECS SDKs over
loopback (as a user's own code would get and use temporary keys).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from alibabacloud_ecs20140526 import models as ecs_models
from alibabacloud_ecs20140526.client import Client as EcsClient
from alibabacloud_sts20150401 import models as sts_models
from alibabacloud_sts20150401.client import Client as StsClient
from alibabacloud_tea_openapi.utils_models import Config
from flask import Flask
from Tea.exceptions import TeaException

from fake_api.app import endpoint_of
from fake_api.rpc_client import RpcClient
from fake_api.server import RunningFake
from fake_api.signature import sign_v1_query, sign_v3

STS = "2015-04-01"
ROLE = "acs:ram::1234567890123456:role/cloner"
OIDC_PROVIDER = "acs:ram::1234567890123456:oidc-provider/ack-rrsa"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJl"


def _assume(wire: RpcClient, **params: str) -> dict[str, Any]:
    answer = wire.post("AssumeRole", version=STS, **{"RoleArn": ROLE, "RoleSessionName": "deploy", **params})
    assert answer.status_code == 200, answer.text
    credentials: dict[str, Any] = answer.json()["Credentials"]
    return credentials


def _signed_with_token(wire: RpcClient, credentials: dict[str, Any], token: str | None) -> httpx.Response:
    params = {"Action": "DescribeInstances", "Version": "2014-05-26", "Format": "JSON", "RegionId": "cn-hangzhou"}
    if token is not None:
        params["SecurityToken"] = token
    query = sign_v1_query("GET", params, credentials["AccessKeyId"], credentials["AccessKeySecret"])
    return wire.http.get(f"{wire.http.base_url}?{query}")


def test_assume_role_answers_temporary_credentials_that_act_in_the_callers_account(wire: RpcClient) -> None:
    answer = wire.post("AssumeRole", version=STS, RoleArn=ROLE, RoleSessionName="deploy", DurationSeconds="900")
    body = answer.json()
    assert answer.status_code == 200
    assert body["Credentials"]["AccessKeyId"].startswith("STS.")
    assert body["Credentials"]["SecurityToken"] and body["Credentials"]["AccessKeySecret"]
    assert body["Credentials"]["Expiration"].endswith("Z")
    assert body["AssumedRoleUser"]["Arn"] == f"{ROLE}/deploy"
    assert body["AssumedRoleUser"]["AssumedRoleId"].endswith(":deploy")

    own = wire.get("DescribeInstances", RegionId="cn-hangzhou").json()["Instances"]["Instance"]
    as_role = _signed_with_token(wire, body["Credentials"], body["Credentials"]["SecurityToken"])
    assert as_role.status_code == 200, as_role.text
    assert as_role.json()["Instances"]["Instance"] == own


@pytest.mark.parametrize(
    ("params", "code", "words"),
    [
        ({"RoleArn": ""}, "MissingParameter", "RoleArn is mandatory"),
        ({"RoleArn": "arn:aws:iam::1:role/x"}, "InvalidParameter", "acs:ram::<account ID>:role/<role name>"),
        ({"RoleSessionName": "a b"}, "InvalidParameter", "RoleSessionName"),
        ({"DurationSeconds": "60"}, "InvalidParameter", "900 to 3600"),
        ({"DurationSeconds": "7200"}, "InvalidParameter", "900 to 3600"),
    ],
)
def test_assume_role_refuses_bad_parameters(wire: RpcClient, params: dict[str, str], code: str, words: str) -> None:
    answer = wire.post("AssumeRole", version=STS, **{"RoleArn": ROLE, "RoleSessionName": "deploy", **params})
    assert answer.status_code == 400
    assert answer.json()["Code"] == code and words in answer.json()["Message"]


def test_a_temporary_key_needs_its_own_token(wire: RpcClient) -> None:
    credentials = _assume(wire)
    missing = _signed_with_token(wire, credentials, None)
    assert (missing.status_code, missing.json()["Code"]) == (400, "MissingSecurityToken")
    other = _assume(wire)
    mismatch = _signed_with_token(wire, credentials, other["SecurityToken"])
    assert mismatch.json()["Code"] == "InvalidSecurityToken.MismatchWithAccessKey"
    malformed = _signed_with_token(wire, credentials, "not-a-token")
    assert malformed.json()["Code"] == "InvalidSecurityToken.Malformed"


def test_an_expired_token_is_refused_with_alibabas_code(wire: RpcClient, wire_app: Flask) -> None:
    credentials = _assume(wire)
    endpoint_of(wire_app).cloud.sts.expire(credentials["AccessKeyId"])
    answer = _signed_with_token(wire, credentials, credentials["SecurityToken"])
    assert (answer.status_code, answer.json()["Code"]) == (400, "InvalidSecurityToken.Expired")
    assert "Specified SecurityToken is expired" in answer.json()["Message"]


def test_v3_requests_carry_the_token_in_a_signed_header(wire: RpcClient) -> None:
    credentials = _assume(wire)
    host = wire.http.base_url.netloc.decode("ascii")
    query = {"RegionId": "cn-hangzhou"}
    keys = (credentials["AccessKeyId"], credentials["AccessKeySecret"])
    signed = sign_v3("POST", "DescribeRegions", "2014-05-26", query, host, *keys,
                     security_token=credentials["SecurityToken"])
    answer = wire.http.post("/", params=query, headers=signed)
    assert answer.status_code == 200, answer.text
    unsigned_token = sign_v3("POST", "DescribeRegions", "2014-05-26", query, host, *keys)
    refused = wire.http.post("/", params=query, headers=unsigned_token)
    assert refused.json()["Code"] == "MissingSecurityToken"


def test_assume_role_with_oidc_is_anonymous(wire_http: httpx.Client) -> None:
    form = {
        "Action": "AssumeRoleWithOIDC", "Version": STS, "Format": "JSON", "RoleArn": ROLE,
        "OIDCProviderArn": OIDC_PROVIDER, "OIDCToken": JWT, "RoleSessionName": "pod",
    }
    answer = wire_http.post("/", data=form)
    assert answer.status_code == 200, answer.text
    assert answer.json()["Credentials"]["AccessKeyId"].startswith("STS.")
    assert answer.json()["OIDCTokenInfo"]["Subject"] == "pod"
    refused = wire_http.post("/", data={**form, "OIDCToken": "not-a-jwt"})
    assert refused.json()["Code"] == "InvalidParameter" and "JWT" in refused.json()["Message"]


def test_the_metadata_service_gives_the_instance_roles_credentials(wire_http: httpx.Client) -> None:
    token = wire_http.put("/latest/api/token", headers={"X-aliyun-ecs-metadata-token-ttl-seconds": "60"})
    assert token.status_code == 200 and token.text
    headers = {"X-aliyun-ecs-metadata-token": token.text}
    role = wire_http.get("/latest/meta-data/ram/security-credentials/", headers=headers).text
    document = wire_http.get(f"/latest/meta-data/ram/security-credentials/{role}", headers=headers).json()
    assert document["Code"] == "Success" and document["AccessKeyId"].startswith("STS.")
    wrong_role = wire_http.get("/latest/meta-data/ram/security-credentials/nope")
    assert wrong_role.status_code == 404 and role in wrong_role.text
    bad_token = wire_http.get("/latest/meta-data/ram/security-credentials/", headers={"X-aliyun-ecs-metadata-token": "x"})
    assert bad_token.status_code == 401
    assert wire_http.put("/latest/api/token").status_code == 400  # the TTL header is required


def test_control_api_expires_temporary_credentials(wire: RpcClient, wire_http: httpx.Client) -> None:
    credentials = _assume(wire)
    assert wire_http.post("/_fake/sts/expire", json={"access_key_id": credentials["AccessKeyId"]}).status_code == 200
    assert _signed_with_token(wire, credentials, credentials["SecurityToken"]).json()["Code"] == (
        "InvalidSecurityToken.Expired"
    )
    unknown = wire_http.post("/_fake/sts/expire", json={"access_key_id": "STS.nope"})
    assert unknown.status_code == 400 and "STS.nope" in unknown.json()["error"]


def test_official_sdks_assume_a_role_then_call_ecs_with_the_token(fake_cloud: RunningFake) -> None:
    """Alibaba's STS SDK gets the keys; Alibaba's ECS SDK signs with them and the security token."""
    where = {"endpoint": f"{fake_cloud.host}:{fake_cloud.port}", "protocol": "http", "region_id": "cn-hangzhou"}
    sts = StsClient(Config(access_key_id=fake_cloud.access_key_id, access_key_secret=fake_cloud.access_key_secret,
                           **where))
    assumed = sts.assume_role(sts_models.AssumeRoleRequest(role_arn=ROLE, role_session_name="sdk", duration_seconds=900))
    keys = assumed.body.credentials
    ecs = EcsClient(Config(access_key_id=keys.access_key_id, access_key_secret=keys.access_key_secret,
                           security_token=keys.security_token, **where))
    regions = ecs.describe_regions(ecs_models.DescribeRegionsRequest())
    assert "cn-hangzhou" in [r.region_id for r in regions.body.regions.region]

    fake_cloud.cloud.sts.expire(keys.access_key_id)
    with pytest.raises(TeaException) as refused:
        ecs.describe_regions(ecs_models.DescribeRegionsRequest())
    assert refused.value.code == "InvalidSecurityToken.Expired"

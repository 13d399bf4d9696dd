"""Request signatures: the published V1 vector, encoding edge cases, and V3 against Alibaba's own SDK."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from cdk_clone.api._signing import (
    authorization_v3,
    canonical_query,
    format_timestamp,
    percent_encode,
    sha256_hex,
    sign_v1,
    string_to_sign_v1,
)

PUBLISHED_PARAMS = {
    "AccessKeyId": "testid",
    "Action": "DescribeRegions",
    "Format": "XML",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    "SignatureVersion": "1.0",
    "Timestamp": "2016-02-23T12:46:24Z",
    "Version": "2014-05-26",
}


def test_v1_published_string_to_sign() -> None:
    assert string_to_sign_v1(PUBLISHED_PARAMS, "GET") == (
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1"
        "%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0"
        "%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
    )


def test_v1_published_signature() -> None:
    assert sign_v1(PUBLISHED_PARAMS, secret="testsecret", method="GET") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_v1_published_signature_with_the_timestamp_spelled_differently() -> None:
    params = {("TimeStamp" if name == "Timestamp" else name): value for name, value in PUBLISHED_PARAMS.items()}
    assert sign_v1(params, secret="testsecret", method="GET") == "CT9X0VtwR86fNWSnsc6v8YGOjuE="


def test_v1_ignores_a_signature_parameter_and_depends_on_method_and_secret() -> None:
    base = sign_v1(PUBLISHED_PARAMS, secret="testsecret", method="GET")
    assert sign_v1({**PUBLISHED_PARAMS, "Signature": "anything"}, secret="testsecret", method="GET") == base
    assert sign_v1(PUBLISHED_PARAMS, secret="testsecret", method="POST") != base
    assert sign_v1(PUBLISHED_PARAMS, secret="othersecret", method="GET") != base
    assert string_to_sign_v1(PUBLISHED_PARAMS, "post").startswith("POST&%2F&")


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("a b", "a%20b"),
        ("a+b", "a%2Bb"),
        ("a*b", "a%2Ab"),
        ("a~b", "a~b"),
        ("A-Z_a.z~0", "A-Z_a.z~0"),
        ("/", "%2F"),
        ('["i-1","i-2"]', "%5B%22i-1%22%2C%22i-2%22%5D"),
        ("2016-02-23T12:46:24Z", "2016-02-23T12%3A46%3A24Z"),
        ("中文", "%E4%B8%AD%E6%96%87"),
        ("=&", "%3D%26"),
    ],
)
def test_percent_encoding_follows_rfc3986_as_alibaba_specifies(raw: str, encoded: str) -> None:
    assert percent_encode(raw) == encoded


def test_canonical_query_sorts_and_encodes() -> None:
    assert canonical_query({"b": "2 3", "a": "x*y", "Tag.1.Key": "k"}) == "Tag.1.Key=k&a=x%2Ay&b=2%203"
    assert canonical_query({}) == ""


def test_timestamp_is_utc_without_fraction() -> None:
    moment = datetime(2016, 2, 23, 20, 46, 24, 123456, tzinfo=timezone(timedelta(hours=8)))
    assert format_timestamp(moment) == "2016-02-23T12:46:24Z"
    assert format_timestamp().endswith("Z")
    assert datetime.strptime(format_timestamp(), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) <= datetime.now(UTC)


def _sdk_authorization(query: dict[str, str], headers: dict[str, str], payload: bytes) -> str:
    """What Alibaba's official Python SDK computes for the same request (the reference implementation)."""
    utils = pytest.importorskip("alibabacloud_tea_openapi.utils")
    request = SimpleNamespace(pathname="/", query=query, headers=headers, method="POST")
    return str(utils.Utils.get_authorization(request, "ACS3-HMAC-SHA256", sha256_hex(payload), "testid", "testsecret"))


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"RegionId": "cn-hangzhou", "InstanceIds": '["i-1","i-2"]', "SecurityGroupIds.1": "sg-1"},
        {"InstanceName": "web server*1", "Tag.1.Key": "env", "Tag.1.Value": "dev~test"},
    ],
)
def test_v3_authorization_matches_the_official_sdk(query: dict[str, str]) -> None:
    headers = {
        "host": "ecs.cn-hangzhou.aliyuncs.com",
        "x-acs-action": "DescribeInstances",
        "x-acs-version": "2014-05-26",
        "x-acs-date": "2026-01-02T03:04:05Z",
        "x-acs-signature-nonce": "3ee8c1b883d344afa94f4e0ad82fd6cf",
        "x-acs-content-sha256": sha256_hex(b""),
    }
    ours = authorization_v3(
        access_key_id="testid", secret="testsecret", method="POST", query=query, headers=headers, payload=b""
    )
    assert ours == _sdk_authorization(query, headers, b"")
    assert ours.startswith(
        "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;"
        "x-acs-signature-nonce;x-acs-version,Signature="
    )


def test_v3_signature_changes_with_any_signed_part() -> None:
    headers = {"host": "h", "x-acs-action": "DescribeRegions", "x-acs-date": "2026-01-02T03:04:05Z"}
    base = authorization_v3(
        access_key_id="testid", secret="testsecret", method="POST", query={"a": "1"}, headers=headers, payload=b""
    )
    changed_query = authorization_v3(
        access_key_id="testid", secret="testsecret", method="POST", query={"a": "2"}, headers=headers, payload=b""
    )
    changed_header = authorization_v3(
        access_key_id="testid",
        secret="testsecret",
        method="POST",
        query={"a": "1"},
        headers={**headers, "x-acs-action": "DescribeZones"},
        payload=b"",
    )
    assert len({base, changed_query, changed_header}) == 3

"""Signature rules of fake_api.signature: the published V1 vectors, V3 as the official SDK computes it,
and the server-side checks (unknown key, mismatch, nonce reuse, clock skew)."""

from __future__ import annotations

import hashlib
from typing import ClassVar
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_api.exceptions import (
    IncompleteSignature,
    InvalidAccessKeyIdNotFound,
    InvalidTimeStampExpired,
    InvalidTimeStampFormat,
    SignatureDoesNotMatch,
    SignatureNonceUsed,
)
from fake_api.signature import (
    NonceMemory,
    SignatureVerifier,
    SignedRequest,
    canonical_query_string,
    parse_timestamp,
    parse_v3_authorization,
    percent_encode,
    v1_signature,
    v1_string_to_sign,
    v3_canonical_request,
    v3_signature,
    v3_string_to_sign,
)

VECTOR_PARAMS = {
    "AccessKeyId": "testid",
    "Action": "DescribeRegions",
    "Format": "XML",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    "SignatureVersion": "1.0",
    "Timestamp": "2016-02-23T12:46:24Z",
    "Version": "2014-05-26",
}
VECTOR_STRING_TO_SIGN = (
    "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1"
    "%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0"
    "%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
)
VECTOR_TIME = parse_timestamp("2016-02-23T12:46:24Z")


def test_v1_reproduces_the_published_test_vector() -> None:
    string_to_sign = v1_string_to_sign("GET", VECTOR_PARAMS)
    assert string_to_sign == VECTOR_STRING_TO_SIGN
    assert v1_signature("testsecret", string_to_sign) == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_v1_reproduces_the_vector_spelled_with_TimeStamp() -> None:
    params = dict(VECTOR_PARAMS)
    params["TimeStamp"] = params.pop("Timestamp")
    assert v1_signature("testsecret", v1_string_to_sign("GET", params)) == "CT9X0VtwR86fNWSnsc6v8YGOjuE="


def test_v1_string_to_sign_leaves_out_the_signature_itself() -> None:
    with_signature = {**VECTOR_PARAMS, "Signature": "anything"}
    assert v1_string_to_sign("GET", with_signature) == VECTOR_STRING_TO_SIGN


def test_v1_post_string_to_sign_starts_with_post() -> None:
    assert v1_string_to_sign("post", VECTOR_PARAMS) == "POST" + VECTOR_STRING_TO_SIGN[3:]


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [("a b", "a%20b"), ("a*b", "a%2Ab"), ("a~b", "a~b"), ("a+b", "a%2Bb"), ("é", "%C3%A9"), ("-_.", "-_.")],
)
def test_percent_encoding_follows_rfc3986_as_alibaba_signs(raw: str, encoded: str) -> None:
    assert percent_encode(raw) == encoded


def test_v3_matches_the_official_sdk_computation() -> None:
    from alibabacloud_tea_openapi.utils import Utils  # the SDK's own signer, unmodified

    class SdkRequest:
        method: ClassVar[str] = "POST"
        pathname: ClassVar[str] = "/"
        query: ClassVar[dict[str, str]] = {
            "RegionId": "cn-hangzhou",
            "InstanceIds": '["i-1"]',
            "SecurityGroupIds.1": "sg 1",
        }
        headers: ClassVar[dict[str, str]] = {
            "host": "127.0.0.1:8080",
            "x-acs-action": "DescribeInstances",
            "x-acs-version": "2014-05-26",
            "x-acs-date": "2024-01-01T00:00:00Z",
            "x-acs-signature-nonce": "nonce-1",
            "x-acs-content-sha256": hashlib.sha256(b"").hexdigest(),
        }

    sdk_authorization = Utils.get_authorization(
        SdkRequest, "ACS3-HMAC-SHA256", hashlib.sha256(b"").hexdigest(), "testid", "testsecret"
    )
    parsed = parse_v3_authorization(sdk_authorization)
    canonical = v3_canonical_request(
        "POST",
        "/",
        SdkRequest.query,
        {name: [value] for name, value in SdkRequest.headers.items()},
        parsed.signed_headers,
        hashlib.sha256(b"").hexdigest(),
    )
    assert parsed.access_key_id == "testid"
    assert v3_signature("testsecret", v3_string_to_sign(canonical)) == parsed.signature


def test_v3_authorization_without_its_fields_is_an_incomplete_signature() -> None:
    with pytest.raises(IncompleteSignature, match="lacks SignedHeaders, Signature"):
        parse_v3_authorization("ACS3-HMAC-SHA256 Credential=testid")


def test_timestamp_in_another_format_is_refused_with_the_expected_form() -> None:
    with pytest.raises(InvalidTimeStampFormat, match="2016-02-23T12:46:24Z"):
        parse_timestamp("2016-02-23 12:46:24")


# Server-side checks ---------------------------------------------------------------------------------------


def verifier_at(now: float, secrets: dict[str, str] | None = None) -> SignatureVerifier:
    return SignatureVerifier((secrets or {"testid": "testsecret"}).get, clock=lambda: now)


def signed_v1(method: str = "GET", secret: str = "testsecret", **overrides: str) -> dict[str, str]:
    params = {**VECTOR_PARAMS, **overrides}
    params["Signature"] = v1_signature(secret, v1_string_to_sign(method, params))
    return params


def test_a_correct_v1_request_is_accepted_and_yields_the_access_key_id() -> None:
    assert verifier_at(VECTOR_TIME).verify(SignedRequest("GET", "/", query=signed_v1())) == "testid"


def test_v1_post_signature_covers_query_and_body_together() -> None:
    params = signed_v1("POST", RegionId="cn-hangzhou")
    query = {name: params[name] for name in ("Action", "Version", "Signature")}
    form = {name: value for name, value in params.items() if name not in query}
    assert verifier_at(VECTOR_TIME).verify(SignedRequest("POST", "/", query=query, form=form)) == "testid"


def test_a_get_signature_does_not_pass_for_post() -> None:
    with pytest.raises(SignatureDoesNotMatch):
        verifier_at(VECTOR_TIME).verify(SignedRequest("POST", "/", query=signed_v1("GET")))


def test_wrong_secret_is_refused_and_the_message_echoes_the_server_string_to_sign() -> None:
    with pytest.raises(SignatureDoesNotMatch) as refused:
        verifier_at(VECTOR_TIME).verify(SignedRequest("GET", "/", query=signed_v1(secret="wrong")))
    assert refused.value.message == (
        "Specified signature is not matched with our calculation. server string to sign is:" + VECTOR_STRING_TO_SIGN
    )


def test_a_parameter_changed_after_signing_is_refused() -> None:
    params = signed_v1()
    params["Action"] = "DeleteInstance"
    with pytest.raises(SignatureDoesNotMatch):
        verifier_at(VECTOR_TIME).verify(SignedRequest("GET", "/", query=params))


def test_unknown_access_key_is_not_found() -> None:
    with pytest.raises(InvalidAccessKeyIdNotFound, match="'nobody'"):
        verifier_at(VECTOR_TIME).verify(SignedRequest("GET", "/", query=signed_v1(AccessKeyId="nobody")))


def test_a_second_account_signs_with_its_own_secret() -> None:
    verifier = verifier_at(VECTOR_TIME, {"testid": "testsecret", "other": "othersecret"})
    params = signed_v1(secret="othersecret", AccessKeyId="other")
    assert verifier.verify(SignedRequest("GET", "/", query=params)) == "other"


def test_a_reused_nonce_is_refused_but_a_rejected_request_does_not_consume_it() -> None:
    verifier = verifier_at(VECTOR_TIME)
    with pytest.raises(SignatureDoesNotMatch):
        verifier.verify(SignedRequest("GET", "/", query=signed_v1(secret="wrong")))
    verifier.verify(SignedRequest("GET", "/", query=signed_v1()))
    with pytest.raises(SignatureNonceUsed, match="3ee8c1b8"):
        verifier.verify(SignedRequest("GET", "/", query=signed_v1()))


@pytest.mark.parametrize("offset", [-16 * 60, 16 * 60])
def test_a_timestamp_more_than_15_minutes_away_is_expired(offset: int) -> None:
    with pytest.raises(InvalidTimeStampExpired, match="2016-02-23T12:46:24Z"):
        verifier_at(VECTOR_TIME + offset).verify(SignedRequest("GET", "/", query=signed_v1()))


def test_a_timestamp_14_minutes_away_is_accepted() -> None:
    assert verifier_at(VECTOR_TIME + 14 * 60).verify(SignedRequest("GET", "/", query=signed_v1())) == "testid"


@pytest.mark.parametrize("missing", ["Signature", "AccessKeyId", "SignatureNonce", "Timestamp"])
def test_missing_signature_parameters_are_an_incomplete_signature_naming_them(missing: str) -> None:
    params = signed_v1()
    del params[missing]
    with pytest.raises(IncompleteSignature, match=missing):
        verifier_at(VECTOR_TIME).verify(SignedRequest("GET", "/", query=params))


def test_another_signature_method_is_refused() -> None:
    params = signed_v1(SignatureMethod="HMAC-SHA256")
    with pytest.raises(IncompleteSignature, match="HMAC-SHA256"):
        verifier_at(VECTOR_TIME).verify(SignedRequest("GET", "/", query=params))


def v3_request(secret: str = "testsecret", body: bytes = b"", overrides: dict[str, str] | None = None) -> SignedRequest:
    headers = {
        "host": ["127.0.0.1:1"],
        "x-acs-action": ["DescribeRegions"],
        "x-acs-version": ["2014-05-26"],
        "x-acs-date": ["2016-02-23T12:46:24Z"],
        "x-acs-signature-nonce": ["v3-nonce"],
        "x-acs-content-sha256": [hashlib.sha256(body).hexdigest()],
    }
    signed = tuple(sorted(headers))
    query = {"RegionId": "cn-hangzhou"}
    canonical = v3_canonical_request("POST", "/", query, headers, signed, hashlib.sha256(body).hexdigest())
    signature = v3_signature(secret, v3_string_to_sign(canonical))
    headers.update({name: [value] for name, value in (overrides or {}).items()})
    headers["authorization"] = [
        f"ACS3-HMAC-SHA256 Credential=testid,SignedHeaders={';'.join(signed)},Signature={signature}"
    ]
    return SignedRequest("POST", "/", query=query, headers=headers, body=body)


def test_a_correct_v3_request_is_accepted() -> None:
    assert verifier_at(VECTOR_TIME).verify(v3_request()) == "testid"


def test_a_v3_request_with_a_changed_signed_header_is_refused_showing_the_canonical_request() -> None:
    with pytest.raises(SignatureDoesNotMatch, match="x-acs-action:DeleteInstance"):
        verifier_at(VECTOR_TIME).verify(v3_request(overrides={"x-acs-action": "DeleteInstance"}))


def test_a_v3_body_that_does_not_match_its_signed_hash_is_refused() -> None:
    request = v3_request(body=b"a=1")
    tampered = SignedRequest(request.method, request.path, request.query, request.form, request.headers, b"a=2")
    with pytest.raises(SignatureDoesNotMatch):
        verifier_at(VECTOR_TIME).verify(tampered)


def test_v3_nonce_and_skew_rules_apply_too() -> None:
    verifier = verifier_at(VECTOR_TIME)
    verifier.verify(v3_request())
    with pytest.raises(SignatureNonceUsed):
        verifier.verify(v3_request())
    with pytest.raises(InvalidTimeStampExpired):
        verifier_at(VECTOR_TIME + 3600).verify(v3_request())


def test_nonce_memory_forgets_after_its_window_and_stays_bounded() -> None:
    nonces = NonceMemory(window_seconds=60, max_entries=3)
    assert nonces.remember("testid", "a", now=0)
    assert not nonces.remember("testid", "a", now=30)
    assert nonces.remember("other", "a", now=30)  # nonces are per access key
    assert nonces.remember("testid", "a", now=61)
    for nonce in "bcdef":
        nonces.remember("testid", nonce, now=62)
    assert len(nonces) <= 3


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=300), st.text(max_size=300), max_size=8))
def test_canonical_query_string_is_every_pair_encoded_and_sorted_however_often_it_is_computed(
    params: dict[str, str],
) -> None:
    # The reference: each name and value percent-encoded (RFC 3986, as Alibaba signs), sorted by encoded name.
    expected = "&".join(
        f"{name}={value}" for name, value in sorted((quote(n, safe="~"), quote(v, safe="~")) for n, v in params.items())
    )
    assert canonical_query_string(params) == expected
    assert canonical_query_string(params) == expected  # the same again, now from the recent pairs remembered

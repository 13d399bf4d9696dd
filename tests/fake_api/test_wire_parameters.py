"""The RPC endpoint reads parameters exactly as Flask's request would: query string and urlencoded form body."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import httpx
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from fake_api.app import create_app, endpoint_of, parse_query
from fake_api.rpc_client import RpcClient
from fake_api.signature import sign_v1, sign_v1_query

# Pieces that exercise the parser: separators, escapes (valid, invalid, not UTF-8), "+", blanks, repeats.
PIECES = st.sampled_from(
    ["&", "=", "+", "%", "%2", "%41", "%2B", "%26", "%3D", "%FF", "%C3%A9", "a", "B", "é", "中", " "]
)
QUERY_TEXT = st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=24).map("".join)


def werkzeug_args(query: str) -> dict[str, str]:
    environ = EnvironBuilder(path="/").get_environ()
    environ["QUERY_STRING"] = query.encode().decode("latin-1")  # as a WSGI server passes the raw bytes
    return Request(environ).args.to_dict()


@settings(max_examples=400, deadline=None)
@given(query=QUERY_TEXT)
def test_query_strings_parse_as_werkzeug_parses_them(query: str) -> None:
    assert parse_query(query.encode().decode("latin-1")) == werkzeug_args(query)


def test_the_first_of_repeated_names_wins_and_blank_values_are_kept() -> None:
    assert parse_query("A=1&A=2&Empty=&Bare&&x+y=a%20b+c") == {"A": "1", "Empty": "", "Bare": "", "x y": "a b c"}


@settings(max_examples=100, deadline=None)
@given(value=st.text(max_size=30))
def test_any_value_signed_in_a_form_body_is_accepted(value: str) -> None:
    app = create_app(seed="demo")
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://fake.test") as http:
        answer = RpcClient(http).post("DescribeRegions", AcceptLanguage=value)
    assert answer.status_code == 200, answer.text
    entry = endpoint_calls(app)[-1]
    assert entry["params"]["AcceptLanguage"] == value


def test_query_and_form_body_merge_with_the_body_winning(wire_http: httpx.Client, wire_app: Flask) -> None:
    # The signature covers query and body together; RegionId in the query is overridden by the body's.
    params = {"Action": "DescribeRegions", "Version": "2014-05-26", "Format": "JSON", "RegionId": "cn-beijing"}
    form = sign_v1("POST", params, "testid", "testsecret")
    response = wire_http.post("/", params={"RegionId": "cn-shanghai"}, data=form)
    assert response.status_code == 200, response.text
    assert endpoint_calls(wire_app)[-1]["region"] == "cn-beijing"


def test_a_form_body_that_is_not_utf8_carries_no_parameters(wire_http: httpx.Client) -> None:
    # As werkzeug's form parser: the body is ignored, so the request lacks its signature fields.
    body = sign_v1_query("POST", {"Action": "DescribeRegions", "Version": "2014-05-26"}, "testid", "testsecret")
    response = wire_http.post(
        "/?Format=JSON",
        content=body.encode() + b"&Junk=\xff",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert response.json()["Code"] == "IncompleteSignature"


def test_a_multipart_form_body_is_read_too(wire_http: httpx.Client) -> None:
    form = sign_v1(
        "POST", {"Action": "DescribeRegions", "Version": "2014-05-26", "Format": "JSON"}, "testid", "testsecret"
    )
    response = wire_http.post("/", files={name: (None, value) for name, value in form.items()})
    assert response.status_code == 200, response.text
    assert response.json()["Regions"]["Region"]


def test_other_methods_on_the_rpc_path_are_answered_by_flask(wire_http: httpx.Client) -> None:
    assert wire_http.put("/").status_code == 405
    assert set(wire_http.options("/").headers["allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}
    query = sign_v1_query(
        "HEAD", {"Action": "DescribeRegions", "Version": "2014-05-26", "Format": "JSON"}, "testid", "testsecret"
    )
    head = wire_http.head(f"/?{query}")  # answered by the Flask view: the GET answer's headers, no body
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) > 0


def test_a_percent_encoded_query_signed_by_another_client_is_verified(wire_http: httpx.Client) -> None:
    # Encoded differently from the canonical form ("+" for spaces, lowercase escapes): still the same parameters.
    params = {"Action": "DescribeRegions", "Version": "2014-05-26", "Format": "JSON", "AcceptLanguage": "zh CN/é"}
    signed = sign_v1("GET", params, "testid", "testsecret")
    query = "&".join(
        f"{name}={lowercase_escapes(quote(value, safe='')).replace('%20', '+')}" for name, value in signed.items()
    )
    response = wire_http.get(f"/?{query}")
    assert response.status_code == 200, response.text


def lowercase_escapes(text: str) -> str:
    return re.sub(r"%[0-9A-F]{2}", lambda escape: escape.group().lower(), text)


def endpoint_calls(app: Flask) -> list[dict[str, Any]]:
    return endpoint_of(app).call_log.entries()

"""Fixtures for the fake's own tests: an app in process and a client that signs like the real ones."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from flask import Flask

from fake_api.app import ECS_VERSION, create_app
from fake_api.signature import sign_v1, sign_v3

IN_PROCESS_HOST = "fake.test"


class SignedClient:
    """Signs RPC calls for the fake with V1 (GET query or POST form) or V3 (SDK-style headers)."""

    def __init__(self, http: httpx.Client, access_key_id: str = "testid", secret: str = "testsecret") -> None:
        self.http = http
        self.access_key_id = access_key_id
        self.secret = secret

    def get(
        self, action: str, version: str = ECS_VERSION, answer_format: str | None = "JSON", **params: str
    ) -> httpx.Response:
        query = self._common(action, version, answer_format, params)
        return self.http.get("/", params=sign_v1("GET", query, self.access_key_id, self.secret))

    def post(
        self, action: str, version: str = ECS_VERSION, answer_format: str | None = "JSON", **params: str
    ) -> httpx.Response:
        form = sign_v1("POST", self._common(action, version, answer_format, params), self.access_key_id, self.secret)
        return self.http.post("/", data=form)

    def v3(self, action: str, version: str = ECS_VERSION, **query: str) -> httpx.Response:
        host = self.http.base_url.netloc.decode()
        headers = sign_v3("POST", action, version, query, host, self.access_key_id, self.secret)
        return self.http.post("/", params=query, headers=headers)

    @staticmethod
    def _common(action: str, version: str, answer_format: str | None, params: dict[str, str]) -> dict[str, str]:
        common = {"Action": action, "Version": version, **params}
        if answer_format is not None:
            common["Format"] = answer_format
        return common


@pytest.fixture
def wire_app() -> Flask:
    return create_app(seed="demo")


@pytest.fixture
def wire_http(wire_app: Flask) -> Iterator[httpx.Client]:
    with httpx.Client(transport=httpx.WSGITransport(app=wire_app), base_url=f"http://{IN_PROCESS_HOST}") as http:
        yield http


@pytest.fixture
def wire(wire_http: httpx.Client) -> SignedClient:
    return SignedClient(wire_http)

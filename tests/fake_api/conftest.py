"""Fixtures for the fake's own tests: an app in process and a client that signs like the real ones."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from actions_support import Clock
from flask import Flask

from fake_api.app import create_app
from fake_api.rpc_client import RpcClient


@pytest.fixture
def wire_app() -> Flask:
    return create_app(seed="demo")


@pytest.fixture
def wire_http(wire_app: Flask) -> Iterator[httpx.Client]:
    with httpx.Client(transport=httpx.WSGITransport(app=wire_app), base_url="http://fake.test") as http:
        yield http


@pytest.fixture
def wire(wire_http: httpx.Client) -> RpcClient:
    return RpcClient(wire_http)


@pytest.fixture
def clock() -> Clock:
    """Epoch seconds that only move when the test moves them (pass it to ``FakeCloud(clock=...)``)."""
    return Clock()

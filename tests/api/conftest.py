"""Fixtures for the API client tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from api_scripted import ScriptedApi

from cdk_clone.api import AlibabaCloudClient, Credentials, RetryPolicy


@pytest.fixture
def scripted() -> ScriptedApi:
    return ScriptedApi()


@pytest.fixture
def client_for(scripted: ScriptedApi) -> Iterator[Callable[..., AlibabaCloudClient]]:
    made: list[AlibabaCloudClient] = []

    def make(**options: Any) -> AlibabaCloudClient:
        options.setdefault("retry", RetryPolicy(base_delay=0.0, jitter=False))
        options.setdefault("credentials", Credentials("testid", "testsecret"))
        options.setdefault("endpoint", "http://api.test")
        options.setdefault("transport", httpx.MockTransport(scripted.handler))
        client = AlibabaCloudClient("cn-hangzhou", **options)
        client._sleep = lambda seconds: None  # the retry tests need not wait
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()

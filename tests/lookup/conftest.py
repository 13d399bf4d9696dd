"""A client of the session's fake cloud, and a fresh context file per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cdk_clone.api import AlibabaCloudClient, Credentials

SOURCE_REGION = "cn-hangzhou"


@pytest.fixture
def client(fake_cloud: Any) -> Iterator[AlibabaCloudClient]:
    with AlibabaCloudClient(
        SOURCE_REGION, credentials=Credentials("testid", "testsecret"), endpoint=fake_cloud.url
    ) as api:
        yield api


@pytest.fixture
def context_file(tmp_path: Path) -> Path:
    return tmp_path / "cdk-clone.context.json"

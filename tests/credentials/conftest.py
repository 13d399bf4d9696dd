"""Helpers of the credential tests: profile files, and a look at who the fake thinks is calling."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cdk_clone.api import AlibabaCloudClient, Credentials, CredentialsSupply
from fake_api.server import RunningFake

ROLE = "acs:ram::1234567890123456:role/cloner"


def write_profiles(path: Path, *profiles: dict[str, Any], current: str | None = None) -> Path:
    """An ``~/.aliyun/config.json`` as ``aliyun configure`` writes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"current": current or profiles[0]["name"], "profiles": list(profiles), "meta_path": ""}
    path.write_text(json.dumps(document))
    return path


def instance_ids(fake: RunningFake, credentials: Credentials | CredentialsSupply) -> list[str]:
    """The instances seen by a client signing with ``credentials``: the demo account's, if they act in it."""
    with AlibabaCloudClient("cn-hangzhou", credentials=credentials, endpoint=fake.url) as client:
        answer = client.ecs("DescribeInstances", {"MaxResults": 100})
    return sorted(i["InstanceId"] for i in answer["Instances"]["Instance"])


@pytest.fixture
def fake_env(fake_cloud: RunningFake, tmp_path: Path) -> dict[str, str]:
    """An environment pointing every call (STS and the metadata service included) at the fake, with a HOME
    holding no profiles."""
    return {"CDK_CLONE_ENDPOINT": fake_cloud.url, "HOME": str(tmp_path / "home")}

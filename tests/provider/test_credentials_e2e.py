"""The provider's credentials with real Terraform: a profile, an assume_role block, and what a user sees
when none can be found. Every call (STS included) goes to the fake through CDK_CLONE_ENDPOINT."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .cloud import objects
from .conftest import TerraformRun

pytestmark = pytest.mark.e2e

ROLE = "acs:ram::1234567890123456:role/cloner"
VPC = 'resource "ecsclone_vpc" "net" {\n  cidr_block = "10.40.0.0/16"\n}\n'
NO_KEYS = ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET")


def _without_keys(terraform: TerraformRun) -> None:
    for name in NO_KEYS:
        terraform.env.pop(name, None)


def _vpcs(fake: Any) -> list[dict[str, Any]]:
    return [v for v in objects(fake, "vpcs") if v["cidr_block"] == "10.40.0.0/16"]


def test_a_ram_role_profile_named_in_the_provider_block(terraform: TerraformRun, fake_cloud: Any, tmp_path: Path) -> None:
    config = tmp_path / "aliyun.json"
    profile = {"name": "deployer", "mode": "RamRoleArn", "access_key_id": "testid", "access_key_secret": "testsecret",
               "ram_role_arn": ROLE, "ram_session_name": "terraform"}
    config.write_text(json.dumps({"current": "deployer", "profiles": [profile]}))
    _without_keys(terraform)
    terraform.write(VPC, provider=(
        'provider "ecsclone" {\n  region = "cn-hangzhou"\n  profile = "deployer"\n'
        f'  shared_credentials_file = "{config}"\n}}\n'
    ))
    terraform.apply()
    # The VPC was made with the role's temporary keys, in the account that assumed it.
    assert len(_vpcs(fake_cloud)) == 1
    assert {c["params"]["RoleSessionName"] for c in fake_cloud.calls(action="AssumeRole")} == {"terraform"}
    terraform.destroy()
    assert _vpcs(fake_cloud) == []


def test_an_assume_role_block_over_environment_keys(terraform: TerraformRun, fake_cloud: Any) -> None:
    terraform.write(VPC, provider=(
        'provider "ecsclone" {\n  region = "cn-hangzhou"\n'
        f'  assume_role {{\n    role_arn = "{ROLE}"\n    session_name = "ci"\n    session_expiration = 900\n  }}\n}}\n'
    ))
    terraform.apply()
    assert len(_vpcs(fake_cloud)) == 1
    calls = fake_cloud.calls(action="AssumeRole")
    assert calls and {(c["params"]["RoleSessionName"], c["params"]["DurationSeconds"]) for c in calls} == {("ci", "900")}
    terraform.destroy()


def test_no_credentials_names_every_source_tried(terraform: TerraformRun, tmp_path: Path) -> None:
    _without_keys(terraform)
    terraform.env["HOME"] = str(tmp_path / "empty-home")
    terraform.write(VPC)
    output = " ".join(terraform.apply_fails().split())
    assert "No usable Alibaba Cloud credentials" in output
    for source in ("provider arguments access_key/secret_key",
                   "environment ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                   "environment ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY", "ECS instance RAM role", "OIDC role",
                   "empty-home/.aliyun/config.json"):
        assert source in output, source

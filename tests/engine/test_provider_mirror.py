"""Terraform finds the ecsclone provider offline, from the mirror cdk-clone writes."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from cdk_clone.engine import Terraform
from cdk_clone.schema import PROVIDER_SOURCE, PROVIDER_VERSION, RESOURCES

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("cdk_clone.provider.__main__") is None,
    reason="the ecsclone provider (cdk_clone/provider, run as python -m cdk_clone.provider) is not built yet",
)

CONFIG = f"""
terraform {{
  required_providers {{
    ecsclone = {{
      source  = "{PROVIDER_SOURCE}"
      version = "{PROVIDER_VERSION}"
    }}
  }}
}}

provider "ecsclone" {{
  region = "cn-hangzhou"
}}
"""


def test_init_finds_the_provider_offline_and_serves_its_schema(tmp_path: Path, engine_environ: dict[str, str]) -> None:
    workdir = tmp_path / "stack"
    workdir.mkdir()
    (workdir / "main.tf").write_text(CONFIG)
    terraform = Terraform(workdir, environ=engine_environ)
    terraform.init()
    lock = (workdir / ".terraform.lock.hcl").read_text()
    assert f'provider "registry.terraform.io/{PROVIDER_SOURCE}"' in lock
    assert f'version     = "{PROVIDER_VERSION}"' in lock

    schema = json.loads(terraform.run("providers", "schema", "-json").stdout)
    resources = schema["provider_schemas"][f"registry.terraform.io/{PROVIDER_SOURCE}"]["resource_schemas"]
    assert "ecsclone_instance_group" in resources
    assert set(RESOURCES) <= set(resources)


def test_init_recovers_from_a_lock_written_with_another_interpreter(
    tmp_path: Path, engine_environ: dict[str, str]
) -> None:
    workdir = tmp_path / "stack"
    workdir.mkdir()
    (workdir / "main.tf").write_text(CONFIG)
    terraform = Terraform(workdir, environ=engine_environ)
    terraform.init()
    lock = workdir / ".terraform.lock.hcl"
    good = lock.read_text()
    # Another virtual environment's launcher has another checksum: what its lock file would record.
    stale = re.sub(r'"h1:[^"]+"', '"h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="', good)
    assert stale != good
    lock.write_text(stale)

    terraform.init()

    assert lock.read_text() == good

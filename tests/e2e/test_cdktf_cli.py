"""The npm cdktf-cli drives the same app offline, after the exports of `cdk-clone env`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from e2e_support import CloudView, run_cdk_clone, write_app

from fake_api.seeds import DEMO_SOURCE_INSTANCE_ID

pytestmark = [pytest.mark.e2e, pytest.mark.cdktf_cli]

REPOSITORY = Path(__file__).resolve().parents[2]
CDKTF = REPOSITORY / "node_modules" / ".bin" / "cdktf"


def _exports() -> dict[str, str]:
    """The environment after `eval "$(cdk-clone env)"` in a POSIX shell, as a user would run it."""
    result = run_cdk_clone("env")
    assert result.code == 0, result.err
    shell = subprocess.run(
        ["sh", "-c", 'eval "$CDK_CLONE_EXPORTS" && env -0'],
        env={**os.environ, "CDK_CLONE_EXPORTS": result.out},
        capture_output=True,
        check=True,
    )
    pairs = (entry.decode().partition("=") for entry in shell.stdout.split(b"\0") if entry)
    return {name: value for name, _, value in pairs if name != "CDK_CLONE_EXPORTS"}


def _cdktf(directory: Path, environ: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CDKTF), *args], cwd=directory, env=environ, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.skipif(not CDKTF.exists(), reason="cdktf-cli is not installed (make setup installs it)")
def test_cdktf_synth_deploy_destroy_offline(cloud: CloudView, tmp_path: Path) -> None:
    before = cloud.world()
    app = write_app(tmp_path / "app", f"""
        InstanceClone(stack, "web", source_instance_id="{DEMO_SOURCE_INSTANCE_ID}", source_region="cn-hangzhou",
                      destination_region="cn-shanghai", amount=2, include_instance_data=True)
    """)
    environ = dict(os.environ)
    environ.update(_exports())
    environ.update(
        {
            "CDKTF_HOME": str(tmp_path / "cdktf-home"),
            "CHECKPOINT_DISABLE": "1",
            "DISABLE_VERSION_CHECK": "1",
            "CI": "1",  # no interactive terminal UI
            # `python main.py` in cdktf.json must be the interpreter that has cdktf and cdk_clone.
            "PATH": str(Path(sys.executable).parent) + os.pathsep + environ.get("PATH", ""),
        }
    )

    synth = _cdktf(app, environ, "synth")
    assert synth.returncode == 0, synth.stdout + synth.stderr
    assert (app / "cdktf.out/stacks/clones/cdk.tf.json").is_file()

    deploy = _cdktf(app, environ, "deploy", "--auto-approve")
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    clones = set(cloud.instances("cn-shanghai")) - set(before["cn-shanghai"]["instances"])
    assert len(clones) == 2

    # The state cdktf wrote is the one cdk-clone reads: verify agrees.
    verify = run_cdk_clone("verify", "-C", str(app))
    assert verify.code == 0, verify.out + verify.err

    destroy = _cdktf(app, environ, "destroy", "--auto-approve")
    assert destroy.returncode == 0, destroy.stdout + destroy.stderr
    assert cloud.world() == before

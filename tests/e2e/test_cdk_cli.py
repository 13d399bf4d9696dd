"""The npm CDK Terrain CLI (cdktn) drives an app offline, after the exports of `cdk-clone env`, on the
Node installed into the virtual environment: the system's node, npm and npx are hidden from PATH."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from doc_snippets import snippet
from e2e_support import CloudView, run_cdk_clone, write_app

from fake_api.seeds import DEMO_SOURCE_INSTANCE_ID

pytestmark = [pytest.mark.e2e, pytest.mark.cdktf_cli]

REPOSITORY = Path(__file__).resolve().parents[2]
CDKTN = REPOSITORY / "node_modules" / ".bin" / "cdktn"
_NODE_TOOLS = {"node", "nodejs", "npm", "npx", "corepack"}


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


def _path_without_system_node(path: str, hidden: Path) -> str:
    """``path`` with every directory that holds a Node tool replaced by a copy of it (symlinks) without them.

    The virtual environment's own directory (node, npm and npx from the project) stays as it is.
    """
    own = Path(sys.executable).parent
    entries = []
    for number, entry in enumerate(path.split(os.pathsep)):
        directory = Path(entry)
        if directory == own or not directory.is_dir() or not any((directory / t).exists() for t in _NODE_TOOLS):
            entries.append(entry)
            continue
        copy = hidden / str(number)
        copy.mkdir(parents=True)
        for item in directory.iterdir():
            if item.name not in _NODE_TOOLS:
                (copy / item.name).symlink_to(item)
        entries.append(str(copy))
    return os.pathsep.join(entries)


def _cdktn(directory: Path, environ: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CDKTN), *args], cwd=directory, env=environ, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.skipif(not CDKTN.exists(), reason="cdktn-cli is not installed (make setup installs it)")
def test_cdktn_synth_deploy_destroy_offline_on_the_projects_node(cloud: CloudView, tmp_path: Path) -> None:
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
        }
    )
    # `python main.py` in cdktf.json must be the interpreter that has the CDK and cdk_clone; the Node
    # tools found on PATH must be the project's (a system node is hidden).
    environ["PATH"] = _path_without_system_node(
        str(Path(sys.executable).parent) + os.pathsep + environ["PATH"], tmp_path / "no-system-node"
    )
    node = shutil.which("node", path=environ["PATH"])
    assert node is not None and Path(node).parent == Path(sys.executable).parent
    version = subprocess.run(["node", "--version"], env=environ, capture_output=True, text=True, check=True)
    assert int(version.stdout.strip().lstrip("v").split(".")[0]) >= 22  # cdktn-cli needs Node >= 22.19

    synth = _cdktn(app, environ, "synth")
    assert synth.returncode == 0, synth.stdout + synth.stderr
    assert (app / "cdktf.out/stacks/clones/cdk.tf.json").is_file()

    # docs/cli.md, as written: the exports of `cdk-clone env`, then `npx cdktn deploy` (the project's
    # node_modules stands for the user's `npm install cdktn-cli`).
    (app / "node_modules").symlink_to(REPOSITORY / "node_modules")
    deploy = subprocess.run(["bash", "-ec", snippet("cli/env").code], cwd=app, env=environ, capture_output=True,
                            text=True, timeout=600, check=False)
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    clones = set(cloud.instances("cn-shanghai")) - set(before["cn-shanghai"]["instances"])
    assert len(clones) == 2

    # The state the CLI wrote is the one cdk-clone reads: verify agrees.
    verify = run_cdk_clone("verify", "-C", str(app))
    assert verify.code == 0, verify.out + verify.err

    destroy = _cdktn(app, environ, "destroy", "--auto-approve")
    assert destroy.returncode == 0, destroy.stdout + destroy.stderr
    assert cloud.world() == before

"""The examples deploy with `cdk-clone deploy`, verify, and destroy, each in a copy of its directory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from e2e_support import CloudView, run_cdk_clone

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("example", ["same_region_with_data", "cross_region_auto_network", "multi_source_task"])
def test_example_deploys_verifies_and_destroys(example: str, cloud: CloudView, tmp_path: Path) -> None:
    if not (EXAMPLES / example / "main.py").is_file():
        pytest.fail(f"examples/{example}/main.py is missing")
    project = tmp_path / example
    shutil.copytree(EXAMPLES / example, project, ignore=shutil.ignore_patterns("cdktf.out", "*.tfstate*", "__pycache__"))
    if not (project / "cdktf.json").exists():
        (project / "cdktf.json").write_text(json.dumps({"language": "python", "app": "python main.py"}))
    before = cloud.world()

    deploy = run_cdk_clone("deploy", "-C", str(project))
    assert deploy.code == 0, deploy.out + deploy.err
    assert "clone(s) of" in deploy.out
    assert cloud.world() != before

    verify = run_cdk_clone("verify", "-C", str(project))
    assert verify.code == 0, verify.out + verify.err
    assert "all clones match their sources" in verify.out

    destroy = run_cdk_clone("destroy", "-C", str(project))
    assert destroy.code == 0, destroy.out + destroy.err
    assert cloud.world() == before

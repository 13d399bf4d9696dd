"""cdk_clone runs on the CDK the app is written with (cdktn or cdktf 0.21), and refuses to mix the two.

The choice is made once per process, when cdk_clone first loads the CDK: each case runs in its own
interpreter, as an app would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]


def _python(code: str, *, cwd: Path, cdk: str | None = None, script: bool = False) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if key != "CDK_CLONE_CDK"}
    if cdk is not None:
        environ["CDK_CLONE_CDK"] = cdk
    source = textwrap.dedent(code)
    if script:
        (cwd / "main.py").write_text(source)
        argv = [sys.executable, "main.py"]
    else:
        argv = [sys.executable, "-c", source]
    return subprocess.run(argv, cwd=cwd, env=environ, capture_output=True, text=True, timeout=120, check=False)


_REPORT = "from cdk_clone import _cdktf\nprint(_cdktf.CDK, '|', _cdktf._REASON)\n"


def test_cdktn_is_the_default_when_both_are_installed(tmp_path: Path) -> None:
    result = _python(_REPORT, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "cdktn | cdktn is installed (preferred over cdktf)"


def test_the_cdk_the_app_imported_first(tmp_path: Path) -> None:
    result = _python("import cdktf\n" + _REPORT, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "cdktf | the app imported cdktf first"


def test_the_cdk_the_main_script_imports_after_cdk_clone(tmp_path: Path) -> None:
    # Sorted imports put cdk_clone first: the main script's own imports still decide.
    result = _python(_REPORT + "from cdktf import App\n", cwd=tmp_path, script=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "cdktf | the app's main script imports cdktf"


def test_the_environment_decides_first(tmp_path: Path) -> None:
    result = _python("import cdktn\n" + _REPORT, cwd=tmp_path, cdk="cdktf")
    assert result.stdout.strip() == "cdktf | CDK_CLONE_CDK=cdktf"


def test_an_unknown_cdk_is_refused(tmp_path: Path) -> None:
    result = _python(_REPORT, cwd=tmp_path, cdk="aws-cdk")
    assert result.returncode == 1
    assert "CDK_CLONE_CDK='aws-cdk' is not a CDK cdk_clone runs on: use cdktn or cdktf" in result.stderr


def test_an_app_importing_both_cdks_is_refused(tmp_path: Path) -> None:
    result = _python("import cdktf, cdktn\n" + _REPORT, cwd=tmp_path)
    assert result.returncode == 1
    assert "this program imports both cdktn and cdktf" in result.stderr
    assert "set CDK_CLONE_CDK=cdktn (or cdktf)" in result.stderr


@pytest.mark.parametrize("construct", ["InstanceClone", "EcsCloneProvider"])
def test_a_stack_of_the_other_cdk_is_refused_with_what_to_do(tmp_path: Path, construct: str) -> None:
    create = {
        # Refused before the source is looked up (there is no cloud to look it up in here).
        "InstanceClone": 'InstanceClone(stack, "web", source_instance_id="i-bp1d3m0s0urce00001", source_region="cn-hangzhou", '
        'destination_region="cn-shanghai")',
        "EcsCloneProvider": 'EcsCloneProvider(stack, "shanghai", region="cn-shanghai")',
    }[construct]
    app = f"""
        from cdk_clone import EcsCloneProvider, InstanceClone
        from cdktf import App, TerraformStack

        stack = TerraformStack(App(), "clones")
        {create}
    """
    result = _python(app, cwd=tmp_path, cdk="cdktn", script=True)
    assert result.returncode == 1
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith(f"cdk_clone._cdktf.MixedCdkError: {construct} ")
    assert "the app builds its stacks with cdktf (cdktf.TerraformStack), but cdk_clone runs on cdktn" in message
    assert "because CDK_CLONE_CDK=cdktn" in message
    assert "set CDK_CLONE_CDK=cdktf, or import cdktf before cdk_clone, or uninstall cdktn" in message


@pytest.mark.xdist_group("cdktf")
def test_the_construct_tests_pass_on_cdktf(tmp_path: Path) -> None:
    """The construct and binding tests, run again with cdk_clone bound to cdktf 0.21."""
    environ = {**os.environ, "CDK_CLONE_CDK": "cdktf"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-x",
         "tests/constructs", "tests/bindings", "--basetemp", str(tmp_path / "pytest")],
        cwd=REPOSITORY, env=environ, capture_output=True, text=True, timeout=600, check=False,
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in summary and "failed" not in summary and "error" not in summary
    assert "skipped" not in summary  # test_cdk_binding.py checked the constructs ran on cdktf

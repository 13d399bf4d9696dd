"""Reading cdktf.json and running the app as cdktf-cli does."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path

import pytest

from cdk_clone.cli import main

# A minimal cdktf app with two stacks: enough to see where synth writes and how stacks are chosen.
_APP = textwrap.dedent(
    """
    import os
    from cdktn import App, TerraformOutput, TerraformStack

    app = App()
    for name in ("alpha", "beta"):
        stack = TerraformStack(app, name)
        TerraformOutput(stack, "where", value=os.environ.get("CDKTF_OUTDIR", ""))
    app.synth()
    """
)


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _project(tmp_path: Path, app: str = _APP, **config: object) -> Path:
    (tmp_path / "main.py").write_text(app, encoding="utf-8")
    (tmp_path / "cdktf.json").write_text(json.dumps({"app": "python main.py", **config}), encoding="utf-8")
    return tmp_path


def test_synth_writes_every_stack_under_the_configured_output(tmp_path: Path) -> None:
    project = _project(tmp_path, output="build/tf")
    code, out, err = _run("synth", "-C", str(project))
    assert code == 0, err
    for name in ("alpha", "beta"):
        config = json.loads((project / "build/tf/stacks" / name / "cdk.tf.json").read_text())
        assert config["output"]["where"]["value"] == str(project / "build/tf")
        assert f"synthesized stack {name}" in out


def test_synth_prints_the_warnings_constructs_gave(tmp_path: Path) -> None:
    app = _APP.replace(
        '    TerraformOutput(stack, "where", value=os.environ.get("CDKTF_OUTDIR", ""))',
        '    TerraformOutput(stack, "where", value="x")\n'
        '    from cdktf import Annotations\n'
        '    Annotations.of(stack).add_warning(f"deployment set of {name} not carried")\n'
        '    Annotations.of(stack).add_info("not a warning")',
    )
    code, out, err = _run("synth", "-C", str(_project(tmp_path, app)))
    assert code == 0, err
    assert "WARNING: deployment set of alpha not carried" in out
    assert "WARNING: deployment set of beta not carried" in out
    assert "not a warning" not in out


def test_without_cdktf_json_the_error_says_where_to_run(tmp_path: Path) -> None:
    code, _, err = _run("synth", "-C", str(tmp_path))
    assert code == 2
    assert err == f"error: no cdktf.json in {tmp_path.resolve()}: run cdk-clone in a cdktf project directory (or pass --app-dir)\n"


def test_cdktf_json_without_app_command(tmp_path: Path) -> None:
    (tmp_path / "cdktf.json").write_text("{}", encoding="utf-8")
    code, _, err = _run("synth", "-C", str(tmp_path))
    assert code == 2
    assert '"app"' in err


def test_an_app_error_is_reported_as_its_last_line(tmp_path: Path) -> None:
    project = _project(tmp_path, app="raise ValueError('amount: 101 is outside 1..100')\n")
    code, _, err = _run("synth", "-C", str(project))
    assert code == 3
    first = err.splitlines()[0]
    assert first == "error: synth failed: ValueError: amount: 101 is outside 1..100"
    assert "Traceback" not in err


@pytest.mark.parametrize("command", ["plan", "deploy", "destroy"])
def test_several_stacks_need_a_name(tmp_path: Path, command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testsecret")
    project = _project(tmp_path)
    code, _, err = _run(command, "-C", str(project))
    assert code == 2
    assert err.startswith("error: the app has several stacks (alpha, beta): name one with --stack NAME")


def test_an_unknown_stack_lists_the_real_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "testid")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "testsecret")
    project = _project(tmp_path)
    code, _, err = _run("plan", "-C", str(project), "--stack", "gamma")
    assert code == 2
    assert "no stack named 'gamma'; the app's stacks are: alpha, beta" in err


def test_without_credentials_deploy_says_how_to_use_the_fake(tmp_path: Path) -> None:
    project = _project(tmp_path)
    code, _, err = _run("deploy", "-C", str(project), "--stack", "alpha")
    assert code == 2
    assert err.startswith("error: ")
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in err
    assert "cdk-clone demo" in err and "CDK_CLONE_ENDPOINT" in err

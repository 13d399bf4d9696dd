"""One synth per command: plan, deploy and destroy use the last synth when nothing it read has changed."""

from __future__ import annotations

import io
import json
import os
import textwrap
from pathlib import Path

import pytest

from cdk_clone.cli import main
from cdk_clone.cli._project import SynthesizedStack, find_project
from cdk_clone.cli._stack_runs import stack_parallelism

_APP = textwrap.dedent(
    """
    from pathlib import Path
    from cdktf import App, TerraformStack

    with open({runs!r}, "a") as runs:
        runs.write("ran\\n")
    app = App()
    TerraformStack(app, "only")
    app.synth()
    """
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    directory = tmp_path / "app"
    directory.mkdir()
    (directory / "main.py").write_text(_APP.format(runs=str(tmp_path / "runs.txt")))
    (directory / "cdktf.json").write_text(json.dumps({"app": "python main.py"}))
    return directory


def _runs(project: Path) -> int:
    return len((project.parent / "runs.txt").read_text().splitlines())


def test_an_unchanged_app_is_not_synthesized_again(project: Path) -> None:
    cdktf = find_project(project)
    first = cdktf.synth()
    assert _runs(project) == 1
    again, synthesized = cdktf.synth_unless_unchanged()
    assert (again, synthesized) == (first, False)
    assert _runs(project) == 1


@pytest.mark.parametrize("change", ["edit the app", "add a file", "change cdktf.json", "lose the output", "refresh"])
def test_any_change_to_what_synth_reads_synthesizes_again(project: Path, change: str) -> None:
    find_project(project).synth()
    refresh = False
    if change == "edit the app":
        main_py = project / "main.py"
        main_py.write_text(main_py.read_text() + "\n# edited\n")
    elif change == "add a file":
        (project / "helpers.py").write_text("NAME = 'web'\n")
    elif change == "change cdktf.json":
        (project / "cdktf.json").write_text(json.dumps({"app": "python main.py", "context": {"x": 1}}))
    elif change == "lose the output":
        (project / "cdktf.out" / "manifest.json").unlink()
    else:
        refresh = True
    _, synthesized = find_project(project).synth_unless_unchanged(refresh=refresh)
    assert synthesized
    assert _runs(project) == 2


def test_an_edit_keeping_the_size_and_time_is_still_seen_through_the_time(project: Path) -> None:
    find_project(project).synth()
    main_py = project / "main.py"
    status = main_py.stat()
    main_py.write_text(main_py.read_text().replace("ran", "RAN"))
    os.utime(main_py, ns=(status.st_atime_ns, status.st_mtime_ns + 1))
    assert find_project(project).synth_unless_unchanged()[1]


def test_the_parallelism_is_every_resource_of_the_stack(tmp_path: Path) -> None:
    config = tmp_path / "cdk.tf.json"
    config.write_text(json.dumps({
        "resource": {"ecsclone_image": {"a": {}, "b": {}}, "ecsclone_vpc": {"v": {}}},
        "data": {"ecsclone_instance": {"d": {}}},
    }))
    stack = SynthesizedStack("s", tmp_path, config)
    assert stack_parallelism(stack) == 4
    config.write_text("not json")
    assert stack_parallelism(stack) == 10, "Terraform's own default when the stack cannot be read"


def test_parallelism_option_must_be_a_positive_whole_number(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deploy", "--parallelism", "0"], out=io.StringIO(), err=io.StringIO()) == 2
    assert "must be at least 1, got 0" in capsys.readouterr().err
    assert main(["destroy", "--parallelism", "many"], out=io.StringIO(), err=io.StringIO()) == 2
    assert "'many' is not a whole number" in capsys.readouterr().err

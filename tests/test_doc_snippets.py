"""Every code block of README.md and docs/*.md is run (or, for a synopsis, checked) by a test.

Python blocks run (apps as scripts against the fake, pytest examples under pytest), JSON parses, HCL
passes ``terraform validate``, shell blocks run in bash against the fake; ``make`` lines name targets of
the Makefile, and synopses (``cdk-clone deploy [-C DIR] ...``) name commands and options that exist.
Blocks named for another test (``own-project/...``: the installed-wheel test; ``cli/env``: the CDK CLI
test) are run there; this module checks that those tests use them. docs/fake_api.md's Python blocks are
run by tests/fake_api/test_wire_docs.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from doc_snippets import REPOSITORY, Snippet, all_snippets, snippet

from cdk_clone.cli import build_parser
from cdk_clone.engine import Terraform, terraform_environment

RUN_ELSEWHERE = {
    "own-project/install": "tests/packaging/test_installed_wheel.py",
    "own-project/deploy": "tests/packaging/test_installed_wheel.py",
    "own-project/fake": "tests/packaging/test_installed_wheel.py",
    "cli/env": "tests/e2e/test_cdk_cli.py",
}
SNIPPETS = [s for s in all_snippets() if s.language]


def _of(language: str) -> list[Any]:
    return [
        pytest.param(s, id=s.where)
        for s in SNIPPETS
        if s.language == language
        and s.name not in RUN_ELSEWHERE
        and not (language == "python" and s.document.name == "fake_api.md")  # test_wire_docs.py runs them
    ]


def test_every_block_has_a_runner() -> None:
    known = {"python", "json", "hcl", "sh"}
    assert {s.language for s in SNIPPETS} <= known, [s.where for s in SNIPPETS if s.language not in known]
    for name, test_file in RUN_ELSEWHERE.items():
        snippet(name)  # exists, once
        assert f'"{name}"' in (REPOSITORY / test_file).read_text(), f"{test_file} must run the snippet {name}"


def _project(directory: Path) -> Path:
    """A user project: the README's cdktf.json (run with this interpreter) and main.py."""
    directory.mkdir(parents=True, exist_ok=True)
    config = json.loads(snippet("own-project/cdktf.json").code)
    config["app"] = f"{sys.executable} main.py"
    (directory / "cdktf.json").write_text(json.dumps(config))
    (directory / "main.py").write_text(snippet("own-project/main.py").code)
    return directory


@pytest.mark.parametrize("block", _of("python"))
def test_python_blocks_run(block: Snippet, fake_cloud_env: Any, tmp_path: Path) -> None:
    if "def test_" in block.code:
        project = _project(tmp_path / "project")
        (project / "test_stack.py").write_text(block.code)
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_stack.py"],
            cwd=project, capture_output=True, text=True, timeout=900, check=False,
        )
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
        assert " passed" in result.stdout.strip().splitlines()[-1]
    elif "app.synth()" in block.code:
        (tmp_path / "main.py").write_text(block.code)
        result = subprocess.run([sys.executable, "main.py"], cwd=tmp_path, capture_output=True, text=True,
                                timeout=300, check=False)
        assert result.returncode == 0, result.stderr[-3000:]
        assert list(tmp_path.glob("cdktf.out/stacks/*/cdk.tf.json"))
    else:
        exec(compile(block.code, block.where, "exec"), {})  # noqa: S102 -- running the documentation is the point


@pytest.mark.parametrize("block", _of("json"))
def test_json_blocks_parse(block: Snippet) -> None:
    # One document, or several one after the other (fault rules, call log entries).
    decoder, text, documents = json.JSONDecoder(), block.code.strip(), []
    while text:
        document, end = decoder.raw_decode(text)
        documents.append(document)
        text = text[end:].strip()
    assert documents


@pytest.mark.parametrize("block", _of("hcl"))
def test_hcl_blocks_validate(block: Snippet, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(block.code)
    terraform = Terraform(tmp_path, environ=terraform_environment(dict(os.environ)))
    terraform.init()
    result = terraform.run("validate", "-no-color", check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z-]*):", (REPOSITORY / "Makefile").read_text(), flags=re.MULTILINE))


def _check_synopsis(line: str) -> None:
    words = line.split()
    if words[0] == "cdk-clone":
        parser = build_parser()
        commands = next(a for a in parser._actions if a.dest == "command").choices
        assert isinstance(commands, dict) and words[1] in commands, line
        options = {o for a in commands[words[1]]._actions for o in a.option_strings}
    else:
        assert words[:3] == [".venv/bin/python", "-m", "fake_api"], line
        usage = subprocess.run([sys.executable, "-m", "fake_api", "--help"], capture_output=True, text=True, check=True)
        options = set(re.findall(r"--[a-z-]+", usage.stdout))
    for option in re.findall(r"(?<![\w-])(-C|--[a-z-]+)", line):
        assert option in options, f"{option} in {line!r}"


@pytest.mark.parametrize("block", _of("sh"))
def test_shell_blocks_run_or_name_what_exists(block: Snippet, fake_cloud: Any, tmp_path: Path) -> None:
    lines: list[str] = []
    for line in block.code.splitlines():
        if line.startswith(" ") and lines:  # a synopsis continued on the next line
            lines[-1] += " " + line.strip()
        elif line.strip():
            lines.append(line.split("  #")[0].rstrip())
    if all(line.startswith("make ") for line in lines):
        assert {line.split()[1] for line in lines} <= _make_targets()
        return
    if any("[" in line and "]" in line and not line.startswith("until") for line in lines):
        for line in lines:
            _check_synopsis(line)
        return
    project = _project(tmp_path / "project")
    (project / ".venv").symlink_to(Path(sys.executable).parent.parent)
    script = "set -e\n" + textwrap.dedent(block.code) + '\nkill $(jobs -p) 2>/dev/null || true\n'
    environ = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["bash", "-c", script], cwd=project, env=environ, capture_output=True, text=True,
                            timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

"""`cdk-clone context`: list and clear cached look-ups."""

from __future__ import annotations

import io
import json
from pathlib import Path

from cdk_clone.cli import main


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _write_context(path: Path) -> None:
    path.write_text(
        json.dumps({"source-instance:cn-hangzhou:i-1": {"x": 1}, "zones:cn-shanghai": ["cn-shanghai-a"]}),
        encoding="utf-8",
    )


def test_lists_cached_keys(tmp_path: Path) -> None:
    context = tmp_path / "cdk-clone.context.json"
    _write_context(context)
    code, out, _ = _run("context", "--file", str(context))
    assert code == 0
    assert out.splitlines() == ["source-instance:cn-hangzhou:i-1", "zones:cn-shanghai"]


def test_clear_one_key_keeps_the_others(tmp_path: Path) -> None:
    context = tmp_path / "cdk-clone.context.json"
    _write_context(context)
    code, out, _ = _run("context", "--file", str(context), "--clear", "zones:cn-shanghai")
    assert code == 0
    assert "removed zones:cn-shanghai" in out
    assert list(json.loads(context.read_text())) == ["source-instance:cn-hangzhou:i-1"]


def test_clear_everything(tmp_path: Path) -> None:
    context = tmp_path / "cdk-clone.context.json"
    _write_context(context)
    code, out, _ = _run("context", "--file", str(context), "--clear")
    assert code == 0
    assert "removed 2 cached look-up(s)" in out
    assert json.loads(context.read_text()) == {}


def test_clearing_an_unknown_key_names_the_known_ones(tmp_path: Path) -> None:
    context = tmp_path / "cdk-clone.context.json"
    _write_context(context)
    code, _, err = _run("context", "--file", str(context), "--clear", "zones:cn-beijing")
    assert code == 2
    assert err.startswith("error: ")
    assert "zones:cn-beijing" in err and "zones:cn-shanghai" in err


def test_a_corrupt_context_file_is_one_clear_line(tmp_path: Path) -> None:
    context = tmp_path / "cdk-clone.context.json"
    context.write_text("{not json", encoding="utf-8")
    code, _, err = _run("context", "--file", str(context))
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "not valid JSON" in err and str(context) in err


def test_context_file_from_the_environment(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    context = tmp_path / "elsewhere.json"
    _write_context(context)
    monkeypatch.setenv("CDK_CLONE_CONTEXT_FILE", str(context))
    code, out, _ = _run("context")
    assert code == 0
    assert "zones:cn-shanghai" in out

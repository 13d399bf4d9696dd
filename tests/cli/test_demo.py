"""`cdk-clone demo`: the whole job on an embedded fake cloud, ending with nothing left behind."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from cdk_clone.cli import main

pytestmark = pytest.mark.e2e


def test_demo_clones_verifies_and_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CDK_CLONE_POLL_INTERVAL", "0.05")
    out, err = io.StringIO(), io.StringIO()
    code = main(["demo", "--amount", "2", "--work-dir", str(tmp_path / "demo")], out=out, err=err)
    text = out.getvalue()
    assert code == 0, text + err.getvalue()
    assert "2 of 2 clone(s) of i-bp1d3m0s0urce00001 (cn-hangzhou -> cn-shanghai)" in text
    assert "all clones match their sources" in text
    assert "Destroyed stack demo: 6 resource(s) removed." in text
    # The app it wrote is an ordinary cdktf project, with the source cached beside it.
    assert (tmp_path / "demo" / "cdktf.json").is_file()
    assert (tmp_path / "demo" / "cdk-clone.context.json").is_file()


def test_demo_refuses_an_amount_out_of_range() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["demo", "--amount", "101"], out=out, err=err) == 2
    assert err.getvalue() == "error: --amount must be between 1 and 100, got 101\n"

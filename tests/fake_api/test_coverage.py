"""The fidelity record (docs/fake_api.md) is generated from the code and current; every action has an example
call, and DryRun on each of them checks everything and changes nothing."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from fake_api.coverage import EXAMPLES, NO_EXAMPLE, Scene, main, render, run_example
from fake_api.dispatch import dispatch, known_actions
from fake_api.exceptions import DryRunOperation

DOC = Path(__file__).resolve().parents[2] / "docs" / "fake_api.md"


def test_every_action_has_an_example_or_says_why_not() -> None:
    missing = [key for key in known_actions() if key not in EXAMPLES and key not in NO_EXAMPLE]
    assert not missing, f"add an example call to fake_api.coverage.EXAMPLES for {missing}"
    assert not set(EXAMPLES) - set(known_actions()), "an example names an action the fake does not serve"


def test_the_record_in_the_docs_is_the_one_the_code_gives() -> None:
    assert main(["--check", str(DOC)]) == 0, "run: .venv/bin/python -m fake_api.coverage --write docs/fake_api.md"
    assert render() in DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize(("version", "action"), sorted(EXAMPLES), ids=lambda value: str(value))
def test_dry_run_checks_everything_and_changes_nothing(version: str, action: str) -> None:
    scene = _scene()
    cloud = scene.cloud.scratch_copy()
    params = EXAMPLES[(version, action)](scene.ids)
    before = cloud.dump()
    with pytest.raises(DryRunOperation):
        dispatch(cloud, "testid", version, action, {**params, "DryRun": "true"})
    assert cloud.dump() == before


@cache
def _scene() -> Scene:
    return Scene()


def test_an_example_records_what_it_reads() -> None:
    _, reads = run_example("2014-05-26", "RunInstances")
    assert {"ImageId", "InstanceType", "VSwitchId", "Amount", "DataDisk.N", "Tag.N"} <= set(reads)
    assert all(not re.search(r"\.\d", name) for name in reads)

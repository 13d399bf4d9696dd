"""SIGKILL of Terraform and the provider at random points of a cross-region deploy with data (amount 5) and of
a destroy, on the fake with real durations: every round converges in one more run, with nothing the state does
not name, nothing made twice, an empty plan after, and nothing left after the destroy.

``benchmarks/kill_rounds.py`` runs more rounds with the same harness."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from e2e_support import CloudView
from kill_harness import KillHarness

pytestmark = [pytest.mark.e2e, pytest.mark.long]


def test_killed_deploys_and_destroys_converge_in_one_more_run(
    cloud: CloudView, tmp_path: Path, fake_cloud: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    before = cloud.world()
    harness = KillHarness(fake_cloud, tmp_path / "app", amount=5, seed=9)
    harness.prepare()
    figures = harness.run(deploy_kills=10, destroy_kills=2)
    with capsys.disabled():
        print("\nkill rounds:\n" + "\n".join(figures.lines()))
    deploy_kills = [r for r in figures.rounds if r.command == "apply" and r.killed]
    destroy_kills = [r for r in figures.rounds if r.command == "destroy" and r.killed]
    assert len(deploy_kills) >= 10 and len(destroy_kills) >= 1
    assert [r.problems for r in figures.rounds if not r.ok] == []
    # The kills did land while objects were being made: the state lacked some of them each time.
    assert sum(r.orphans_after_kill > 0 for r in deploy_kills) >= 3
    assert cloud.world() == before

"""How many times the clone constructs call into the jsii runtime (a separate Node process) per clone.

Each call is a round trip that waits for the other process to be scheduled, which is what synth time of a
large CloneTask is made of (benchmarks/synth_clone_task.py measures it). Counting them is exact and does not
depend on the machine's load, so a change that adds calls per clone shows up here, not as a vague slowdown.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import make_source

from cdk_clone import CloneTask
from cdk_clone._cdktf import TerraformStack, Testing

process = pytest.importorskip("jsii._kernel.providers.process")

# Per cross-region clone: the InstanceClone and CloneImage nodes; the image, its copy and the instance group
# (plus the image's and the copy's ID tokens, which the next resource needs). The task's output is one per
# task, and the instance group's logical ID it references is known from the group's path.
CALLS_PER_CLONE = 7


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    made: list[str] = []
    send = process._NodeProcess.send

    def counting_send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        made.append(type(request).__name__)
        return send(self, request, *args, **kwargs)

    monkeypatch.setattr(process._NodeProcess, "send", counting_send)
    yield made


def _task(stack: TerraformStack, sources: int) -> None:
    CloneTask(
        stack,
        "task",
        sources=[make_source(f"i-bp1d3m0s0urce{n:05d}", private_ip=f"192.168.1.{10 + n}") for n in range(sources)],
        destination_region="cn-shanghai",
        destination_zone_id="cn-shanghai-b",
        amount=5,
    )


def test_each_more_source_costs_a_fixed_small_number_of_calls(tmp_path: Path, calls: list[str]) -> None:
    counts = []
    for sources in (2, 4):
        stack = TerraformStack(Testing.app(outdir=str(tmp_path / str(sources))), "clones")
        calls.clear()
        _task(stack, sources)
        counts.append(len(calls))
    assert (counts[1] - counts[0]) / 2 <= CALLS_PER_CLONE, f"calls for 2 and 4 sources: {counts}"

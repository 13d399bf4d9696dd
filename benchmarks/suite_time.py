"""Benchmark: where the time of ``make test`` goes, in CPU seconds, and the least wall time that leaves.

The suite runs in parallel (pytest-xdist), and most of its tests start Terraform, the provider and the fake:
on a machine with few cores it is bound by CPU, not by waiting. This runs the suite as ``make test`` does
(``-n 4 --dist loadgroup``) with a small plugin that records, for every test, the CPU time (user + system)
of its worker process and of every process the test started and waited for (Terraform, and the provider
processes Terraform starts, are children of the test's process or of Terraform), and prints:

* wall time, CPU time, and the floor they imply: CPU seconds / cores (no schedule can beat it);
* the CPU seconds per test file, largest first, and per kind of test (directory);
* the target (``make test`` under 6 minutes on a 2-core machine) beside the figures.

Nothing here is a test: it prints what it measures, including a target that is not met.

    .venv/bin/python benchmarks/suite_time.py [--workers 4] [--top 25] [pytest arguments ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 360.0
_RECORD_ENV = "CDK_CLONE_SUITE_CPU_RECORD"


# ---- the plugin, loaded into each pytest worker with ``-p suite_time`` ------------------------------------


def _cpu_seconds() -> float:
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    # Each worker runs one test at a time, so the difference around a test (set-up, call and tear-down) is
    # that test's CPU; a session-wide fake's server thread counts towards the tests it serves.
    cpu, wall = _cpu_seconds(), time.monotonic()
    yield
    path = os.environ.get(_RECORD_ENV)
    if path:
        record = {"nodeid": item.nodeid, "cpu": round(_cpu_seconds() - cpu, 3), "wall": round(time.monotonic() - wall, 3)}
        with open(path, "a", encoding="utf-8") as out:  # one short line per write: workers append safely
            out.write(json.dumps(record) + "\n")


# ---- the benchmark ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--top", type=int, default=25)
    args, pytest_args = parser.parse_known_args(argv)
    cores = os.cpu_count() or 1
    print(f"load average {os.getloadavg()[0]:.2f} on {cores} CPUs")
    with tempfile.TemporaryDirectory() as scratch:
        record = Path(scratch) / "cpu.jsonl"
        environ = {
            **os.environ,
            _RECORD_ENV: str(record),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "benchmarks"), os.environ.get("PYTHONPATH")])),
        }
        command = [sys.executable, "-m", "pytest", "-q", "-n", str(args.workers), "--dist", "loadgroup",
                   "-p", "suite_time", "-p", "no:cacheprovider", *pytest_args]
        before = os.times()
        started = time.monotonic()
        completed = subprocess.run(command, check=False, cwd=ROOT, env=environ, stdout=subprocess.PIPE, text=True)
        wall = time.monotonic() - started
        after = os.times()
        rows = [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []
    total_cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    summary = completed.stdout.strip().splitlines()[-1] if completed.stdout.strip() else "(no output)"
    print(f"suite: {summary}")
    print(f"  wall time            : {wall:7.1f} s  (target <= {TARGET_SECONDS:.0f} s: "
          f"{'met' if wall <= TARGET_SECONDS else 'NOT met'})")
    print(f"  CPU time, everything : {total_cpu:7.1f} s  (workers, Terraform, providers, Node, the fake)")
    print(f"  {f'floor on {cores} cores':<21}: {total_cpu / cores:7.1f} s  (CPU time / cores: no schedule does better)")
    tests_cpu = sum(row["cpu"] for row in rows)
    print(f"  CPU inside tests     : {tests_cpu:7.1f} s in {len(rows)} tests; the rest is start-up and collection")
    by_file: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    by_kind: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for row in rows:
        path = row["nodeid"].split("::")[0]
        kind = "/".join(path.split("/")[:2]) if path.count("/") > 1 else path
        for table, key in ((by_file, path), (by_kind, kind)):
            table[key][0] += row["cpu"]
            table[key][1] += row["wall"]
            table[key][2] += 1
    print(f"\nCPU by kind of test ({'CPU s':>7} {'share':>6} {'wall s':>7} {'tests':>5})")
    for kind, (cpu, wall_s, count) in sorted(by_kind.items(), key=lambda kv: -kv[1][0]):
        print(f"  {kind:<44} {cpu:7.1f} {cpu / max(tests_cpu, 1e-9):6.1%} {wall_s:7.1f} {count:5d}")
    print(f"\nthe {args.top} test files using the most CPU ({'CPU s':>7} {'wall s':>7} {'tests':>5})")
    for path, (cpu, wall_s, count) in sorted(by_file.items(), key=lambda kv: -kv[1][0])[: args.top]:
        print(f"  {path:<62} {cpu:7.1f} {wall_s:7.1f} {count:5d}")
    return completed.returncode


if __name__ == "__main__":
    sys.exit(main())

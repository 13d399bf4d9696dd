"""Throughput and memory of fake_api, against its targets; prints figures and PASS/FAIL per target.

    .venv/bin/python benchmarks/fake_api_throughput.py [--seconds 3]

Targets (DescribeInstances, a page of 10, every request signed with V1 as a real client does):
  1. in process through httpx.WSGITransport          >= 2,000 requests/s
  2. over loopback (server in its own process)         >= 400 requests/s
  3. with 2,000 instances in the region                >= 80% of the rate with the demo's few instances
     (the pagination cost of the models: a page must not cost in proportion to the region's size)
  4. 10,000 instances in one region: server RSS        < 200 MB

The client's own work (signing, httpx) is included in the in-process figure, as it would be in a test suite.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fake_api.app import create_app
from fake_api.signature import sign_v1

REGION = "cn-hangzhou"
ECS = "2014-05-26"


class Caller:
    """Signed V1 GET calls with JSON answers; raises on any error answer."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def __call__(self, action: str, **params: Any) -> dict[str, Any]:
        query = {"Action": action, "Version": ECS, "Format": "JSON", **{k: str(v) for k, v in params.items()}}
        response = self.http.get("/", params=sign_v1("GET", query, "testid", "testsecret"))
        answer: dict[str, Any] = response.json()
        if response.status_code != 200:
            raise RuntimeError(f"{action} failed: {response.status_code} {answer}")
        return answer


def rate(call: Callable[[], object], seconds: float) -> float:
    """Calls per second over about ``seconds`` (after a short warm-up)."""
    for _ in range(20):
        call()
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(50):
            call()
        count += 50
    return count / elapsed


def describe_page(caller: Caller) -> Callable[[], object]:
    return lambda: caller("DescribeInstances", RegionId=REGION, MaxResults=10)


def grow_region(caller: Caller, target: int) -> int:
    """RunInstances (100 at a time) cloned from the region's first instance until ``target`` instances exist."""
    source = caller("DescribeInstances", RegionId=REGION, MaxResults=1)["Instances"]["Instance"][0]
    count = caller("DescribeInstances", RegionId=REGION, MaxResults=1)["TotalCount"]
    while count < target:
        amount = min(100, target - count)
        caller(
            "RunInstances",
            RegionId=REGION,
            ImageId=source["ImageId"],
            InstanceType=source["InstanceType"],
            VSwitchId=source["VpcAttributes"]["VSwitchId"],
            SecurityGroupId=source["SecurityGroupIds"]["SecurityGroupId"][0],
            Amount=amount,
        )
        count += amount
    total: int = caller("DescribeInstances", RegionId=REGION, MaxResults=1)["TotalCount"]
    return total


@contextmanager
def server_process() -> Iterator[tuple[str, int]]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "fake_api", "--port", "0", "--quiet"], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.fullmatch(r"fake_api listening on (http://\S+)\n", line)
        if not match:
            raise RuntimeError(f"unexpected first line from python -m fake_api: {line!r}")
        yield match.group(1), process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="measuring time per rate (default 3)")
    args = parser.parse_args()
    results: list[bool] = []

    app = create_app(seed="demo")
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://in-process") as http:
        caller = Caller(http)
        http.post("/_fake/quota", json={"region": REGION, "instances": 20_000})
        few = caller("DescribeInstances", RegionId=REGION, MaxResults=1)["TotalCount"]
        small_rate = rate(describe_page(caller), args.seconds)
        results.append(small_rate >= 2000)
        print(
            f"1. in process, {few} instances in the region: {small_rate:,.0f} req/s (target >= 2,000) "
            f"{verdict(results[-1])}"
        )
        grown = grow_region(caller, 2000)
        large_rate = rate(describe_page(caller), args.seconds)
        ratio = large_rate / small_rate
        results.append(ratio >= 0.8)
        print(
            f"3. in process, {grown:,} instances in the region: {large_rate:,.0f} req/s = {ratio:.0%} of the "
            f"small region (target >= 80%) {verdict(results[-1])}"
        )

    with server_process() as (url, pid), httpx.Client(base_url=url) as http:
        caller = Caller(http)
        loopback_rate = rate(describe_page(caller), args.seconds)
        results.append(loopback_rate >= 400)
        print(
            f"2. over loopback, one keep-alive client: {loopback_rate:,.0f} req/s (target >= 400) "
            f"{verdict(results[-1])}"
        )
        idle = rss_mb(pid)
        http.post("/_fake/quota", json={"region": REGION, "instances": 20_000})
        started = time.perf_counter()
        grown = grow_region(caller, 10_000)
        seeding = time.perf_counter() - started
        memory = rss_mb(pid)
        results.append(memory < 200)
        print(
            f"4. server RSS with {grown:,} instances in {REGION}: {memory:.0f} MB (idle {idle:.0f} MB; seeded "
            f"over the API in {seeding:.1f} s) (target < 200 MB) {verdict(results[-1])}"
        )
        page_rate = rate(describe_page(caller), min(args.seconds, 2))
        print(f"   over loopback with {grown:,} instances: {page_rate:,.0f} req/s for a page of 10")

    print(f"{sum(results)}/{len(results)} targets met")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

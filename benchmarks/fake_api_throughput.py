"""Throughput and memory of fake_api, against its targets; prints figures and PASS/FAIL per target.

    .venv/bin/python benchmarks/fake_api_throughput.py [--seconds 3]

Targets (DescribeInstances, a page of 10, every request signed with V1 as a real client does):
  1. in process through httpx.WSGITransport          >= 2,000 requests/s
  2. over loopback (server in its own process)         >= 400 requests/s
  3. with 2,000 instances in the region                >= 80% of the rate with 10 (one full page), per CPU-second
     (the pagination cost of the models: a page must not cost in proportion to the region's size)
  4. 10,000 instances in one region: server RSS        < 200 MB

The client is fake_api.RpcClient over one httpx.Client (connections kept alive over loopback). Its own work
(signing, httpx) is included in the in-process figure, as it would be in a test suite; the figure for the
app alone, without any HTTP client, is printed under it. The machine may be shared: each rate is also given
per CPU-second (the client's and, over loopback, the server's CPU time), which other work does not change.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import httpx
from flask import Flask
from werkzeug.test import EnvironBuilder

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fake_api.app import create_app
from fake_api.rpc_client import ECS_VERSION, VPC_VERSION, RpcClient
from fake_api.signature import sign_v1_query

REGION = "cn-hangzhou"
# The measured call: DescribeInstances, a page of 10, answered in JSON.
PAGE = {
    "Action": "DescribeInstances",
    "Version": "2014-05-26",
    "Format": "JSON",
    "RegionId": REGION,
    "MaxResults": "10",
}


class Caller:
    """Signed V1 GET calls with JSON answers; raises on any error answer."""

    def __init__(self, http: httpx.Client) -> None:
        self.rpc = RpcClient(http)

    def __call__(self, action: str, version: str = ECS_VERSION, **params: Any) -> dict[str, Any]:
        response = self.rpc.get(action, version, **{name: str(value) for name, value in params.items()})
        answer: dict[str, Any] = response.json()
        if response.status_code != 200:
            raise RuntimeError(f"{action} failed: {response.status_code} {answer}")
        return answer


@dataclass(frozen=True)
class Rate:
    """Requests per wall-clock second, and per CPU second (the machine may be shared: CPU time shows the cost)."""

    wall: float
    per_cpu_second: float

    def __str__(self) -> str:
        return f"{self.wall:,.0f} req/s ({self.per_cpu_second:,.0f} per CPU-second)"


def rate(call: Callable[[], object], seconds: float, server_pid: int | None = None) -> Rate:
    """Calls per second over about ``seconds`` (after a short warm-up); CPU counts this process and the server."""
    for _ in range(20):
        call()
    count, start, cpu_start = 0, time.perf_counter(), cpu_seconds(server_pid)
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(50):
            call()
        count += 50
    return Rate(count / elapsed, count / max(cpu_seconds(server_pid) - cpu_start, 1e-9))


def cpu_seconds(server_pid: int | None) -> float:
    used = time.process_time()
    if server_pid is not None:
        fields = Path(f"/proc/{server_pid}/stat").read_text().rsplit(")", 1)[1].split()
        used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return used


def ignore_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
    return lambda data: None


def server_side_rate(app: Flask, seconds: float) -> Rate:
    """The app alone, called as a WSGI application with requests signed beforehand (no HTTP client at all)."""
    template = EnvironBuilder(path="/").get_environ()

    def signed_batch(size: int) -> list[dict[str, Any]]:
        # Each request needs its own signature and nonce: built between timed batches, so only the app is timed.
        return [
            {**template, "QUERY_STRING": sign_v1_query("GET", PAGE, "testid", "testsecret"), "wsgi.input": io.BytesIO()}
            for _ in range(size)
        ]

    for environ in signed_batch(20):  # warm-up
        b"".join(app.wsgi_app(environ, ignore_start_response))
    count, wall, cpu = 0, 0.0, 0.0
    while wall < seconds:
        batch = signed_batch(500)
        start, cpu_start = time.perf_counter(), time.process_time()
        for environ in batch:
            b"".join(app.wsgi_app(environ, ignore_start_response))
        wall += time.perf_counter() - start
        cpu += time.process_time() - cpu_start
        count += len(batch)
    return Rate(count / wall, count / max(cpu, 1e-9))


def client_side_rate(answer: bytes, seconds: float) -> Rate:
    """The same client and calls, to a WSGI app that answers a fixed page at once: what the client costs alone."""

    def fixed_answer(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response(
            "200 OK", [("Content-Type", "application/json;charset=utf-8"), ("Content-Length", str(len(answer)))]
        )
        return [answer]

    with httpx.Client(transport=httpx.WSGITransport(app=fixed_answer), base_url="http://in-process") as http:
        return rate(describe_page(Caller(http)), seconds)


def minimal_client_rate(url: str, server_pid: int, seconds: float) -> Rate:
    """Over loopback with the least client there is (http.client, one connection, the signed query as is)."""
    parts = httpx.URL(url)
    connection = HTTPConnection(parts.host, parts.port)

    def call() -> None:
        connection.request("GET", f"/?{sign_v1_query('GET', PAGE, 'testid', 'testsecret')}")
        response = connection.getresponse()
        answer = json.loads(response.read())
        if response.status != 200:
            raise RuntimeError(f"DescribeInstances failed: {response.status} {answer}")

    try:
        return rate(call, seconds, server_pid=server_pid)
    finally:
        connection.close()


def describe_page(caller: Caller) -> Callable[[], object]:
    return lambda: caller("DescribeInstances", RegionId=REGION, MaxResults=10)


def grow_region(caller: Caller, target: int) -> int:
    """RunInstances (100 at a time) like the region's first instance, in a /16 vSwitch, up to ``target`` instances."""
    source = caller("DescribeInstances", RegionId=REGION, MaxResults=1)["Instances"]["Instance"][0]
    vpc_id = caller("CreateVpc", version=VPC_VERSION, RegionId=REGION, CidrBlock="10.0.0.0/16")["VpcId"]
    vswitch_id = caller(
        "CreateVSwitch",
        version=VPC_VERSION,
        RegionId=REGION,
        VpcId=vpc_id,
        ZoneId=source["ZoneId"],
        CidrBlock="10.0.0.0/16",
    )["VSwitchId"]
    group_id = caller("CreateSecurityGroup", RegionId=REGION, VpcId=vpc_id)["SecurityGroupId"]
    count = caller("DescribeInstances", RegionId=REGION, MaxResults=1)["TotalCount"]
    while count < target:
        amount = min(100, target - count)
        caller(
            "RunInstances",
            RegionId=REGION,
            ImageId=source["ImageId"],
            InstanceType=source["InstanceType"],
            VSwitchId=vswitch_id,
            SecurityGroupId=group_id,
            Amount=amount,
        )
        count += amount
    total: int = caller("DescribeInstances", RegionId=REGION, MaxResults=1)["TotalCount"]
    return total


def prepare_for_bulk(http: httpx.Client) -> None:
    """Room for thousands of instances, and resources ready at once (no waiting in a benchmark)."""
    http.post("/_fake/quota", json={"region": REGION, "instances": 20_000}).raise_for_status()
    for kind in ("vpc", "vswitch", "instance"):
        http.post("/_fake/transitions", json={"kind": kind, "mode": "immediate"}).raise_for_status()


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


def load_average() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="measuring time per rate (default 3)")
    args = parser.parse_args()
    results: list[bool] = []
    print(f"machine: {os.cpu_count()} CPUs, load average at start {load_average()} (1, 5, 15 min)")
    print("   other work on the machine lowers the rates per wall-clock second; per CPU-second shows the cost")

    app = create_app(seed="demo")
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://in-process") as http:
        caller = Caller(http)
        prepare_for_bulk(http)
        # "A page of 10" is measured as a full page: at least 10 instances in the region (the demo has 2).
        one_page = grow_region(caller, 10)
        in_process = rate(describe_page(caller), args.seconds)
        results.append(in_process.wall >= 2000)
        print(
            f"1. in process (httpx.WSGITransport), {one_page} instances in the region (a full page): {in_process} "
            f"(target >= 2,000) {verdict(results[-1])}"
        )
        print(f"   the same, server side only (WSGI call, no HTTP client): {server_side_rate(app, args.seconds)}")
        page_answer = http.get(f"/?{sign_v1_query('GET', PAGE, 'testid', 'testsecret')}").content
        client_only = client_side_rate(page_answer, args.seconds)
        print(f"   the same, client side only (to a WSGI app answering a fixed page): {client_only}")
        # A call costs the client's time plus the server's: figure 1 stays below the client's own rate.
        print(
            f"   figure 1 cannot exceed the client's own rate ({client_only.wall:,.0f} req/s here), whatever the "
            "server costs"
        )
        grown = grow_region(caller, 2000)
        large = rate(describe_page(caller), args.seconds)
        ratio = large.per_cpu_second / in_process.per_cpu_second
        results.append(ratio >= 0.8)
        print(
            f"3. in process, {grown:,} instances in the region: {large}; with {one_page} (one full page, figure 1): "
            f"{in_process}; ratio {ratio:.0%} per CPU-second (target >= 80%) {verdict(results[-1])}"
        )

    with server_process() as (url, pid), httpx.Client(base_url=url) as http:
        caller = Caller(http)
        loopback = rate(describe_page(caller), args.seconds, server_pid=pid)
        results.append(loopback.wall >= 400)
        print(
            f"2. over loopback (server in its own process), one keep-alive client: {loopback}, CPU of client "
            f"and server (target >= 400) {verdict(results[-1])}"
        )
        print(
            f"   the same with a minimal client (http.client, one connection): "
            f"{minimal_client_rate(url, pid, args.seconds)}, CPU of client and server"
        )
        idle = rss_mb(pid)
        prepare_for_bulk(http)
        started = time.perf_counter()
        grown = grow_region(caller, 10_000)
        seeding = time.perf_counter() - started
        memory = rss_mb(pid)
        results.append(memory < 200)
        print(
            f"4. server RSS with {grown:,} instances in {REGION}: {memory:.0f} MB (idle {idle:.0f} MB; seeded "
            f"over the API in {seeding:.1f} s) (target < 200 MB) {verdict(results[-1])}"
        )
        page = rate(describe_page(caller), min(args.seconds, 2), server_pid=pid)
        print(f"   over loopback with {grown:,} instances: {page} for a page of 10")

    print(f"machine: load average at the end {load_average()} (1, 5, 15 min)")
    print(f"{sum(results)}/{len(results)} targets met")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

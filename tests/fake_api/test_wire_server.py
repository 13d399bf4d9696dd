"""Ways to run the fake: serve() in a thread, the pytest fixture, and ``python -m fake_api`` as a process."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

import fake_api
from fake_api.rpc_client import RpcClient
from fake_api.server import RunningFake

REPO = Path(__file__).resolve().parents[2]


def test_serve_runs_a_loopback_server_with_the_default_credentials() -> None:
    with fake_api.serve(seed="empty") as fake:
        assert fake.host == "127.0.0.1" and fake.port > 0
        assert fake.url == fake.endpoint == f"http://127.0.0.1:{fake.port}"
        assert (
            (fake.access_key_id, fake.access_key_secret)
            == (
                fake_api.DEFAULT_ACCESS_KEY_ID,
                fake_api.DEFAULT_ACCESS_KEY_SECRET,
            )
            == ("testid", "testsecret")
        )
        assert isinstance(fake.cloud, fake_api.FakeCloud)
        with httpx.Client(base_url=fake.url) as http:
            assert RpcClient(http).get("DescribeRegions").status_code == 200
        assert [call["code"] for call in fake.calls()] == ["OK"]
    with pytest.raises(httpx.ConnectError):
        httpx.get(fake.url + "/_fake/", timeout=2)


def test_the_wsgi_transport_reaches_the_same_state_without_a_socket() -> None:
    with fake_api.serve() as fake, httpx.Client(transport=fake.wsgi_transport(), base_url="http://in-process") as http:
        assert RpcClient(http).get("DescribeRegions").status_code == 200
        assert fake.calls(action="DescribeRegions")


def test_ten_concurrent_clients_are_all_answered(fake_cloud: RunningFake) -> None:
    def describe(_: int) -> int:
        with httpx.Client(base_url=fake_cloud.url) as http:
            client = RpcClient(http)
            return sum(client.get("DescribeInstances", RegionId="cn-hangzhou").status_code == 200 for _ in range(10))

    with ThreadPoolExecutor(max_workers=10) as pool:
        assert sum(pool.map(describe, range(10))) == 100
    assert len(fake_cloud.calls(action="DescribeInstances")) == 100


def test_a_dropped_connection_over_the_socket_gets_no_answer(fake_cloud: RunningFake) -> None:
    fake_cloud.faults.add_spec({"action": "DescribeRegions", "schedule": ["drop"]})
    with httpx.Client(base_url=fake_cloud.url) as http:
        client = RpcClient(http)
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("DescribeRegions")
        assert client.get("DescribeRegions").status_code == 200


def test_the_fixture_resets_between_tests_part_one(fake_cloud: RunningFake) -> None:
    """Leaves faults, calls and an emptied world behind; part two checks the next test sees none of it."""
    fake_cloud.faults.add_spec({"action": "*", "error": "InternalError"})
    with fake_cloud.cloud.lock:
        fake_cloud.cloud.reset("empty")
    with httpx.Client(base_url=fake_cloud.url) as http:
        assert RpcClient(http).get("DescribeRegions").status_code == 500


def test_the_fixture_resets_between_tests_part_two(fake_cloud: RunningFake) -> None:
    assert fake_cloud.faults.rules() == [] and fake_cloud.calls() == []
    with httpx.Client(base_url=fake_cloud.url) as http:
        instances = RpcClient(http).get("DescribeInstances", RegionId="cn-hangzhou").json()
    assert instances["TotalCount"] >= 1


def test_the_fixture_uses_the_fast_profile_unless_a_marker_names_another(fake_cloud: RunningFake) -> None:
    assert fake_cloud.cloud.profile.name == "fast"


@pytest.mark.fake_profile("realistic", time_scale=1 / 60)
def test_the_fake_profile_marker_sets_the_fixtures_profile(fake_cloud: RunningFake) -> None:
    assert (fake_cloud.cloud.profile.name, fake_cloud.cloud.profile.seconds("instance")) == ("realistic", 4.0)


def test_the_empty_fixture_has_no_resources(fake_cloud_empty: RunningFake) -> None:
    with httpx.Client(base_url=fake_cloud_empty.url) as http:
        assert RpcClient(http).get("DescribeInstances", RegionId="cn-hangzhou").json()["TotalCount"] == 0


def test_python_m_fake_api_prints_where_it_listens_first_and_stops_on_sigterm() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "fake_api", "--port", "0", "--seed", "empty", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        match = re.fullmatch(r"fake_api listening on http://127\.0\.0\.1:(\d+)\n", first_line)
        assert match, first_line
        with httpx.Client(base_url=f"http://127.0.0.1:{match.group(1)}") as http:
            answer = RpcClient(http).get("DescribeInstances", RegionId="cn-hangzhou").json()
        assert answer["TotalCount"] == 0
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_python_m_fake_api_takes_a_profile_and_a_time_scale() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "fake_api", "--quiet", "--profile", "realistic", "--time-scale", "1/60"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        shown = httpx.get(f"{url}/_fake/profile").json()
        assert shown["name"] == "realistic"
        assert (shown["seconds"]["image"], shown["seconds"]["image_copy"], shown["seconds"]["instance"]) == (
            pytest.approx(10.0),
            pytest.approx(15.0),
            pytest.approx(4.0),
        )
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        (["--profile", "slow"], "argument --profile: invalid choice: 'slow'"),
        (["--time-scale", "0"], "--time-scale must be > 0"),
        (["--time-scale", "soon"], "--time-scale: a time scale is a positive number or fraction"),
    ],
)
def test_python_m_fake_api_refuses_a_bad_profile_naming_it(arguments: list[str], complaint: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fake_api", *arguments],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and complaint in result.stderr, result.stderr


def test_python_m_fake_api_refuses_a_bad_seed_naming_it() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fake_api", "--seed", "nowhere.json"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "--seed takes demo, empty or the path of a world JSON file; 'nowhere.json' is none" in result.stderr

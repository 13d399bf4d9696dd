"""Waiting for asynchronous states."""

from __future__ import annotations

import pytest

from cdk_clone.api import WaitFailed, WaitTimeout, poll_interval, wait_for


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds

    def time(self) -> float:
        return self.now


def test_returns_the_first_ready_value_and_polls_at_once() -> None:
    states = iter([None, {"Status": "Creating"}, {"Status": "Available"}])
    clock = FakeClock()
    image = wait_for(
        lambda: next(states),
        ready=lambda image: image["Status"] == "Available",
        timeout=60,
        what="image m-1",
        interval=2.0,
        sleep=clock.sleep,
        clock=clock.time,
        environ={},
    )
    assert image == {"Status": "Available"}
    assert clock.pauses == [2.0, 3.0]


def test_interval_grows_and_is_capped() -> None:
    clock = FakeClock()
    with pytest.raises(WaitTimeout):
        wait_for(
            lambda: "Creating",
            ready=lambda state: False,
            timeout=200,
            what="x",
            interval=2.0,
            sleep=clock.sleep,
            clock=clock.time,
            environ={},
        )
    assert clock.pauses[:6] == [2.0, 3.0, 4.5, 6.75, 10.125, 15.0]
    assert max(clock.pauses) == 15.0
    assert sum(clock.pauses) == pytest.approx(200)


def test_failed_state_stops_at_once() -> None:
    calls = []

    def probe() -> dict[str, str]:
        calls.append(1)
        return {"Status": "CreateFailed"}

    with pytest.raises(WaitFailed) as caught:
        wait_for(
            probe,
            ready=lambda image: image["Status"] == "Available",
            failed=lambda image: f"status {image['Status']}" if image["Status"] == "CreateFailed" else None,
            timeout=60,
            what="image m-1 to become Available",
            environ={},
        )
    assert len(calls) == 1
    assert str(caught.value) == "gave up waiting for image m-1 to become Available: status CreateFailed"


def test_timeout_reports_what_and_last_state() -> None:
    clock = FakeClock()
    with pytest.raises(WaitTimeout) as caught:
        wait_for(
            lambda: {"Status": "Pending"},
            ready=lambda vpc: vpc["Status"] == "Available",
            timeout=10,
            what="VPC vpc-1 to become Available",
            sleep=clock.sleep,
            clock=clock.time,
            environ={},
        )
    assert caught.value.what == "VPC vpc-1 to become Available"
    assert caught.value.last == {"Status": "Pending"}
    assert str(caught.value) == (
        "timed out after 10s waiting for VPC vpc-1 to become Available; last seen: {'Status': 'Pending'}"
    )


def test_probe_that_never_finds_anything_times_out_with_none() -> None:
    clock = FakeClock()
    with pytest.raises(WaitTimeout) as caught:
        wait_for(
            lambda: None, ready=lambda _: True, timeout=5, what="x", sleep=clock.sleep, clock=clock.time, environ={}
        )
    assert caught.value.last is None


def test_environment_overrides_the_base_interval() -> None:
    clock = FakeClock()
    states = iter(["a", "b", "done"])
    wait_for(
        lambda: next(states),
        ready=lambda s: s == "done",
        timeout=5,
        what="x",
        sleep=clock.sleep,
        clock=clock.time,
        environ={"CDK_CLONE_POLL_INTERVAL": "0.1"},
    )
    assert clock.pauses == [0.1, pytest.approx(0.15)]
    with pytest.raises(ValueError, match="CDK_CLONE_POLL_INTERVAL='soon' is not a number"):
        poll_interval(2.0, {"CDK_CLONE_POLL_INTERVAL": "soon"})
    assert poll_interval(2.0, {}) == 2.0

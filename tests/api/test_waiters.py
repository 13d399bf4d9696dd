"""Waiting for asynchronous states."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from api_scripted import ScriptedApi, error, ok

from cdk_clone.api import (
    SHARED_BACKOFF,
    AlibabaCloudClient,
    PollBackoff,
    WaitFailed,
    WaitTimeout,
    next_pause,
    percent,
    poll_interval,
    wait_for,
)
from cdk_clone.api._waiters import MAX_POLL_INTERVAL


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
        backoff=PollBackoff(),
    )
    assert image == {"Status": "Available"}
    # Quickly at first (a quarter of the base), never longer than the time waited so far.
    assert clock.pauses == [0.5, 0.5]


def test_without_progress_the_pause_doubles_up_to_the_base_then_is_a_tenth_of_the_time_waited() -> None:
    clock = FakeClock()
    with pytest.raises(WaitTimeout):
        wait_for(
            lambda: "Creating",
            ready=lambda state: False,
            timeout=4000,
            what="x",
            interval=2.0,
            sleep=clock.sleep,
            clock=clock.time,
            environ={},
            backoff=PollBackoff(),
        )
    assert clock.pauses[:4] == [0.5, 0.5, 1.0, 2.0]
    assert clock.pauses[4:13] == [2.0] * 9
    assert clock.pauses[13] == pytest.approx(2.2)
    assert max(clock.pauses) == MAX_POLL_INTERVAL
    assert sum(clock.pauses) == pytest.approx(4000)


def simulate(
    duration: float,
    *,
    reports_progress: bool,
    base: float = 2.0,
    started_before: float = 0.0,
    probe_takes: float = 0.0,
) -> tuple[int, float]:
    """(polls, lateness) of a wait for an object that ends ``duration`` s after it started (``started_before``
    the wait), its progress growing linearly as the fake's seconds transitions make it (a whole percentage,
    rounded down)."""
    clock = FakeClock()
    polls = []

    def probe() -> dict[str, object]:
        clock.now += probe_takes
        polls.append(clock.now)
        done = min((clock.now + started_before) / duration, 1.0)
        status = "Available" if done >= 1.0 else "Creating"
        return {"Status": status, "Progress": f"{int(done * 100)}%" if reports_progress else None}

    wait_for(
        probe,
        ready=lambda image: image["Status"] == "Available",
        timeout=100_000,
        what="image",
        interval=base,
        progress=lambda image: percent(image["Progress"]),
        sleep=clock.sleep,
        clock=clock.time,
        environ={},
        backoff=PollBackoff(),
    )
    return len(polls), polls[-1] + started_before - duration


@pytest.mark.parametrize("duration", [0.5, 4, 10, 15, 60, 600, 3600])
@pytest.mark.parametrize("reports_progress", [True, False])
def test_an_end_is_noticed_within_a_tenth_of_the_duration_or_the_base_interval(
    duration: float, reports_progress: bool
) -> None:
    _, lateness = simulate(duration, reports_progress=reports_progress)
    assert 0 <= lateness <= max(0.1 * duration, 2.0) + 1e-9


@pytest.mark.parametrize(("duration", "most"), [(4, 3), (10, 4), (15, 4), (60, 5), (600, 8)])
def test_progress_brings_the_poll_to_the_forecast_end(duration: float, most: int) -> None:
    polls, lateness = simulate(duration, reports_progress=True)
    assert polls <= most
    assert lateness <= 0.05 * duration + 0.1


@pytest.mark.parametrize("duration", [1.0, 1.5, 10.0, 15.0])
def test_a_first_look_at_low_progress_does_not_hold_the_next_poll_back(duration: float) -> None:
    # The create answered 50 ms before the wait, whose first look takes 50 ms (it waits for company: see the
    # provider's batching) and sees a few percent: that forecast is coarse, so the next poll comes halfway to
    # its end, not after the 2 s base.
    polls, lateness = simulate(duration, reports_progress=True, started_before=0.05, probe_takes=0.05)
    assert polls <= 4
    assert lateness <= 0.05 * duration + 0.1


def test_next_pause_uses_a_forecast_only_while_it_lies_ahead() -> None:
    assert next_pause(0.0, None, 2.0) == 0.5
    assert next_pause(1.0, None, 2.0) == 1.0
    assert next_pause(5.0, None, 2.0) == 2.0
    assert next_pause(2.0, 20.0, 2.0) == pytest.approx(8.0 + 0.1)
    # Coarse progress (3% of 60 s after 2 s): halfway to the forecast end, to learn more.
    assert next_pause(2.0, 3.0, 2.0) == pytest.approx((200 / 3 - 2) / 2)
    # Past the forecast end (progress lagging): back to the pace set by the age.
    assert next_pause(30.0, 99.9, 2.0) == pytest.approx(3.0)
    assert next_pause(7200.0, None, 2.0) == MAX_POLL_INTERVAL
    assert next_pause(10.0, 0.0, 2.0) == 2.0
    assert next_pause(0.0, 0.0, 2.0) == 0.5


def test_throttling_slows_every_wait_sharing_the_backoff_until_it_recovers() -> None:
    now = [0.0]
    backoff = PollBackoff(recovery=30.0, clock=lambda: now[0])
    backoff.record_throttling()
    backoff.record_throttling()
    assert backoff.factor() == 4.0
    clock = FakeClock()
    states = iter(["busy", "done"])
    wait_for(
        lambda: next(states),
        ready=lambda s: s == "done",
        timeout=60,
        what="x",
        sleep=clock.sleep,
        clock=clock.time,
        environ={},
        backoff=backoff,
    )
    assert clock.pauses == [2.0]
    now[0] = 31.0
    assert backoff.factor() == 2.0
    now[0] = 61.0
    assert backoff.factor() == 1.0
    for _ in range(10):
        backoff.record_throttling()
    assert backoff.factor() == 16.0


def test_percent_reads_the_api_forms_of_progress() -> None:
    assert percent("45%") == 45.0
    assert percent("100") == 100.0
    assert percent(7) == 7.0
    assert percent(None) is None
    assert percent("") is None
    assert percent("soon") is None


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
        backoff=PollBackoff(),
    )
    assert clock.pauses == [0.025, 0.025]
    with pytest.raises(ValueError, match="CDK_CLONE_POLL_INTERVAL='soon' is not a number"):
        poll_interval(2.0, {"CDK_CLONE_POLL_INTERVAL": "soon"})
    assert poll_interval(2.0, {}) == 2.0


def test_a_throttled_answer_slows_the_waits_of_every_client_sharing_the_backoff(
    scripted: ScriptedApi, client_for: Callable[..., AlibabaCloudClient]
) -> None:
    backoff = PollBackoff()
    scripted.replies = [error(400, "Throttling.User"), ok({}), ok({})]
    first, second = client_for(backoff=backoff), client_for(backoff=backoff)
    first.ecs("DescribeImages")
    assert backoff.factor() == 2.0
    second.ecs("DescribeImages")  # an answer without throttling does not undo it at once
    assert backoff.factor() == 2.0
    assert client_for().backoff is SHARED_BACKOFF, "by default, one backoff for the whole process"

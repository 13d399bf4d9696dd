"""Fault rules (fake_api.faults) and the call log (fake_api.calllog), without HTTP."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from fake_api.calllog import CallLog
from fake_api.faults import Fault, FaultInjector, FaultRule, FaultSpecError


def kinds(injector: FaultInjector, action: str, calls: int) -> list[str | None]:
    """What each call gets: the kind of its first fault (or None when it passes)."""
    return [None if (plan := injector.decide(action)) is None else plan.faults[0].kind for _ in range(calls)]


def test_a_schedule_applies_entry_n_to_call_n_then_lets_calls_pass() -> None:
    injector = FaultInjector()
    injector.add_spec({"action": "CopyImage", "schedule": ["Throttling", None, "ServiceUnavailable"]})
    assert kinds(injector, "CopyImage", 5) == ["Throttling", None, "ServiceUnavailable", None, None]


def test_a_probability_with_a_seed_is_reproducible_and_near_its_rate() -> None:
    first, second = FaultInjector(), FaultInjector()
    spec = {"action": "RunInstances", "error": "Throttling", "probability": 0.3, "seed": 7}
    first.add_spec(spec)
    second.add_spec(spec)
    outcomes = kinds(first, "RunInstances", 1000)
    assert outcomes == kinds(second, "RunInstances", 1000)
    assert 200 < outcomes.count("Throttling") < 400
    assert set(outcomes) == {"Throttling", None}


def test_a_rule_for_the_action_wins_over_the_wildcard_and_other_actions_follow_the_wildcard() -> None:
    injector = FaultInjector()
    injector.add_spec({"action": "*", "error": "InternalError"})
    injector.add_spec({"action": "DescribeRegions", "schedule": [None]})
    assert kinds(injector, "DescribeRegions", 2) == [None, None]
    assert kinds(injector, "RunInstances", 1) == ["InternalError"]


def test_latency_alone_means_always_slow_down_by_that_much() -> None:
    rule = FaultRule.from_spec({"action": "DescribeImages", "latency_ms": 250})
    assert rule.next_fault() == Fault("latency", 250)
    assert rule.to_spec()["error"] == "latency" and rule.to_spec()["latency_ms"] == 250


def test_several_kinds_by_probability_in_one_rule_and_replayed_from_the_seed() -> None:
    spec = {
        "action": "RunInstances",
        "seed": 11,
        "faults": [
            {"error": "Throttling", "probability": 0.3},
            {"error": "ServiceUnavailable", "probability": 0.05, "after": True},
        ],
    }
    first, second = FaultInjector(), FaultInjector()
    first.add_spec(spec)
    second.add_spec(spec)
    plans = [first.decide("RunInstances") for _ in range(2000)]
    assert plans == [second.decide("RunInstances") for _ in range(2000)]
    throttled = [p for p in plans if p is not None and p.before is not None]
    lost = [p for p in plans if p is not None and p.after is not None]
    assert 500 < len(throttled) < 700 and 60 < len(lost) < 150
    assert all(p.before.kind == "Throttling" for p in throttled if p.before)
    assert all(p.after.kind == "ServiceUnavailable" for p in lost if p.after)


def test_a_rule_without_a_seed_gets_one_that_replays_it() -> None:
    rule = FaultRule.from_spec({"action": "A", "error": "drop", "probability": 0.5})
    replay = FaultRule.from_spec({k: v for k, v in rule.to_spec().items() if k != "calls"})
    assert [rule.next_fault() for _ in range(50)] == [replay.next_fault() for _ in range(50)]


def test_latency_is_drawn_from_a_distribution() -> None:
    uniform = FaultRule.from_spec({"action": "A", "seed": 3, "latency_ms": {"uniform": [50, 300]}})
    waits = [fault.latency_ms for fault in (uniform.next_fault() for _ in range(500)) if fault]
    assert len(waits) == 500 and min(waits) >= 50 and max(waits) <= 300 and len(set(waits)) > 100
    normal = FaultRule.from_spec({"action": "A", "seed": 3, "latency_ms": {"normal": [100, 30]}})
    waits = [fault.latency_ms for fault in (normal.next_fault() for _ in range(500)) if fault]
    assert 90 < sum(waits) / len(waits) < 110 and min(waits) >= 0


def test_several_rules_per_action_apply_together_the_first_error_wins() -> None:
    injector = FaultInjector()
    injector.add_spec({"action": "A", "schedule": ["Throttling", None, {"error": "drop", "after": True}]})
    injector.add_spec({"action": "A", "id": "slow", "latency_ms": 120})
    injector.add_spec({"action": "A", "id": "broken", "schedule": ["InternalError"]})
    first, second, third = (injector.decide("A") for _ in range(3))
    assert first is not None and first.before == Fault("Throttling") and first.latency_ms(after=False) == 120
    assert first.describe() == "Throttling, latency 120ms, InternalError"
    assert second is not None and (second.before, second.after, second.latency_ms(after=False)) == (None, None, 120)
    assert third is not None and third.after == Fault("drop", after=True) and third.describe() == (
        "drop after, latency 120ms"
    )
    assert injector.remove("A", "slow") and [r.rule_id for r in injector.rules()] == ["", "broken"]
    injector.add_spec({"action": "A", "schedule": [None]})  # replaces the unnamed rule
    assert [r.rule_id for r in injector.rules()] == ["broken", ""]


def test_removing_and_clearing_rules() -> None:
    injector = FaultInjector()
    injector.add_spec({"action": "A", "error": "drop"})
    injector.add_spec({"action": "B", "error": "drop"})
    assert injector.remove("A") and not injector.remove("A")
    assert [rule.action for rule in injector.rules()] == ["B"]
    injector.clear()
    assert injector.decide("B") is None


@pytest.mark.parametrize(
    ("spec", "complaint"),
    [
        ({"error": "Throttling"}, '"action" is required'),
        ({"action": "A"}, 'give "error"'),
        ({"action": "A", "error": "Teapot"}, "'Teapot'; it must be one of Throttling, ServiceUnavailable"),
        ({"action": "A", "error": "Throttling", "probability": 1.5}, '"probability" must be a number between 0 and 1'),
        ({"action": "A", "schedule": ["Throttling", "Nope"]}, '"schedule"\\[1\\]'),
        ({"action": "A", "schedule": "Throttling"}, '"schedule" must be a list'),
        ({"action": "A", "error": "drop", "schedule": [None]}, "not both"),
        ({"action": "A", "error": "latency", "latency_ms": -1}, '"latency_ms" must be a non-negative integer'),
        ({"action": "A", "error": "drop", "seed": "x"}, '"seed" must be an integer'),
        ({"action": "A", "error": "drop", "rate": 1}, "unknown field\\(s\\) rate"),
        ({"action": "A", "error": "Throttling", "after": True}, "Throttling cannot come after the action"),
        ({"action": "A", "error": "drop", "after": "yes"}, '"after" must be true or false'),
        ({"action": "A", "faults": []}, '"faults" must be a non-empty list'),
        ({"action": "A", "faults": [{"error": "drop", "when": 1}]}, '"faults"\\[0\\] must be'),
        (
            {"action": "A", "faults": [{"error": "drop", "probability": 0.7}, {"error": "Throttling", "probability": 0.5}]},
            "add up to 1.2",
        ),
        ({"action": "A", "faults": [{"error": "drop"}], "probability": 0.5}, '"probability" and "after" go inside'),
        ({"action": "A", "schedule": [{"error": "Throttling", "after": True}]}, "cannot come after"),
        ({"action": "A", "error": "latency", "latency_ms": {"uniform": [300, 50]}}, '"latency_ms" must be'),
        ({"action": "A", "error": "latency", "latency_ms": {"poisson": [3]}}, '"latency_ms" must be'),
        ({"action": "A", "id": 3, "error": "drop"}, '"id" names the rule'),
    ],
)
def test_bad_rules_are_refused_naming_the_field(spec: dict[str, Any], complaint: str) -> None:
    with pytest.raises(FaultSpecError, match=complaint):
        FaultRule.from_spec(spec)


def test_rules_count_their_calls_under_concurrency() -> None:
    injector = FaultInjector()
    injector.add_spec({"action": "A", "schedule": ["Throttling"] * 400})
    results: list[str | None] = []
    lock = threading.Lock()

    def call_many() -> None:
        for _ in range(100):
            fault = injector.decide("A")
            with lock:
                results.append(None if fault is None else fault.faults[0].kind)

    threads = [threading.Thread(target=call_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("Throttling") == 400
    assert injector.rules()[0].to_spec()["calls"] == 400


def test_the_call_log_keeps_calls_in_order_without_secrets_and_filters_by_action() -> None:
    log = CallLog()
    secret_params = {"RegionId": "cn-hangzhou", "AccessKeyId": "testid", "Signature": "s", "SecurityToken": "t"}
    log.record(
        action="RunInstances",
        version="2014-05-26",
        region="cn-hangzhou",
        params=secret_params,
        code="Throttling",
        http_status=400,
    )
    log.record(action="DescribeRegions", version="2014-05-26", region=None, params={}, code="OK", http_status=200)
    log.record(action="RunInstances", version="2014-05-26", region="cn-hangzhou", params={}, code="OK", http_status=200)
    entries = log.entries(action="RunInstances")
    assert [entry["code"] for entry in entries] == ["Throttling", "OK"]
    assert entries[0]["params"] == {"RegionId": "cn-hangzhou"}
    assert entries[0]["time"].endswith("Z")
    assert len(log.entries()) == 3
    log.clear()
    assert log.entries() == []


def test_the_call_log_is_bounded() -> None:
    log = CallLog(max_entries=2)
    for action in ("A", "B", "C"):
        log.record(action=action, version=None, region=None, params={}, code="OK", http_status=200)
    assert [entry["action"] for entry in log.entries()] == ["B", "C"]

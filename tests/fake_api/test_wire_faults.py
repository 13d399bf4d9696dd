"""Fault rules (fake_api.faults) and the call log (fake_api.calllog), without HTTP."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from fake_api.calllog import CallLog
from fake_api.faults import Fault, FaultInjector, FaultRule, FaultSpecError


def kinds(injector: FaultInjector, action: str, calls: int) -> list[str | None]:
    return [None if (fault := injector.decide(action)) is None else fault.kind for _ in range(calls)]


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
                results.append(None if fault is None else fault.kind)

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

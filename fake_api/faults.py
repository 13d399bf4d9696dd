"""Fault injection: make chosen actions fail, slow down or drop the connection, at random or on a schedule.

A rule applies to one action, or to every action with ``"*"`` (a rule for the action itself wins).

Example::

    faults = FaultInjector()
    faults.add(FaultRule.from_spec({"action": "RunInstances", "error": "Throttling", "probability": 0.3, "seed": 7}))
    faults.add(FaultRule.from_spec({"action": "CopyImage", "schedule": ["ServiceUnavailable", None]}))
    faults.decide("CopyImage")   # Fault(kind="ServiceUnavailable", ...): first call fails
    faults.decide("CopyImage")   # None: second call passes, and so do all later ones

Kinds: ``Throttling`` (400), ``ServiceUnavailable`` (503), ``InternalError`` (500) answer with that error;
``latency`` waits ``latency_ms`` and then answers normally; ``drop`` closes the connection without an answer.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ERROR_KINDS", "FAULT_KINDS", "Fault", "FaultInjector", "FaultRule", "FaultSpecError"]

ERROR_KINDS = ("Throttling", "ServiceUnavailable", "InternalError")
FAULT_KINDS = (*ERROR_KINDS, "latency", "drop")
DEFAULT_LATENCY_MS = 1000


class FaultSpecError(ValueError):
    """A fault rule that cannot be applied; the message says which field is wrong and what is accepted."""


@dataclass(frozen=True)
class Fault:
    """What to do to one call: ``kind`` is one of FAULT_KINDS."""

    kind: str
    latency_ms: int = 0


@dataclass
class FaultRule:
    """One action's fault: ``error`` with ``probability`` (random, reproducible with ``seed``), or a ``schedule``
    whose n-th entry applies to the n-th call (``None`` lets it pass; calls past the end pass)."""

    action: str
    error: str | None = None
    probability: float = 1.0
    seed: int | None = None
    schedule: list[str | None] | None = None
    latency_ms: int = DEFAULT_LATENCY_MS
    calls: int = 0
    _random: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> FaultRule:
        """Build and validate a rule from its JSON form (as POSTed to ``/_fake/faults``)."""
        if not isinstance(spec, Mapping):
            raise FaultSpecError(f"a fault rule is a JSON object, got {type(spec).__name__}")
        known = {"action", "error", "probability", "seed", "schedule", "latency_ms"}
        unknown = sorted(set(spec) - known)
        if unknown:
            raise FaultSpecError(
                f"unknown field(s) {', '.join(unknown)}; a fault rule accepts {', '.join(sorted(known))}"
            )
        action = spec.get("action")
        if not isinstance(action, str) or not action:
            raise FaultSpecError('"action" is required: an action name such as "RunInstances", or "*" for every action')
        error = spec.get("error")
        schedule = spec.get("schedule")
        latency_ms = spec.get("latency_ms", DEFAULT_LATENCY_MS)
        if not isinstance(latency_ms, int) or isinstance(latency_ms, bool) or latency_ms < 0:
            raise FaultSpecError(f'"latency_ms" must be a non-negative integer of milliseconds, got {latency_ms!r}')
        if error is None and schedule is None:
            if "latency_ms" not in spec:
                raise FaultSpecError('give "error" (one of ' + ", ".join(FAULT_KINDS) + ') or "schedule"')
            error = "latency"  # {"action": ..., "latency_ms": N} alone means: always slow down
        if error is not None and schedule is not None:
            raise FaultSpecError('give either "error" (with "probability") or "schedule", not both')
        if error is not None:
            _check_kind(error, '"error"')
        if schedule is not None:
            if not isinstance(schedule, list):
                raise FaultSpecError(f'"schedule" must be a list of kinds or null, got {schedule!r}')
            for index, entry in enumerate(schedule):
                if entry is not None:
                    _check_kind(entry, f'"schedule"[{index}]')
        probability = spec.get("probability", 1.0)
        if isinstance(probability, bool) or not isinstance(probability, (int, float)) or not 0 <= probability <= 1:
            raise FaultSpecError(f'"probability" must be a number between 0 and 1, got {probability!r}')
        seed = spec.get("seed")
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise FaultSpecError(f'"seed" must be an integer, got {seed!r}')
        return cls(action, error, float(probability), seed, schedule, latency_ms)

    def to_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"action": self.action, "latency_ms": self.latency_ms, "calls": self.calls}
        if self.schedule is not None:
            spec["schedule"] = list(self.schedule)
        else:
            spec.update(error=self.error, probability=self.probability, seed=self.seed)
        return spec

    def next_fault(self) -> Fault | None:
        """Advance the rule by one call; the fault to apply to it, if any. Not thread-safe: the injector locks."""
        call_index = self.calls
        self.calls += 1
        if self.schedule is not None:
            kind = self.schedule[call_index] if call_index < len(self.schedule) else None
        elif self._random.random() < self.probability:
            kind = self.error
        else:
            kind = None
        return None if kind is None else Fault(kind, self.latency_ms if kind == "latency" else 0)


def _check_kind(kind: object, where: str) -> None:
    if kind not in FAULT_KINDS:
        raise FaultSpecError(f"{where} is {kind!r}; it must be one of {', '.join(FAULT_KINDS)}")


class FaultInjector:
    """The set of fault rules, keyed by action; thread-safe."""

    def __init__(self) -> None:
        self._rules: dict[str, FaultRule] = {}
        self._lock = threading.Lock()

    def add(self, rule: FaultRule) -> None:
        """Install ``rule``, replacing any earlier rule for the same action."""
        with self._lock:
            self._rules[rule.action] = rule

    def add_spec(self, spec: Mapping[str, Any]) -> FaultRule:
        rule = FaultRule.from_spec(spec)
        self.add(rule)
        return rule

    def remove(self, action: str) -> bool:
        with self._lock:
            return self._rules.pop(action, None) is not None

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules.values())

    def decide(self, action: str | None) -> Fault | None:
        """The fault for this call of ``action`` (advancing that rule), or None to answer normally."""
        if not self._rules:  # the common case, checked without taking the lock
            return None
        with self._lock:
            rule = self._rules.get(action or "") or self._rules.get("*")
            return rule.next_fault() if rule is not None else None

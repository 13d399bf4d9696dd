"""Fault injection: make chosen actions fail, slow down or lose their answer, at random or on a schedule.

A rule applies to one action, or to every action with ``"*"``; an action that has rules of its own is
not touched by the ``"*"`` rules. Rules are keyed by action and ``id`` (default ``""``): a rule replaces
the earlier rule with the same action and id, and rules with different ids apply together.

Example::

    faults = FaultInjector()
    faults.add_spec({"action": "RunInstances", "error": "Throttling", "probability": 0.3, "seed": 7})
    faults.add_spec({"action": "CopyImage", "schedule": ["ServiceUnavailable", None]})
    faults.decide("CopyImage").before.kind   # "ServiceUnavailable": the first call fails
    faults.decide("CopyImage")               # None: the second call passes, and so do all later ones
    # 30% Throttling, 5% of answers lost after the work was done, and 50-300 ms on every call:
    faults.add_spec({"action": "RunInstances", "seed": 1, "faults": [
        {"error": "Throttling", "probability": 0.3},
        {"error": "ServiceUnavailable", "probability": 0.05, "after": True}]})
    faults.add_spec({"action": "RunInstances", "id": "slow", "latency_ms": {"uniform": [50, 300]}})

Kinds: ``Throttling`` (400), ``ServiceUnavailable`` (503), ``InternalError`` (500) answer that error;
``latency`` waits ``latency_ms`` (a number, or a distribution) and then answers normally; ``drop`` closes
the connection without an answer. With ``"after": true`` (all kinds but Throttling) the fault comes after
the action ran: its work is done, and the client gets the error, the delay or a reset connection instead
of the answer, as when an answer is lost on the way back.

Every draw comes from the rule's ``seed`` and the call's number in the rule, so a failing run replays
with the same rules (a rule given no seed gets one, shown by :meth:`FaultRule.to_spec`).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "AFTER_KINDS",
    "ERROR_KINDS",
    "FAULT_KINDS",
    "Fault",
    "FaultInjector",
    "FaultPlan",
    "FaultRule",
    "FaultSpecError",
    "Latency",
]

ERROR_KINDS = ("Throttling", "ServiceUnavailable", "InternalError")
FAULT_KINDS = (*ERROR_KINDS, "latency", "drop")
# Throttling refuses a request before any work is done: it cannot come after the action.
AFTER_KINDS = ("ServiceUnavailable", "InternalError", "latency", "drop")
DEFAULT_LATENCY_MS = 1000
_RULE_FIELDS = frozenset({"action", "id", "error", "probability", "after", "faults", "schedule", "latency_ms", "seed"})
_ENTRY_FIELDS = frozenset({"error", "probability", "after"})


class FaultSpecError(ValueError):
    """A fault rule that cannot be applied; the message says which field is wrong and what is accepted."""


@dataclass(frozen=True)
class Latency:
    """How long the ``latency`` kind waits, in milliseconds: a fixed ``value``, or drawn ``uniform`` between
    ``low`` and ``high``, or ``normal`` with mean ``low`` and standard deviation ``high`` (never below 0)."""

    distribution: str = "fixed"
    low: float = DEFAULT_LATENCY_MS
    high: float = DEFAULT_LATENCY_MS

    @classmethod
    def from_spec(cls, spec: object) -> Latency:
        if isinstance(spec, int | float) and not isinstance(spec, bool) and spec >= 0:
            return cls("fixed", float(spec), float(spec))
        if isinstance(spec, Mapping) and len(spec) == 1:
            ((distribution, bounds),) = spec.items()
            if (
                distribution in ("uniform", "normal")
                and isinstance(bounds, list)
                and len(bounds) == 2
                and all(isinstance(b, int | float) and not isinstance(b, bool) and b >= 0 for b in bounds)
                and (distribution == "normal" or bounds[0] <= bounds[1])
            ):
                return cls(distribution, float(bounds[0]), float(bounds[1]))
        raise FaultSpecError(
            '"latency_ms" must be a non-negative integer of milliseconds, {"uniform": [low, high]} or '
            f'{{"normal": [mean, standard deviation]}} (non-negative numbers), got {spec!r}'
        )

    def draw(self, rng: random.Random) -> int:
        if self.distribution == "uniform":
            return round(rng.uniform(self.low, self.high))
        if self.distribution == "normal":
            return max(0, round(rng.gauss(self.low, self.high)))
        return round(self.low)

    def to_spec(self) -> object:
        if self.distribution == "fixed":
            return round(self.low)
        return {self.distribution: [self.low, self.high]}


@dataclass(frozen=True)
class Fault:
    """What to do to one call: ``kind`` is one of FAULT_KINDS; ``after`` once the action has run."""

    kind: str
    latency_ms: int = 0
    after: bool = False

    def describe(self) -> str:
        text = f"latency {self.latency_ms}ms" if self.kind == "latency" else self.kind
        return f"{text} after" if self.after else text


@dataclass(frozen=True)
class FaultPlan:
    """The faults that apply to one call, from every rule that applies to its action."""

    faults: tuple[Fault, ...]

    @property
    def before(self) -> Fault | None:
        """The error or dropped connection that replaces the action (the first rule's wins)."""
        return next((f for f in self.faults if not f.after and f.kind != "latency"), None)

    @property
    def after(self) -> Fault | None:
        """The error or dropped connection that replaces the answer once the action has run."""
        return next((f for f in self.faults if f.after and f.kind != "latency"), None)

    def latency_ms(self, *, after: bool) -> int:
        """How long to wait before the action runs (or, with ``after``, before the answer goes back)."""
        return sum(f.latency_ms for f in self.faults if f.kind == "latency" and f.after == after)

    def describe(self) -> str:
        """What was applied, for the call log, e.g. ``"latency 120ms, ServiceUnavailable after"``."""
        return ", ".join(f.describe() for f in self.faults)


@dataclass(frozen=True)
class _Choice:
    kind: str
    probability: float
    after: bool


@dataclass
class FaultRule:
    """One rule: ``choices`` drawn by probability (at most one per call), or a ``schedule`` whose n-th entry
    applies to the n-th call (``None`` lets it pass; calls past the end pass)."""

    action: str
    rule_id: str = ""
    choices: tuple[_Choice, ...] = ()
    schedule: list[_Choice | None] | None = None
    latency: Latency = field(default_factory=Latency)
    seed: int = 0
    calls: int = 0

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> FaultRule:
        """Build and validate a rule from its JSON form (as POSTed to ``/_fake/faults``)."""
        if not isinstance(spec, Mapping):
            raise FaultSpecError(f"a fault rule is a JSON object, got {type(spec).__name__}")
        unknown = sorted(set(spec) - _RULE_FIELDS)
        if unknown:
            raise FaultSpecError(
                f"unknown field(s) {', '.join(map(str, unknown))}; a fault rule accepts {', '.join(sorted(_RULE_FIELDS))}"
            )
        action = spec.get("action")
        if not isinstance(action, str) or not action:
            raise FaultSpecError('"action" is required: an action name such as "RunInstances", or "*" for every action')
        rule_id = spec.get("id", "")
        if not isinstance(rule_id, str):
            raise FaultSpecError(f'"id" names the rule among the action\'s rules: a string, got {rule_id!r}')
        latency = Latency.from_spec(spec.get("latency_ms", DEFAULT_LATENCY_MS))
        given = [name for name in ("error", "faults", "schedule") if spec.get(name) is not None]
        if not given:
            if "latency_ms" not in spec:
                raise FaultSpecError('give "error" (one of ' + ", ".join(FAULT_KINDS) + '), "faults" or "schedule"')
            given = ["latency"]  # {"action": ..., "latency_ms": N} alone means: always slow down
        if len(given) > 1:
            named = " and ".join(f'"{name}"' for name in given)
            raise FaultSpecError(f'give one of "error" (with "probability"), "faults" or "schedule", not both {named}')
        after = _flag(spec.get("after", False), '"after"')
        seed = spec.get("seed")
        if seed is None:
            seed = random.SystemRandom().randrange(2**31)  # shown by to_spec, so the run can be replayed
        elif not isinstance(seed, int) or isinstance(seed, bool):
            raise FaultSpecError(f'"seed" must be an integer, got {seed!r}')
        rule = cls(action, rule_id, latency=latency, seed=seed)
        if given == ["schedule"]:
            if "probability" in spec:
                raise FaultSpecError('"probability" goes with "error", not with "schedule"')
            rule.schedule = _schedule(spec["schedule"], after)
        elif given == ["faults"]:
            if "probability" in spec or "after" in spec:
                raise FaultSpecError('"probability" and "after" go inside each entry of "faults"')
            rule.choices = _choices(spec["faults"])
        else:
            kind = spec.get("error", "latency")
            rule.choices = (_choice(kind, spec.get("probability", 1.0), after, '"error"'),)
        return rule

    def to_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "action": self.action,
            "id": self.rule_id,
            "latency_ms": self.latency.to_spec(),
            "seed": self.seed,
            "calls": self.calls,
        }
        if self.schedule is not None:
            spec["schedule"] = [
                None if c is None else {"error": c.kind, "after": True} if c.after else c.kind for c in self.schedule
            ]
        elif len(self.choices) == 1:
            (choice,) = self.choices
            spec.update(error=choice.kind, probability=choice.probability, after=choice.after)
        else:
            spec["faults"] = [_entry_spec(c) for c in self.choices]
        return spec

    def next_fault(self) -> Fault | None:
        """Advance the rule by one call; the fault to apply to it, if any. Not thread-safe: the injector locks."""
        call_index = self.calls
        self.calls += 1
        rng = random.Random(f"{self.seed}/{call_index}")  # the same seed and call number: the same draws
        choice: _Choice | None = None
        if self.schedule is not None:
            choice = self.schedule[call_index] if call_index < len(self.schedule) else None
        else:
            draw, threshold = rng.random(), 0.0
            for candidate in self.choices:
                threshold += candidate.probability
                if draw < threshold:
                    choice = candidate
                    break
        if choice is None:
            return None
        latency = self.latency.draw(rng) if choice.kind == "latency" else 0
        return Fault(choice.kind, latency, choice.after)


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise FaultSpecError(f"{where} must be true or false, got {value!r}")
    return value


def _choice(kind: object, probability: object, after: bool, where: str) -> _Choice:
    if kind not in FAULT_KINDS:
        raise FaultSpecError(f"{where} is {kind!r}; it must be one of {', '.join(FAULT_KINDS)}")
    if after and kind not in AFTER_KINDS:
        raise FaultSpecError(
            f"{where}: {kind} cannot come after the action (it refuses a request before any work); "
            f"after the action: {', '.join(AFTER_KINDS)}"
        )
    if isinstance(probability, bool) or not isinstance(probability, int | float) or not 0 <= probability <= 1:
        raise FaultSpecError(f'"probability" must be a number between 0 and 1, got {probability!r}')
    return _Choice(str(kind), float(probability), after)


def _choices(entries: object) -> tuple[_Choice, ...]:
    if not isinstance(entries, list) or not entries:
        raise FaultSpecError(f'"faults" must be a non-empty list of {{"error", "probability", "after"?}}, got {entries!r}')
    choices = []
    for index, entry in enumerate(entries):
        where = f'"faults"[{index}]'
        if not isinstance(entry, Mapping) or "error" not in entry or set(entry) - _ENTRY_FIELDS:
            raise FaultSpecError(f'{where} must be {{"error", "probability"?, "after"?}}, got {entry!r}')
        after = _flag(entry.get("after", False), f"{where}.after")
        choices.append(_choice(entry["error"], entry.get("probability", 1.0), after, f"{where}.error"))
    total = sum(c.probability for c in choices)
    if total > 1 + 1e-9:
        raise FaultSpecError(f'the probabilities of "faults" add up to {total:g}; at most one fault applies per call, so they must add up to at most 1')
    return tuple(choices)


def _schedule(entries: object, after: bool) -> list[_Choice | None]:
    if not isinstance(entries, list):
        raise FaultSpecError(f'"schedule" must be a list of kinds or null, got {entries!r}')
    schedule: list[_Choice | None] = []
    for index, entry in enumerate(entries):
        where = f'"schedule"[{index}]'
        if entry is None:
            schedule.append(None)
        elif isinstance(entry, Mapping):
            if "error" not in entry or set(entry) - {"error", "after"}:
                raise FaultSpecError(f'{where} must be a kind, null or {{"error", "after"?}}, got {entry!r}')
            schedule.append(_choice(entry["error"], 1.0, _flag(entry.get("after", False), f"{where}.after"), where))
        else:
            schedule.append(_choice(entry, 1.0, after, where))
    return schedule


def _entry_spec(choice: _Choice) -> dict[str, Any]:
    return {"error": choice.kind, "probability": choice.probability, "after": choice.after}


class FaultInjector:
    """The set of fault rules, keyed by (action, id); thread-safe."""

    def __init__(self) -> None:
        self._rules: dict[tuple[str, str], FaultRule] = {}
        self._lock = threading.Lock()

    def add(self, rule: FaultRule) -> None:
        """Install ``rule``, replacing any earlier rule with the same action and id."""
        with self._lock:
            self._rules.pop((rule.action, rule.rule_id), None)  # re-added rules go last
            self._rules[(rule.action, rule.rule_id)] = rule

    def add_spec(self, spec: Mapping[str, Any]) -> FaultRule:
        rule = FaultRule.from_spec(spec)
        self.add(rule)
        return rule

    def remove(self, action: str, rule_id: str | None = None) -> bool:
        """Remove the action's rule ``rule_id``, or all its rules when None; whether any was there."""
        with self._lock:
            keys = [k for k in self._rules if k[0] == action and (rule_id is None or k[1] == rule_id)]
            for key in keys:
                del self._rules[key]
            return bool(keys)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules.values())

    def decide(self, action: str | None) -> FaultPlan | None:
        """The faults for this call of ``action`` (advancing its rules), or None to answer normally."""
        if not self._rules:  # the common case, checked without taking the lock
            return None
        with self._lock:
            applying = _applying(self._rules.values(), action or "")
            faults = tuple(f for f in (rule.next_fault() for rule in applying) if f is not None)
        return FaultPlan(faults) if faults else None


def _applying(rules: Sequence[FaultRule] | Any, action: str) -> list[FaultRule]:
    own = [rule for rule in rules if rule.action == action]
    return own or [rule for rule in rules if rule.action == "*"]

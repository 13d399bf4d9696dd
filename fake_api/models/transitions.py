"""Slow operations modelled as data: how an object moves from its intermediate statuses to its final one.

Each timed kind (see :mod:`fake_api.models.profiles`: a launch, a start, a stop, a disk, an image, a copy,
a VPC, a vSwitch) has a transition mode, from the cloud's time profile unless set for the kind (the snapshots
an image or a copy is made of move with that image's kind):

* ``immediate``: the operation is finished when the call returns;
* ``describes`` with value N: the object shows its intermediate status to N describes, then advances
  (with N=2 a new instance is ``Pending``, ``Starting``, then ``Running`` on the third describe);
* ``seconds`` with value N: the object advances N seconds after the call; progress grows linearly.

The mode is captured when an operation starts, so changing it later does not disturb objects in flight.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

from .profiles import TIMED_KINDS, WINDOW_KINDS

__all__ = [
    "TRANSITION_KINDS",
    "TRANSITION_MODES",
    "Transition",
    "TransitionSetting",
    "current_status",
    "observe",
    "progress_percent",
]

TRANSITION_KINDS: tuple[str, ...] = TIMED_KINDS
TRANSITION_MODES: tuple[str, ...] = ("immediate", "describes", "seconds")


@dataclass(frozen=True, slots=True)
class TransitionSetting:
    """How one kind of object transitions, e.g. ``TransitionSetting("describes", 3)``."""

    mode: str = "immediate"
    value: float = 0

    @classmethod
    def checked(cls, kind: str, mode: str, value: float) -> TransitionSetting:
        if kind not in TRANSITION_KINDS:
            raise ValueError(f"unknown transition kind {kind!r}: use one of {', '.join(TRANSITION_KINDS)}")
        if mode not in TRANSITION_MODES:
            raise ValueError(f"unknown transition mode {mode!r} for {kind}: use one of {', '.join(TRANSITION_MODES)}")
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value) or value < 0:
            raise ValueError(f"transition value for {kind} must be a number >= 0, got {value!r}")
        if mode == "describes" and kind in WINDOW_KINDS:
            raise ValueError(f"{kind} is a window of time, not a status describes show: use seconds or immediate")
        if mode == "describes" and int(value) != value:
            raise ValueError(f"'describes' counts whole describes: give an integer for {kind}, got {value!r}")
        return cls(mode, float(value))

    @classmethod
    def lasting(cls, seconds: float) -> TransitionSetting:
        """``seconds`` mode for that long, or ``immediate`` for no time at all."""
        return cls("seconds", seconds) if seconds > 0 else cls()

    def to_record(self) -> dict[str, Any]:
        return {"mode": self.mode, "value": self.value}


@dataclass(slots=True)
class Transition:
    """An operation in flight: ``stages`` are shown in turn until the operation ends in ``final``."""

    stages: tuple[str, ...]
    final: str
    mode: str
    value: float
    started_at: float
    describes: int = 0

    @classmethod
    def begin(
        cls, stages: tuple[str, ...], final: str, setting: TransitionSetting, now: float
    ) -> Transition | None:
        """A transition, or None when the setting says the operation finishes at once."""
        if setting.mode == "immediate" or setting.value <= 0:
            return None
        return cls(stages, final, setting.mode, setting.value, now)

    def fraction(self, now: float) -> float:
        """How far along the operation is, 0.0 to 1.0."""
        if self.mode == "describes":
            done = self.describes / self.value
        elif self.mode == "seconds":
            done = (now - self.started_at) / self.value
        else:
            done = 1.0
        return min(max(done, 0.0), 1.0)

    def status(self, now: float) -> str:
        done = self.fraction(now)
        if done >= 1.0:
            return self.final
        return self.stages[min(int(done * len(self.stages)), len(self.stages) - 1)]

    def to_record(self) -> dict[str, Any]:
        return {
            "stages": list(self.stages),
            "final": self.final,
            "mode": self.mode,
            "value": self.value,
            "started_at": self.started_at,
            "describes": self.describes,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any] | None) -> Transition | None:
        if not record:
            return None
        return cls(
            tuple(record["stages"]),
            record["final"],
            record["mode"],
            float(record["value"]),
            float(record["started_at"]),
            int(record.get("describes", 0)),
        )


class _Transitioning(Protocol):
    settled_status: str
    transition: Transition | None


def current_status(obj: _Transitioning, now: float) -> str:
    """The status to show now; a finished transition is folded into ``settled_status``."""
    transition = obj.transition
    if transition is None:
        return obj.settled_status
    status = transition.status(now)
    if status == transition.final:
        obj.settled_status = status
        obj.transition = None
    return status


def observe(obj: _Transitioning) -> None:
    """Count one describe of the object (for the ``describes`` mode); call after rendering it."""
    if obj.transition is not None and obj.transition.mode == "describes":
        obj.transition.describes += 1


def progress_percent(obj: _Transitioning, now: float) -> int:
    return 100 if obj.transition is None else int(obj.transition.fraction(now) * 100)

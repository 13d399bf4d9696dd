"""A clock that moves only when a test moves it: time-based transitions advance exactly as the test says."""

from __future__ import annotations


class Clock:
    """``FakeCloud(..., clock=clock)``; then ``clock.now += 10`` is ten seconds later for the fake."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

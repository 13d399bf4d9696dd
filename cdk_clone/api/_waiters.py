"""Polling until a cloud resource reaches a state, paced by the object itself.

An operation should be noticed soon after it ends (within 10% of its duration, or within the base
interval, 2 s by default, for short ones) without polling it more than that needs:

* the first poll is at once (the create has just answered: quick objects are ready at the first look), the
  next ones come quickly at first (after a quarter of the base interval, then never later than the time
  waited so far) until the pace below takes over;
* when the object reports its ``Progress`` (images and image copies do), the next poll is when that
  progress says it will be done, plus a small margin;
* otherwise, and whenever such a forecast fails, the pause is the base interval or a tenth of the time
  waited so far, whichever is longer: an object that has been busy for ``t`` seconds takes at least ``t``,
  so a pause of ``t / 10`` is noticed within 10% of its duration;
* throttling answers slow every wait of the process (see :class:`PollBackoff`).

Example::

    image = wait_for(
        lambda: find_image(image_id),             # None while the image is not visible yet
        ready=lambda image: image["Status"] == "Available",
        failed=lambda image: "image creation failed" if image["Status"] == "CreateFailed" else None,
        progress=lambda image: percent(image.get("Progress")),
        timeout=600, what=f"image {image_id} to become Available",
    )
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import TypeVar

from ._errors import WaitFailed, WaitTimeout

__all__ = [
    "MAX_POLL_INTERVAL",
    "POLL_INTERVAL_ENV",
    "SHARED_BACKOFF",
    "PollBackoff",
    "next_pause",
    "percent",
    "poll_interval",
    "wait_for",
]

T = TypeVar("T")

POLL_INTERVAL_ENV = "CDK_CLONE_POLL_INTERVAL"
# Longest pause between two polls of one object, whatever its age or forecast says: a forecast from an
# object's progress can be wrong, and a wait of hours still looks every few minutes.
MAX_POLL_INTERVAL = 300.0
# A poll planned from an object's progress comes this share of its forecast duration after the forecast end
# (at least _MARGIN_MIN seconds), so that a forecast a little early does not cost a second poll.
_MARGIN_SHARE = 0.01
_MARGIN_MIN = 0.1
# Below this percentage a forecast is too coarse to wait for its end in one pause.
_COARSE_PROGRESS = 10.0


def _never_failed(_: object) -> str | None:
    return None


def poll_interval(default: float, environ: Mapping[str, str] = os.environ) -> float:
    """The base interval: ``CDK_CLONE_POLL_INTERVAL`` (seconds) when set, else ``default``."""
    text = environ.get(POLL_INTERVAL_ENV)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{POLL_INTERVAL_ENV}={text!r} is not a number of seconds (for example 0.5)") from None
    if value < 0:
        raise ValueError(f"{POLL_INTERVAL_ENV}={text!r} must not be negative")
    return value


def percent(value: object) -> float | None:
    """A ``Progress`` value (``"45%"``, ``"45"`` or 45) as a number from 0 to 100; None when there is none."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip().removesuffix("%").strip()
    try:
        number = float(text)
    except ValueError:
        return None
    return min(max(number, 0.0), 100.0)


class PollBackoff:
    """How much slower every wait of one process polls after throttling answers.

    Each throttling answer doubles the factor (up to ``max_factor``); each ``recovery`` seconds without one
    halves it again, down to 1. The API client reports throttling answers here (see
    :class:`~cdk_clone.api.AlibabaCloudClient`), and :func:`wait_for` multiplies its pauses by
    :meth:`factor`, so that many objects waited for at once back off together instead of each one
    hammering an API that already said it is overloaded.

    Example::

        backoff = PollBackoff()
        backoff.record_throttling()
        backoff.factor()      # 2.0, back to 1.0 after 2 x 30 s without throttling
    """

    def __init__(
        self, *, max_factor: float = 16.0, recovery: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_factor = max_factor
        self.recovery = recovery
        self._clock = clock
        self._level = 0.0
        self._since = clock()
        self._lock = threading.Lock()

    def record_throttling(self) -> None:
        with self._lock:
            self._level = min(self._current_level() + 1.0, math.log2(self.max_factor))
            self._since = self._clock()

    def factor(self) -> float:
        with self._lock:
            return float(2.0 ** self._current_level())

    def reset(self) -> None:
        with self._lock:
            self._level = 0.0

    def _current_level(self) -> float:
        recovered = (self._clock() - self._since) / self.recovery if self.recovery > 0 else self._level
        return max(self._level - int(recovered), 0.0)


SHARED_BACKOFF = PollBackoff()
"""The backoff shared by every wait (and every client) of this process."""


def next_pause(age: float, progress: float | None, base: float) -> float:
    """Seconds to the next poll of an object waited for ``age`` seconds, at ``progress`` percent (or None).

    From progress (0 < progress < 100), the forecast end plus a margin, or halfway there while the progress
    is too coarse to trust (under 10%: the API gives whole percentages, each then over a tenth of the
    duration); once the forecast end has passed, or without progress, ``max(base, age / 10)``, but no more
    than the age itself (from ``base / 4``) while it is shorter. Never more than :data:`MAX_POLL_INTERVAL`.
    """
    by_age = max(base, age / 10.0)
    if progress is not None and 0.0 < progress < 100.0 and age > 0:
        # A whole percentage is rounded down: the forecast errs late, never early.
        total = age * 100.0 / progress
        remaining = total - age
        margin = max(_MARGIN_MIN, _MARGIN_SHARE * total)
        if remaining > margin:
            pause = max(base / 4.0, remaining / 2) if progress < _COARSE_PROGRESS else remaining + margin
            return min(pause, MAX_POLL_INTERVAL)
    # Early on, no longer than the time waited so far (from a quarter of the base): quick objects (a VPC
    # is often ready in a second) are seen quickly, at the cost of a poll or two.
    ramp = max(age, base / 4.0)
    return min(by_age, ramp, MAX_POLL_INTERVAL)


def wait_for(
    probe: Callable[[], T | None],
    *,
    ready: Callable[[T], bool],
    failed: Callable[[T], str | None] = _never_failed,
    timeout: float,
    what: str,
    interval: float = 2.0,
    progress: Callable[[T], float | None] | None = None,
    on_poll: Callable[[T], None] | None = None,
    backoff: PollBackoff | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    environ: Mapping[str, str] = os.environ,
) -> T:
    """Call ``probe`` until ``ready(value)``; return that value.

    * The first poll is immediate; the next ones are paced as the module doc says, from ``interval`` (the
      base, or ``CDK_CLONE_POLL_INTERVAL``), the time waited so far and ``progress(value)`` (a percentage,
      or None when the object does not tell), slowed by ``backoff`` (default: :data:`SHARED_BACKOFF`).
    * ``probe`` returning ``None`` means "not there yet": keep polling (the API often lags a create). To wait
      for something to disappear, make the probe return a marker such as ``"gone"`` and test for it in
      ``ready``.
    * ``failed(value)`` returning a message stops at once with :class:`WaitFailed` (e.g. ``CreateFailed``).
    * ``on_poll(value)`` sees every value polled (live progress reporting); its failures are its own.
    * Exceptions from ``probe`` propagate: the probe decides which errors mean "not yet".
    * After ``timeout`` seconds, :class:`WaitTimeout` carries ``what`` and the last value seen.
    """
    if timeout < 0:
        raise ValueError(f"wait_for({what!r}): timeout must not be negative, got {timeout}")
    base = poll_interval(interval, environ)
    slowdown = backoff or SHARED_BACKOFF
    started = clock()
    deadline = started + timeout
    last: T | None = None
    while True:
        value = probe()
        if value is not None:
            last = value
            if on_poll is not None:
                on_poll(value)
            if ready(value):
                return value
            reason = failed(value)
            if reason:
                raise WaitFailed(what, reason, value)
        now = clock()
        remaining = deadline - now
        if remaining <= 0:
            raise WaitTimeout(what, last, timeout)
        done = progress(value) if progress is not None and value is not None else None
        pause = next_pause(now - started, done, base) * slowdown.factor()
        sleep(min(pause, remaining))

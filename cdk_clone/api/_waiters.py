"""Polling until a cloud resource reaches a state.

Example::

    image = wait_for(
        lambda: find_image(image_id),             # None while the image is not visible yet
        ready=lambda image: image["Status"] == "Available",
        failed=lambda image: "image creation failed" if image["Status"] == "CreateFailed" else None,
        timeout=600, what=f"image {image_id} to become Available",
    )
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import TypeVar

from ._errors import WaitFailed, WaitTimeout

__all__ = ["MAX_POLL_INTERVAL", "POLL_INTERVAL_ENV", "poll_interval", "wait_for"]

T = TypeVar("T")

POLL_INTERVAL_ENV = "CDK_CLONE_POLL_INTERVAL"
# Longest pause between two polls: long waits (image copies take many minutes) need not hammer the API, and
# a short one still notices the end soon enough.
MAX_POLL_INTERVAL = 15.0
_GROWTH = 1.5


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


def wait_for(
    probe: Callable[[], T | None],
    *,
    ready: Callable[[T], bool],
    failed: Callable[[T], str | None] = _never_failed,
    timeout: float,
    what: str,
    interval: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    environ: Mapping[str, str] = os.environ,
) -> T:
    """Call ``probe`` until ``ready(value)``; return that value.

    * The first poll is immediate; the pause then starts at ``interval`` (or ``CDK_CLONE_POLL_INTERVAL``)
      and grows by half each time, up to 8 times the base and never beyond 15 s.
    * ``probe`` returning ``None`` means "not there yet": keep polling (the API often lags a create). To wait
      for something to disappear, make the probe return a marker such as ``"gone"`` and test for it in
      ``ready``.
    * ``failed(value)`` returning a message stops at once with :class:`WaitFailed` (e.g. ``CreateFailed``).
    * Exceptions from ``probe`` propagate: the probe decides which errors mean "not yet".
    * After ``timeout`` seconds, :class:`WaitTimeout` carries ``what`` and the last value seen.
    """
    if timeout < 0:
        raise ValueError(f"wait_for({what!r}): timeout must not be negative, got {timeout}")
    base = poll_interval(interval, environ)
    cap = min(MAX_POLL_INTERVAL, base * 8) if base > 0 else 0.0
    deadline = clock() + timeout
    pause = base
    last: T | None = None
    while True:
        value = probe()
        if value is not None:
            last = value
            if ready(value):
                return value
            reason = failed(value)
            if reason:
                raise WaitFailed(what, reason, value)
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeout(what, last, timeout)
        sleep(min(pause, remaining))
        pause = min(cap, pause * _GROWTH)

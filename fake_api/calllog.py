"""The call log: every RPC call the fake answered, in order, for tests to assert on.

Example::

    log = CallLog()
    log.record(action="RunInstances", version="2014-05-26", region="cn-hangzhou",
               params={"RegionId": "cn-hangzhou"}, code="OK", http_status=200)
    [entry["code"] for entry in log.entries(action="RunInstances")]   # ["OK"]
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

__all__ = ["OK", "SECRET_PARAMETERS", "CallLog"]

OK = "OK"
# Never kept in the log: they identify or authenticate the caller and say nothing about the call itself.
SECRET_PARAMETERS = frozenset({"Signature", "AccessKeyId", "SecurityToken"})


# action, version, region, parameters (name, value), code, HTTP status, time (epoch seconds), injected faults
_Entry = tuple[str | None, str | None, str | None, tuple[tuple[str, str], ...], str, int, float, str | None]


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class CallLog:
    """Thread-safe, bounded record of calls; the oldest entries go first once ``max_entries`` is reached."""

    def __init__(self, max_entries: int = 100_000) -> None:
        # Kept as tuples of strings and numbers (the parameters as (name, value) pairs), which the garbage
        # collector stops tracking: a full log then costs its collections nothing. Read back as dicts.
        self._entries: deque[_Entry] = deque(maxlen=max_entries)
        self._lock = threading.Lock()

    def record(
        self,
        *,
        action: str | None,
        version: str | None,
        region: str | None,
        params: Mapping[str, str],
        code: str,
        http_status: int,
        fault: str | None = None,
    ) -> None:
        """Record one call: ``code`` is the action's outcome, ``http_status`` what the client got (0: no
        answer), ``fault`` the injected faults applied to it, e.g. ``"ServiceUnavailable after"``."""
        entry: _Entry = (
            action,
            version,
            region,
            tuple([(name, value) for name, value in params.items() if name not in SECRET_PARAMETERS]),
            code,
            http_status,
            time.time(),  # formatted when read: recording is on every request's path
            fault,
        )
        with self._lock:
            self._entries.append(entry)

    def entries(self, action: str | None = None) -> list[dict[str, Any]]:
        """Copies of the entries, oldest first; only those of ``action`` when given."""
        with self._lock:
            snapshot = list(self._entries)
        return [
            {
                "action": entry_action,
                "version": version,
                "region": region,
                "params": dict(params),
                "code": code,
                "http_status": http_status,
                "time": _iso(epoch),
                "fault": fault,
            }
            for entry_action, version, region, params, code, http_status, epoch, fault in snapshot
            if action is None or entry_action == action
        ]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

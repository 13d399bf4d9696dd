"""The ``timeouts { create = "10m" }`` block: parsing durations and picking the one an operation uses.

``tf`` has no notion of timeouts, so each resource reads its own block and passes the number of seconds
to the API client's waiters.

Example::

    parse_duration("1h30m")                  # 5400.0
    timeout_seconds(IMAGE, {"timeouts": {"create": "90s"}}, "create")   # 90.0
"""

from __future__ import annotations

import re
from typing import Any, Literal

from cdk_clone.schema import ResourceSchema

__all__ = ["Operation", "parse_duration", "timeout_seconds"]

Operation = Literal["create", "update", "delete"]

# Terraform's own syntax (Go's time.ParseDuration without the sub-second units): "90s", "10m", "1h30m".
_PART = re.compile(r"(\d+(?:\.\d+)?)(h|m|s)")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0}


def parse_duration(text: str) -> float:
    """Seconds in a duration such as ``"90s"``, ``"10m"`` or ``"1h30m"``; ValueError says what is accepted."""
    compact = text.strip()
    if not compact or _PART.sub("", compact):
        raise ValueError(f'{text!r} is not a duration: write a number with a unit h, m or s, e.g. "10m" or "1h30m"')
    return sum(float(n) * _UNIT_SECONDS[unit] for n, unit in _PART.findall(compact))


def timeout_seconds(resource: ResourceSchema, state: dict[str, Any], operation: Operation) -> float:
    """The timeout of ``operation``: the resource's ``timeouts`` block if it sets one, else the default."""
    block = state.get("timeouts") or {}
    given = block.get(operation) if isinstance(block, dict) else None
    if isinstance(given, str):
        try:
            return parse_duration(given)
        except ValueError:
            pass  # validate() already reported it; fall back rather than fail mid-apply
    return float(resource.default_timeouts.get(operation, 600))

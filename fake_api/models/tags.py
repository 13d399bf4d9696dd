"""Tags as the describe filters and ListTagResources see them: one rule for every resource family.

A filter is ``Tag.N.Key`` with an optional ``Tag.N.Value``: a resource matches when it has every filtered
key, with the given value where one is given (a key alone matches any value).

Example::

    matches_tags({"env": "prod", "team": "web"}, (("env", "prod"), ("team", None)))   # True
    matches_tags({"env": "prod"}, (("env", "test"),))                                 # False
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["TagFilter", "matches_tags"]

#: (key, value or None for any value), as parsed from ``Tag.N.Key`` / ``Tag.N.Value``.
TagFilter = Sequence[tuple[str, str | None]]


def matches_tags(tags: Mapping[str, str], filters: TagFilter | None) -> bool:
    """Whether a resource holding ``tags`` passes every filter (no filter: every resource does)."""
    for key, value in filters or ():
        if key not in tags or (value is not None and tags[key] != value):
            return False
    return True

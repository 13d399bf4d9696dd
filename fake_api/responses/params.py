"""Reading RPC parameters: every getter either returns a clean value or raises a FakeApiError naming the parameter.

Lists come in three encodings: ``Name.N`` (1-based), ``Name.N.Field`` (objects) and, for a few filters,
one parameter holding a JSON array (``InstanceIds='["i-1","i-2"]'``).

Example::

    p = Params({"RegionId": "cn-hangzhou", "Amount": "2", "SecurityGroupIds.1": "sg-1", "Tag.1.Key": "env"})
    p.required("RegionId")               # 'cn-hangzhou'
    p.integer("Amount", 1, low=1, high=100)   # 2
    p.indexed("SecurityGroupIds")       # ['sg-1']
    p.indexed_objects("Tag")            # [{'Key': 'env'}]
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ..exceptions import (
    InvalidClientTokenValueNotSupported,
    InvalidParameter,
    MissingParameter,
)

__all__ = ["COMMON_PARAMETERS", "Params"]

# Protocol-level parameters: never part of an operation's meaning (nor of a ClientToken fingerprint).
COMMON_PARAMETERS = frozenset(
    {
        "AccessKeyId",
        "Action",
        "Format",
        "SecurityToken",
        "Signature",
        "SignatureMethod",
        "SignatureNonce",
        "SignatureType",
        "SignatureVersion",
        "Timestamp",
        "TimeStamp",
        "Version",
        "RequestId",
        "ClientToken",
        "DryRun",
    }
)

_INTEGER = re.compile(r"^[+-]?[0-9]{1,15}$")
_NUMBER = re.compile(r"^[+-]?[0-9]{1,15}(\.[0-9]{1,9})?$")
_MAX_INDEX = 1000  # Name.N with N beyond this is not a list any API takes


class Params:
    """All parameters of one request as strings; see the module docstring."""

    __slots__ = ("_lists", "_objects", "raw")

    def __init__(self, raw: Mapping[str, str]) -> None:
        self.raw: dict[str, str] = {str(k): str(v) for k, v in raw.items()}
        self._lists: dict[str, dict[int, str]] = {}
        self._objects: dict[str, dict[int, dict[str, str]]] = {}
        for key, value in self.raw.items():
            if "." not in key:  # most parameters: nothing to index
                continue
            parts = key.split(".")
            if len(parts) < 2 or not parts[1].isdigit() or not parts[1].isascii():
                continue
            index = int(parts[1]) if len(parts[1]) <= 6 else _MAX_INDEX + 1
            if len(parts) == 2:
                self._lists.setdefault(parts[0], {})[index] = value
            else:
                self._objects.setdefault(parts[0], {}).setdefault(index, {})[".".join(parts[2:])] = value

    def __contains__(self, name: str) -> bool:
        return bool(self.raw.get(name))

    # Scalars ------------------------------------------------------------------------------------------
    def text(self, name: str, default: str | None = None) -> str | None:
        """The value, or ``default`` when absent or empty (an empty value means "not given")."""
        value = self.raw.get(name)
        return value if value else default

    def required(self, name: str) -> str:
        value = self.raw.get(name)
        if not value:
            raise MissingParameter(f"The input parameter {name!r} that is mandatory for processing this request is not supplied.")
        return value

    def choice(self, name: str, choices: tuple[str, ...], default: str | None = None, *, fold_case: bool = False) -> str | None:
        value = self.text(name)
        if value is None:
            return default
        if fold_case:
            for c in choices:
                if c.lower() == value.lower():
                    return c
        elif value in choices:
            return value
        raise InvalidParameter(f"The parameter {name} is {value[:60]!r}; it must be one of {', '.join(choices)}.")

    def integer(self, name: str, default: int | None = None, *, low: int | None = None, high: int | None = None) -> int | None:
        value = self.text(name)
        if value is None:
            return default
        value = value.strip()
        if not _INTEGER.match(value):
            raise InvalidParameter(f"The parameter {name} must be an integer, got {value[:60]!r}.")
        number = int(value)
        _check_range(name, number, low, high)
        return number

    def number(self, name: str, default: float | None = None, *, low: float | None = None, high: float | None = None) -> float | None:
        value = self.text(name)
        if value is None:
            return default
        value = value.strip()
        if not _NUMBER.match(value):
            raise InvalidParameter(f"The parameter {name} must be a number, got {value[:60]!r}.")
        number = float(value)
        _check_range(name, number, low, high)
        return number

    def optional_boolean(self, name: str) -> bool | None:
        """True, False, or None when the parameter is not given."""
        return self.boolean(name) if name in self else None

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.text(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered == "true":
            return True
        if lowered == "false":
            return False
        raise InvalidParameter(f"The parameter {name} must be true or false, got {value[:60]!r}.")

    def client_token(self) -> str | None:
        token = self.text("ClientToken")
        if token is not None and (len(token) > 64 or not token.isascii()):
            raise InvalidClientTokenValueNotSupported(
                f"The ClientToken must be at most 64 ASCII characters; got {len(token)} characters."
            )
        return token

    # Lists --------------------------------------------------------------------------------------------
    def indexed(self, name: str, *, high: int = 100) -> list[str]:
        """``Name.1``, ``Name.2`` ... in index order (empty values skipped)."""
        entries = self._lists.get(name, {})
        self._check_indexes(name, entries, high)
        return [entries[i] for i in sorted(entries) if entries[i]]

    def indexed_objects(self, name: str, *, high: int = 100) -> list[dict[str, str]]:
        """``Name.N.Field`` grouped per N, in index order."""
        entries = self._objects.get(name, {})
        self._check_indexes(name, entries, high)
        return [entries[i] for i in sorted(entries)]

    def numbered(self, name: str, *, high: int = 100) -> list[int]:
        """The N of every ``Name.N.Field`` given, in order, so that fields can be read by their full name."""
        entries = self._objects.get(name, {})
        self._check_indexes(name, entries, high)
        return sorted(entries)

    def indexed_nested(self, name: str, index: int, field: str, *, high: int = 100) -> list[str]:
        """``Name.N.Field.M`` for one N, in M order: e.g. ``NetworkInterface.1.SecurityGroupIds.2``."""
        entry = self._objects.get(name, {}).get(index, {})
        values: dict[int, str] = {}
        for key, value in entry.items():
            head, _, tail = key.partition(".")
            if head == field and tail.isdigit() and tail.isascii():
                values[int(tail) if len(tail) <= 6 else _MAX_INDEX + 1] = value
        self._check_indexes(f"{name}.{index}.{field}", values, high)
        return [values[i] for i in sorted(values) if values[i]]

    def json_list(self, name: str, *, high: int = 100) -> list[str] | None:
        """A parameter holding a JSON array of strings, e.g. ``InstanceIds='["i-1"]'``; None when absent."""
        value = self.text(name)
        if value is None:
            return None
        try:
            parsed: Any = json.loads(value)
        except (ValueError, RecursionError):
            raise InvalidParameter(f"The parameter {name} must be a JSON array of strings such as [\"id-1\"], got {value[:60]!r}.") from None
        if not isinstance(parsed, list) or not all(isinstance(item, str) for item in parsed):
            raise InvalidParameter(f"The parameter {name} must be a JSON array of strings such as [\"id-1\"].")
        if len(parsed) > high:
            raise InvalidParameter(f"The parameter {name} holds {len(parsed)} values; at most {high} are allowed.")
        return parsed

    def comma_list(self, name: str, *, high: int = 100) -> list[str] | None:
        value = self.text(name)
        if value is None:
            return None
        items = [item.strip() for item in value.split(",") if item.strip()]
        if len(items) > high:
            raise InvalidParameter(f"The parameter {name} holds {len(items)} values; at most {high} are allowed.")
        return items

    def tags(self, name: str = "Tag", *, high: int = 20) -> dict[str, str]:
        """``Tag.N.Key`` / ``Tag.N.Value`` as a dict; a value without a key is refused."""
        tags: dict[str, str] = {}
        for entry in self.indexed_objects(name, high=high):
            key = entry.get("Key", "")
            if not key:
                raise MissingParameter(f"Every {name}.N needs {name}.N.Key.")
            tags[key] = entry.get("Value", "")
        return tags

    def tag_filters(self, name: str = "Tag", *, high: int = 20) -> list[tuple[str, str | None]] | None:
        """``Tag.N.Key`` / ``Tag.N.Value`` as describe filters: (key, value), value None when only the key is
        given (any value matches); None when no tag filter is given at all."""
        entries = self.indexed_objects(name, high=high)
        if not entries:
            return None
        filters: list[tuple[str, str | None]] = []
        for entry in entries:
            key = entry.get("Key", "")
            if not key:
                raise MissingParameter(f"Every {name}.N filter needs {name}.N.Key.")
            value = entry.get("Value")
            filters.append((key, value if value else None))
        return filters

    @staticmethod
    def _check_indexes(name: str, entries: Mapping[int, object], high: int) -> None:
        for index in entries:
            if index < 1 or index > high:
                raise InvalidParameter(f"The list parameter {name}.N takes N from 1 to {high}; got {name}.{index}.")

    # Idempotency --------------------------------------------------------------------------------------
    def fingerprint(self) -> list[list[str]]:
        """The operation's parameters, for comparing two requests that carry the same ClientToken."""
        return sorted([k, v] for k, v in self.raw.items() if k not in COMMON_PARAMETERS and not k.startswith("Signature"))


def _check_range(name: str, number: float, low: float | None, high: float | None) -> None:
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = f"from {low} to {high}" if low is not None and high is not None else (
            f"at least {low}" if low is not None else f"at most {high}"
        )
        raise InvalidParameter(f"The parameter {name} is {number:g}; it must be {bounds}.")


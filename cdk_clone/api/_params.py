"""Encoding Python values into Alibaba Cloud RPC parameters.

Example::

    encode_params({"SecurityGroupIds": ["sg-1", "sg-2"], "Tag": [{"Key": "env", "Value": "dev"}], "DryRun": False})
    # {'SecurityGroupIds.1': 'sg-1', 'SecurityGroupIds.2': 'sg-2',
    #  'Tag.1.Key': 'env', 'Tag.1.Value': 'dev', 'DryRun': 'false'}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["encode_params"]


def encode_params(params: Mapping[str, Any] | None) -> dict[str, str]:
    """Flatten ``params`` into the ``Name``, ``Name.N`` and ``Name.N.Field`` strings the RPC API expects.

    * ``str`` is sent as is; ``bool`` as ``true``/``false``; ``int`` and ``float`` as decimal text;
    * a list (or tuple) becomes ``Name.1``, ``Name.2`` ... (1-based), a mapping becomes ``Name.Field``,
      and both nest (``DataDisk.1.Category``, ``Permissions.2.Description``);
    * ``None`` values, and empty lists, are left out.

    Parameters that the API takes as one JSON-array string (DescribeInstances ``InstanceIds``) must be passed
    already encoded with ``json.dumps``.
    """
    encoded: dict[str, str] = {}
    for name, value in (params or {}).items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"parameter names must be non-empty strings, got {name!r}")
        _flatten(name, value, encoded)
    return encoded


def _flatten(name: str, value: Any, out: dict[str, str]) -> None:
    if value is None:
        return
    # bool before int: bool is a subclass of int, and the API wants "true", not "True" or "1".
    if isinstance(value, bool):
        out[name] = "true" if value else "false"
    elif isinstance(value, str):
        out[name] = value
    elif isinstance(value, int | float):
        out[name] = str(value)
    elif isinstance(value, Mapping):
        for field, item in value.items():
            _flatten(f"{name}.{field}", item, out)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value, start=1):
            _flatten(f"{name}.{index}", item, out)
    else:
        raise TypeError(
            f"parameter {name!r}: cannot send a {type(value).__name__} ({value!r}); "
            "use str, int, float, bool, a list or a dict of those"
        )

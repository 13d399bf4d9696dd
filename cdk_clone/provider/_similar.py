"""Choosing a similar instance type when the wanted one is sold out in a zone.

The rule, deterministic so that the same stock gives the same choice:

1. only types with stock in the zone, other than the wanted one;
2. the same vCPU count and memory first; else the nearest larger type (at least as many vCPUs and as much
   memory; nearest by vCPUs, then memory);
3. among equals, the same family letter (``g`` in ``ecs.g7.large``), then the nearest generation (a newer
   one before an older one at the same distance), then the name.

Example::

    wanted = InstanceTypeSpec("ecs.g7.large", cpu=2, memory_gib=8)
    choose_similar(wanted, [InstanceTypeSpec("ecs.c7.large", 2, 4), InstanceTypeSpec("ecs.g6.large", 2, 8)])
    # InstanceTypeSpec(name='ecs.g6.large', cpu=2, memory_gib=8)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["InstanceTypeSpec", "choose_similar", "family_parts"]

_FAMILY = re.compile(r"^ecs\.([a-z]+?)(\d+)")


@dataclass(frozen=True)
class InstanceTypeSpec:
    """An instance type's size, as DescribeInstanceTypes reports it."""

    name: str
    cpu: int
    memory_gib: float

    @classmethod
    def from_api(cls, item: dict[str, Any]) -> InstanceTypeSpec:
        return cls(str(item["InstanceTypeId"]), int(item.get("CpuCoreCount") or 0), float(item.get("MemorySize") or 0))


def family_parts(type_name: str) -> tuple[str, int]:
    """(family letters, generation) of a type name: ``ecs.g7ne.large`` -> ("g", 7); unknown -> ("", 0)."""
    match = _FAMILY.match(type_name)
    return (match.group(1), int(match.group(2))) if match else ("", 0)


def choose_similar(wanted: InstanceTypeSpec, in_stock: Iterable[InstanceTypeSpec]) -> InstanceTypeSpec | None:
    """The most similar type among ``in_stock`` (see the module's rule), or None when none is big enough."""
    letters, generation = family_parts(wanted.name)

    def rank(candidate: InstanceTypeSpec) -> tuple[Any, ...]:
        same_size = candidate.cpu == wanted.cpu and candidate.memory_gib == wanted.memory_gib
        other_letters, other_generation = family_parts(candidate.name)
        return (
            0 if same_size else 1,
            candidate.cpu - wanted.cpu,
            candidate.memory_gib - wanted.memory_gib,
            0 if other_letters == letters else 1,
            abs(other_generation - generation),
            -other_generation,
            candidate.name,
        )

    fitting = [
        c for c in in_stock if c.name != wanted.name and c.cpu >= wanted.cpu and c.memory_gib >= wanted.memory_gib
    ]
    return min(fitting, key=rank) if fitting else None

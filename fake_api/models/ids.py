"""Resource IDs shaped like the real ones: a type prefix, the region's code, lowercase letters and digits."""

from __future__ import annotations

import random
import uuid
from collections.abc import Container

from .catalogue import region_info

__all__ = ["IdFactory"]

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
_BODY_LENGTH = 20  # characters after "<prefix>-", as in i-bp1g6zv0ce8oghu7abcd


class IdFactory:
    """Makes fresh IDs, e.g. ``IdFactory().new("i", "cn-hangzhou", taken)`` -> ``"i-bp1k3x..."``."""

    __slots__ = ("_rng",)

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()

    def new(self, prefix: str, region_id: str, taken: Container[str] = ()) -> str:
        info = region_info(region_id)
        code = info.id_code if info else "0a1"
        while True:
            tail = "".join(self._rng.choices(_ALPHABET, k=_BODY_LENGTH - len(code)))
            candidate = f"{prefix}-{code}{tail}"
            if candidate not in taken:
                return candidate

    def uuid(self) -> str:
        """A random UUID, as KMS key IDs are (drawn from the factory's generator, so a seeded one repeats)."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class CacheBackend(Protocol):
    """A key-value store the tagged cache is built on (Redis or in-process)."""

    name: str

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None] | None:
        """Values for the keys, None where missing; None instead of a list on an outage."""
        ...

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None: ...

    async def set_if_absent(self, key: str, value: bytes, ttl_seconds: int) -> bool | None:
        """Set only if missing: True if set, False if it existed, None on an outage."""
        ...

    async def claim_and_get(
        self, key: str, value: bytes, ttl_seconds: int, keys: Sequence[str]
    ) -> tuple[bool | None, list[bytes | None] | None]:
        """`set_if_absent` and `get_many` in one command (None for each on an outage)."""
        ...

    async def delete(self, keys: Sequence[str]) -> None: ...

    async def incr(self, keys: Sequence[str]) -> bool:
        """Increment counters; False when the backend could not be reached."""
        ...

    async def ping(self) -> bool: ...

    async def close(self) -> None: ...

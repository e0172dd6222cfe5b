"""The in-process cache: TTL per entry, bounded size, least recently used evicted first."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence


class MemoryBackend:
    name = "memory"

    def __init__(
        self, max_entries: int = 10_000, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        # Counters live apart and are never evicted: one restarting at 0 could revive stale data.
        self._counters: dict[str, int] = {}
        self._max_entries = max_entries
        self._monotonic = monotonic

    def __len__(self) -> int:
        return len(self._entries)

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None] | None:
        return [self._get(key) for key in keys]

    def get(self, key: str) -> bytes | None:
        """One value, synchronously (the cache's own copies live in one of these)."""
        return self._get(key)

    def put(self, key: str, value: bytes, ttl_seconds: int) -> None:
        self._entries[key] = (self._monotonic() + ttl_seconds, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def _get(self, key: str) -> bytes | None:
        if key in self._counters:
            return str(self._counters[key]).encode()
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires_at, value = entry
        if expires_at <= self._monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return value

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        self.put(key, value, ttl_seconds)

    async def set_if_absent(self, key: str, value: bytes, ttl_seconds: int) -> bool | None:
        if self._get(key) is not None:
            return False
        await self.set(key, value, ttl_seconds)
        return True

    async def claim_and_get(
        self, key: str, value: bytes, ttl_seconds: int, keys: Sequence[str]
    ) -> tuple[bool | None, list[bytes | None] | None]:
        claimed = await self.set_if_absent(key, value, ttl_seconds)
        return claimed, [self._get(k) for k in keys]

    async def delete(self, keys: Sequence[str]) -> None:
        for key in keys:
            self._entries.pop(key, None)

    async def incr(self, keys: Sequence[str]) -> bool:
        for key in keys:
            self._counters[key] = self._counters.get(key, 0) + 1
        return True

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._entries.clear()
        self._counters.clear()

"""Cache-aside with tag versions: invalidating a list bumps a counter, never scans keys.

Every entry is stamped with the versions of its tags (and a global epoch) read *before*
the database was queried. A read whose stamp differs from the current versions is a miss,
so a write that commits while a reader is loading can never leave stale data behind.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from storage.cache.backend import CacheBackend

EPOCH_TAG = "__epoch__"


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


class Cache:
    def __init__(self, backend: CacheBackend, default_ttl: int = 300, prefix: str = "rb:") -> None:
        self.backend = backend
        self.default_ttl = default_ttl
        self._prefix = prefix
        self.stats = CacheStats()

    def _key(self, key: str) -> str:
        return f"{self._prefix}k:{key}"

    def _tag(self, tag: str) -> str:
        return f"{self._prefix}t:{tag}"

    async def get_or_load(
        self,
        key: str,
        tags: Sequence[str],
        load: Callable[[], Awaitable[bytes]],
        ttl: int | None = None,
    ) -> bytes:
        all_tags = (EPOCH_TAG, *tags)
        found = await self.backend.get_many([self._key(key), *(self._tag(t) for t in all_tags)])
        if found is None:  # The backend is away: answer from the source, store nothing.
            self.stats.misses += 1
            return await load()
        stamp = b",".join(v or b"0" for v in found[1:]) + b"|"
        entry = found[0]
        if entry is not None and entry.startswith(stamp):
            self.stats.hits += 1
            return entry[len(stamp) :]
        self.stats.misses += 1
        value = await load()
        await self.backend.set(self._key(key), stamp + value, ttl or self.default_ttl)
        return value

    async def invalidate(self, tags: Sequence[str]) -> bool:
        """Make every entry carrying one of the tags stale. False if the backend was away."""
        if not tags:
            return True
        return await self.backend.incr([self._tag(t) for t in tags])

    async def invalidate_everything(self) -> None:
        await self.invalidate([EPOCH_TAG])

    async def claim(self, key: str, ttl: int, value: bytes = b"1") -> bool:
        """True the first time a key is claimed within its TTL (e.g. an update id). When the
        backend is away it answers True: better to handle twice than never."""
        claimed = await self.backend.set_if_absent(self._key(key), value, ttl)
        return True if claimed is None else claimed

    async def peek(self, key: str) -> bytes | None:
        """A claimed key's value; None if it is missing or the backend is away."""
        found = await self.backend.get_many([self._key(key)])
        return found[0] if found else None

    async def put(self, key: str, value: bytes, ttl: int) -> None:
        """Set a claimed key's value, whatever it was (the backend away: nothing is kept)."""
        await self.backend.set(self._key(key), value, ttl)

    async def delete(self, key: str) -> None:
        await self.backend.delete([self._key(key)])

"""Cache-aside with tag versions: invalidating a list bumps a counter, never scans keys.

Every entry is stamped with the versions of its tags (and a global epoch) read *before*
the database was queried. A read whose stamp differs from the current versions is a miss,
so a write that commits while a reader is loading can never leave stale data behind.

A bot update reads the versions of every cached tag once, as it begins, in the same round trip
as its duplicate claim (`for_update`); its cached reads are then answered from copies this
process keeps, stamped the same way, without asking the backend again. Another instance's
write bumps a version in the backend (Redis), so the next update here sees its copies stale.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field

from storage.cache.backend import CacheBackend
from storage.cache.memory import MemoryBackend

EPOCH_TAG = "__epoch__"

# The tags some cached read carries, whatever the process: repositories register theirs as they
# are defined. A write to any other table need not bump a version nobody compares.
CACHED_TAGS: set[str] = {EPOCH_TAG}


@dataclass
class _Versions:
    """The tag versions read as an update began; `live` until the update ends, so a task it
    started that outlives it does not go on trusting them."""

    by_tag: dict[str, bytes]
    live: bool = True
    forgotten: set[str] = field(default_factory=set)

    def stamp(self, tags: Iterable[str]) -> bytes | None:
        values = []
        for tag in tags:
            value = self.by_tag.get(tag)
            if value is None or tag in self.forgotten:
                return None
            values.append(value)
        return b",".join(values) + b"|"


_versions: ContextVar[_Versions | None] = ContextVar("cache_versions", default=None)


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
        self._local = MemoryBackend(max_entries=2_000)  # this process's copies
        self._seen_tags: set[str] = set()

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
        versions = _versions.get()
        stamp = versions.stamp(all_tags) if versions is not None and versions.live else None
        if stamp is not None:
            return await self._local_or_load(key, stamp, load, ttl)
        self._seen_tags.update(tags)
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

    async def _local_or_load(
        self, key: str, stamp: bytes, load: Callable[[], Awaitable[bytes]], ttl: int | None
    ) -> bytes:
        entry = self._local.get(key)
        if entry is not None and entry.startswith(stamp):
            self.stats.hits += 1
            return entry[len(stamp) :]
        self.stats.misses += 1
        value = await load()
        self._local.put(key, stamp + value, ttl or self.default_ttl)
        return value

    @contextlib.asynccontextmanager
    async def for_update(
        self, claim_key: str, ttl: int, value: bytes = b"1"
    ) -> AsyncIterator[bool]:
        """Claim an update's key (see `claim`) and, in the same round trip, read the version of
        every cached tag: inside the block, cached reads are answered from this process's copies
        while their stamps match. Yields whether the claim was the first."""
        tags = sorted(CACHED_TAGS | self._seen_tags)
        claimed, found = await self.backend.claim_and_get(
            self._key(claim_key), value, ttl, [self._tag(t) for t in tags]
        )
        versions = None
        if found is not None:  # the backend is there: its versions can be trusted
            versions = _Versions({t: v or b"0" for t, v in zip(tags, found, strict=True)})
        token = _versions.set(versions)
        try:
            yield True if claimed is None else claimed
        finally:
            if versions is not None:
                versions.live = False
            _versions.reset(token)

    async def invalidate(self, tags: Sequence[str]) -> bool:
        """Make every entry carrying one of the tags stale. False if the backend was away."""
        versions = _versions.get()
        if versions is not None:  # this update's later reads must not answer from before
            versions.forgotten.update(tags)
        compared = [t for t in tags if t in CACHED_TAGS or t in self._seen_tags]
        if not compared:
            return True
        return await self.backend.incr([self._tag(t) for t in compared])

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

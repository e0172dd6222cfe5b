"""The in-process cache: TTL, bounded size, tag invalidation without scanning keys."""

from __future__ import annotations

import asyncio

from storage.cache import Cache, MemoryBackend


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _loader(value: bytes, calls: list[int]):  # type: ignore[no-untyped-def]
    async def load() -> bytes:
        calls.append(1)
        return value

    return load


async def test_a_second_read_is_served_from_the_cache() -> None:
    cache = Cache(MemoryBackend())
    calls: list[int] = []
    assert await cache.get_or_load("k", ("cities",), _loader(b"v", calls)) == b"v"
    assert await cache.get_or_load("k", ("cities",), _loader(b"other", calls)) == b"v"
    assert len(calls) == 1
    assert (cache.stats.hits, cache.stats.misses) == (1, 1)


async def test_entries_expire_after_their_ttl() -> None:
    clock = FakeMonotonic()
    cache = Cache(MemoryBackend(monotonic=clock), default_ttl=60)
    calls: list[int] = []
    await cache.get_or_load("k", (), _loader(b"1", calls))
    clock.now += 59
    assert await cache.get_or_load("k", (), _loader(b"2", calls)) == b"1"
    clock.now += 2
    assert await cache.get_or_load("k", (), _loader(b"2", calls)) == b"2"


async def test_size_is_bounded_and_the_least_recently_used_goes_first() -> None:
    backend = MemoryBackend(max_entries=3)
    for key in ("a", "b", "c"):
        await backend.set(key, b"x", 60)
    await backend.get_many(["a"])  # a is now the most recently used
    await backend.set("d", b"x", 60)
    assert len(backend) == 3
    assert await backend.get_many(["a", "b", "c", "d"]) == [b"x", None, b"x", b"x"]


async def test_invalidating_a_tag_makes_only_its_entries_stale() -> None:
    cache = Cache(MemoryBackend())
    calls: list[int] = []
    await cache.get_or_load("cities:list", ("cities",), _loader(b"old", calls))
    await cache.get_or_load("slots:list", ("slots",), _loader(b"slots", calls))
    await cache.invalidate(["cities"])
    assert await cache.get_or_load("cities:list", ("cities",), _loader(b"new", calls)) == b"new"
    assert await cache.get_or_load("slots:list", ("slots",), _loader(b"x", calls)) == b"slots"


async def test_a_load_racing_an_invalidation_does_not_leave_stale_data() -> None:
    cache = Cache(MemoryBackend())
    loading = asyncio.Event()
    release = asyncio.Event()

    async def slow_old_read() -> bytes:
        loading.set()
        await release.wait()
        return b"before the write"

    reader = asyncio.create_task(cache.get_or_load("k", ("cities",), slow_old_read))
    await loading.wait()
    await cache.invalidate(["cities"])  # a writer commits while the reader is still loading
    release.set()
    assert await reader == b"before the write"
    calls: list[int] = []
    assert await cache.get_or_load("k", ("cities",), _loader(b"after", calls)) == b"after"


async def test_invalidate_everything_drops_all_tags() -> None:
    cache = Cache(MemoryBackend())
    calls: list[int] = []
    await cache.get_or_load("a", ("cities",), _loader(b"1", calls))
    await cache.invalidate_everything()
    assert await cache.get_or_load("a", ("cities",), _loader(b"2", calls)) == b"2"


async def test_tag_counters_survive_eviction_pressure() -> None:
    cache = Cache(MemoryBackend(max_entries=2))
    calls: list[int] = []
    await cache.get_or_load("k", ("cities",), _loader(b"v0", calls))
    await cache.invalidate(["cities"])
    for i in range(10):  # churn evicts entries; the counter must not reset to 0
        await cache.get_or_load(f"other{i}", ("slots",), _loader(b"x", calls))
    await cache.backend.set("rb:k:k", b"0,0|stale", 60)  # an entry stamped before the write
    assert await cache.get_or_load("k", ("cities",), _loader(b"fresh", calls)) == b"fresh"

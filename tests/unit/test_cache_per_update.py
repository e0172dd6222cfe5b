"""An update's cached reads: the versions read once as it begins, the values from the process's
own copies; another instance's write is seen by the next update, the update's own at once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from storage.cache import Cache, MemoryBackend
from tests.support.update_costs import CountingBackend

TAGS = ("cities",)


class Loads:
    def __init__(self, value: bytes) -> None:
        self.value = value
        self.count = 0

    async def __call__(self) -> bytes:
        self.count += 1
        return self.value


def two_instances() -> tuple[Cache, Cache, CountingBackend]:
    """Two processes' caches on one shared store (Redis, played by one in-process backend)."""
    shared = CountingBackend(MemoryBackend())
    return Cache(shared), Cache(shared), shared


async def read(cache: Cache, load: Loads, key: str = "k") -> bytes:
    return await cache.get_or_load(key, TAGS, load)


async def test_cached_reads_inside_an_update_ask_the_store_nothing() -> None:
    cache, _, shared = two_instances()
    load = Loads(b"v")
    await read(cache, load)  # the tag becomes one the update reads the version of
    shared.log = []
    async with cache.for_update("u1", 60) as first:
        assert first
        for _ in range(3):
            assert await read(cache, load) == b"v"
    assert shared.log == ["EVALSHA"]  # the claim and the versions, one command
    async with cache.for_update("u2", 60):
        assert await read(cache, load) == b"v"
    assert load.count == 2  # once outside an update, once for the process's own copy


async def test_a_write_on_another_instance_is_seen_by_the_next_update() -> None:
    here, there, _ = two_instances()
    load = Loads(b"old")
    await read(here, load)
    async with here.for_update("u1", 60):
        assert await read(here, load) == b"old"
    load.value = b"new"
    await there.invalidate(list(TAGS))
    async with here.for_update("u2", 60):
        assert await read(here, load) == b"new"


async def test_the_updates_own_write_is_seen_at_once() -> None:
    cache, _, _ = two_instances()
    load = Loads(b"old")
    await read(cache, load)
    async with cache.for_update("u1", 60):
        assert await read(cache, load) == b"old"
        load.value = b"new"
        await cache.invalidate(list(TAGS))
        assert await read(cache, load) == b"new"


async def test_a_task_outliving_its_update_does_not_trust_the_updates_versions() -> None:
    cache, other, _ = two_instances()
    load = Loads(b"old")
    await read(cache, load)
    go_on = asyncio.Event()

    async def later() -> bytes:
        await go_on.wait()
        return await read(cache, load)

    async with cache.for_update("u1", 60):
        assert await read(cache, load) == b"old"
        task = asyncio.create_task(later())
    load.value = b"new"
    await other.invalidate(list(TAGS))
    go_on.set()
    assert await task == b"new"


async def test_a_repeated_update_is_claimed_once() -> None:
    cache, other, _ = two_instances()
    async with cache.for_update("u1", 60) as first:
        assert first
    async with other.for_update("u1", 60) as again:
        assert not again


class AwayBackend(MemoryBackend):
    async def claim_and_get(
        self, key: str, value: bytes, ttl_seconds: int, keys: Sequence[str]
    ) -> tuple[bool | None, list[bytes | None] | None]:
        return None, None

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None] | None:
        return None


async def test_without_the_store_an_update_is_handled_and_reads_the_source() -> None:
    cache = Cache(AwayBackend())
    load = Loads(b"v")
    async with cache.for_update("u1", 60) as first:
        assert first  # better handled twice than never
        assert await read(cache, load) == b"v"
        assert await read(cache, load) == b"v"
    assert load.count == 2  # nothing kept that could not be checked

"""The Redis cache: shared between processes, and harmless when Redis goes away."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis import asyncio as aioredis
from yarl import URL

from storage.cache import Cache, RedisBackend
from storage.cache import redis as redis_module
from storage.engine import create_session_factory
from storage.uow import uow_factory
from tests.support.database import sqlite_engine
from tests.support.factories import make_city
from tests.support.services import REDIS_URL, check_redis
from tests.support.tcp_proxy import TcpProxy


@pytest.fixture
async def proxy() -> AsyncIterator[TcpProxy]:
    await check_redis()
    url = URL(REDIS_URL)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 6379)
    await proxy.start()
    yield proxy
    await proxy.stop()


def _cache_through(proxy: TcpProxy) -> Cache:
    db = URL(REDIS_URL).path.lstrip("/") or "0"
    backend = RedisBackend(f"redis://127.0.0.1:{proxy.port}/{db}", timeout_seconds=0.3)
    cache = Cache(backend, prefix=f"test:{uuid.uuid4().hex[:8]}:")
    backend.on_restore = cache.invalidate_everything
    return cache


async def test_two_instances_share_entries_and_invalidations(redis_cache: Cache) -> None:
    other = Cache(RedisBackend(REDIS_URL), prefix=redis_cache._prefix)
    calls: list[str] = []

    async def load(value: bytes) -> bytes:
        calls.append(value.decode())
        return value

    try:
        assert await redis_cache.get_or_load("k", ("cities",), lambda: load(b"a")) == b"a"
        assert await other.get_or_load("k", ("cities",), lambda: load(b"b")) == b"a"
        await other.invalidate(["cities"])
        assert await redis_cache.get_or_load("k", ("cities",), lambda: load(b"c")) == b"c"
        assert calls == ["a", "c"]
    finally:
        await other.backend.close()


async def test_the_app_keeps_answering_while_redis_is_down_and_uses_it_again_after(
    proxy: TcpProxy,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(redis_module, "RETRY_INTERVAL_SECONDS", 0.2)
    cache = _cache_through(proxy)
    async with sqlite_engine(tmp_path) as engine:
        uows = uow_factory(create_session_factory(engine), cache)
        async with uows() as uow:
            await make_city(uow, "Omsk")
            await uow.commit()

        async def names() -> list[str]:
            async with uows() as uow:
                return [c.name for c in await uow.cities.list_active()]

        assert await names() == ["Omsk"]
        assert await names() == ["Omsk"]
        assert cache.stats.hits == 1

        await proxy.stop()
        caplog.set_level(logging.WARNING)
        # Redis is gone: reads still answer, from the database, and writes still commit.
        for _ in range(5):
            assert await names() == ["Omsk"]
        async with uows() as uow:
            city = await uow.cities.get_by_name("Omsk")
            assert city is not None
            city.name = "Tomsk"
            await uow.commit()
        assert await names() == ["Tomsk"]
        outage_logs = [r for r in caplog.records if "cache.redis_unavailable" in r.getMessage()]
        assert len(outage_logs) == 1, "the outage is logged once, not per request"
        assert not await cache.backend.ping()

        await proxy.start()
        await asyncio.sleep(0.25)
        # Back again: the entry cached before the outage is stale (its invalidation was lost
        # while Redis was away) and is never served; Redis serves hits again right after.
        assert await names() == ["Tomsk"]  # notices Redis is back, bumps the epoch
        assert await names() == ["Tomsk"]  # reloads past the stale entry and stores it
        hits = cache.stats.hits
        assert await names() == ["Tomsk"]
        assert cache.stats.hits == hits + 1
        assert await cache.backend.ping()
    await cache.backend.close()


async def test_list_invalidation_does_not_scan_the_keyspace(redis_cache: Cache) -> None:
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        await client.config_resetstat()
        for i in range(20):
            await redis_cache.get_or_load(f"item:{i}", ("slots",), lambda: asyncio.sleep(0, b"v"))
        await redis_cache.invalidate(["slots"])
        stats = await client.info("commandstats")
    finally:
        await client.aclose()
    assert not any(name in stats for name in ("cmdstat_keys", "cmdstat_scan"))
    assert "cmdstat_incrby" in stats  # redis-py sends INCR as INCRBY


async def test_more_requests_than_connections_wait_their_turn_instead_of_failing() -> None:
    await check_redis()
    backend = RedisBackend(REDIS_URL, max_connections=2)
    key = f"test:{uuid.uuid4().hex[:8]}:busy"
    try:
        await backend.set(key, b"v", 30)
        answers = await asyncio.gather(*(backend.get_many([key]) for _ in range(60)))
        assert answers == [[b"v"]] * 60
        assert backend.available  # a full pool is not an outage
    finally:
        await backend.close()


async def test_an_updates_claim_and_tag_versions_are_one_round_trip(
    redis_cache: Cache,
) -> None:
    load_count: list[int] = []

    async def load() -> bytes:
        load_count.append(1)
        return b"v"

    await redis_cache.get_or_load("k", ("cities",), load)
    async with redis_cache.for_update(f"u-{uuid.uuid4().hex}", 60) as first:
        assert first
        assert await redis_cache.get_or_load("k", ("cities",), load) == b"v"
        assert await redis_cache.get_or_load("k", ("cities",), load) == b"v"
    assert len(load_count) == 2  # once through Redis, once for this process's copy
    await redis_cache.invalidate(["cities"])
    async with redis_cache.for_update(f"u-{uuid.uuid4().hex}", 60):
        assert await redis_cache.get_or_load("k", ("cities",), load) == b"v"
    assert len(load_count) == 3

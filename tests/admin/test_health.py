"""`/health` tells an operator what works."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from admin.app import create_app
from admin.health import HealthSources
from scheduler.factory import SchedulerRunner
from storage.cache import Cache, MemoryBackend, RedisBackend
from storage.engine import create_engine
from tests.support.database import sqlite_engine


class FakeComponent:
    def __init__(self, state: str) -> None:
        self.state = state


def _app(sources: HealthSources) -> Application:
    return create_app(sources)


async def test_everything_up_is_200_with_each_part(tmp_path: Path, aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    scheduler = SchedulerRunner()
    scheduler.start()
    try:
        async with sqlite_engine(tmp_path) as engine:
            client: TestClient = await aiohttp_client(
                _app(
                    HealthSources(
                        engine, Cache(MemoryBackend()), FakeComponent("polling"), scheduler
                    )
                )
            )
            response = await client.get("/health")
            body = await response.json()
    finally:
        scheduler.shutdown()
    assert response.status == 200
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "dialect": "sqlite"}
    assert body["cache"]["backend"] == "memory"
    assert body["bot"] == "polling"
    assert body["scheduler"] == "running"


async def test_redis_down_is_degraded_but_still_200(tmp_path: Path, aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    cache = Cache(RedisBackend("redis://127.0.0.1:1/0", timeout_seconds=0.2))
    async with sqlite_engine(tmp_path) as engine:
        client = await aiohttp_client(
            _app(HealthSources(engine, cache, FakeComponent("polling"), SchedulerRunner()))
        )
        response = await client.get("/health")
        body = await response.json()
    await cache.backend.close()
    assert response.status == 200
    assert body["status"] == "degraded"
    assert body["cache"]["ok"] is False
    assert body["scheduler"] == "stopped"


async def test_database_down_is_503(aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    client = await aiohttp_client(
        _app(HealthSources(engine, Cache(MemoryBackend()), FakeComponent("off"), SchedulerRunner()))
    )
    response = await client.get("/health")
    body = await response.json()
    await engine.dispose()
    assert response.status == 503
    assert body["status"] == "down"
    assert body["database"]["ok"] is False


async def test_unknown_paths_are_404(tmp_path: Path, aiohttp_client) -> None:  # type: ignore[no-untyped-def]
    async with sqlite_engine(tmp_path) as engine:
        client = await aiohttp_client(
            _app(
                HealthSources(engine, Cache(MemoryBackend()), FakeComponent("x"), SchedulerRunner())
            )
        )
        response = await client.get("/nope")
    assert response.status == 404

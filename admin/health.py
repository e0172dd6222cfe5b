"""`/health`: the state of the database, the cache, the bot and the scheduler. Outside the
request's Unit of Work: it asks the engine for a connection of its own, with a timeout."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol

from aiohttp import web
from aiohttp.typedefs import Handler

from storage.cache.tagged import Cache
from storage.health import Database, database_dialect, database_ok

CHECK_TIMEOUT_SECONDS = 2.0


class ComponentState(Protocol):
    @property
    def state(self) -> str: ...


@dataclass(frozen=True)
class HealthSources:
    engine: Database
    cache: Cache
    bot: ComponentState
    scheduler: ComponentState


async def _cache_ok(cache: Cache) -> bool:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            return await cache.backend.ping()
    except TimeoutError:
        return False


async def health_report(sources: HealthSources) -> tuple[int, dict[str, object]]:
    database_up, cache_ok = await asyncio.gather(
        database_ok(sources.engine, CHECK_TIMEOUT_SECONDS), _cache_ok(sources.cache)
    )
    report: dict[str, object] = {
        "database": {"ok": database_up, "dialect": database_dialect(sources.engine)},
        "cache": {
            "ok": cache_ok,
            "backend": sources.cache.backend.name,
            "hit_rate": round(sources.cache.stats.hit_rate, 3),
        },
        "bot": sources.bot.state,
        "scheduler": sources.scheduler.state,
    }
    # Without the database nothing works; without Redis the app still answers (degraded).
    report["status"] = "ok" if database_up and cache_ok else "degraded" if database_up else "down"
    return (200 if database_up else 503), report


def create_health_handler(sources: HealthSources) -> Handler:
    async def health(_request: web.Request) -> web.StreamResponse:
        status, report = await health_report(sources)
        return web.json_response(report, status=status)

    return health

"""Reaching PostgreSQL and Redis for tests: skip when absent, fail under REQUIRE_SERVICES=1."""

from __future__ import annotations

import asyncio
import os

import pytest

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUIRED = os.environ.get("REQUIRE_SERVICES") == "1"


def unavailable(what: str, url: str, error: BaseException) -> None:
    reason = f"{what} at {url} is not reachable ({type(error).__name__}: {error})"
    if REQUIRED:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(f"{reason}; set TEST_{what.upper()}_URL to run these tests")


async def check_postgres() -> None:
    import asyncpg

    dsn = POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://")
    try:
        conn = await asyncio.wait_for(asyncpg.connect(dsn), 30)
        await conn.close()
    except Exception as exc:
        unavailable("postgres", POSTGRES_URL, exc)


async def check_redis() -> None:
    from redis import asyncio as aioredis

    client = aioredis.Redis.from_url(REDIS_URL, socket_connect_timeout=30)
    try:
        await client.ping()
    except Exception as exc:
        unavailable("redis", REDIS_URL, exc)
    finally:
        await client.aclose()

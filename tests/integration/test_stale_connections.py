"""Stale pooled connections are handled without a ping per checkout: one that sat idle is
pinged and replaced when dead; one in steady use is not pinged at all."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import create_engine
from tests.support.services import POSTGRES_URL, check_postgres


@pytest.fixture
async def engines() -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    await check_postgres()
    # idle_ping_seconds=0: every connection back from the pool counts as idle, so the test
    # needs no waiting; `admin` ends the other's connections.
    engine = create_engine(POSTGRES_URL, pool_size=1, max_overflow=0, idle_ping_seconds=0)
    admin = create_engine(POSTGRES_URL, pool_size=1, max_overflow=0)
    try:
        yield engine, admin
    finally:
        await engine.dispose()
        await admin.dispose()


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_an_idle_connection_the_server_dropped_is_replaced(
    engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    engine, admin = engines
    pid = await _backend_pid(engine)
    async with admin.connect() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    assert await _backend_pid(engine) != pid  # no error: the dead one failed its ping


def test_connections_are_not_pinged_on_every_checkout() -> None:
    engine = create_engine(POSTGRES_URL)
    assert not engine.sync_engine.pool._pre_ping

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncEngine

from core.clock import FrozenClock
from core.logging import configure_logging
from core.settings import LogFormat
from domain.organisation import accounts
from storage.cache import Cache, MemoryBackend, RedisBackend
from storage.engine import create_session_factory
from storage.uow import UnitOfWork, UnitOfWorkFactory, uow_factory
from tests.support.database import postgres_engine, sqlite_engine
from tests.support.factories import NOW
from tests.support.services import REDIS_URL, check_redis


def pytest_configure(config: pytest.Config) -> None:
    # structlog goes through stdlib logging, so caplog sees what the application logs.
    configure_logging("INFO", LogFormat.CONSOLE)
    # argon2 at its production cost takes ~0.15 s a hash, which protects stored passwords and
    # only slows tests down (hundreds of accounts and logins). Same algorithm, lighter cost.
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


# Rows written through the storage fixtures are stamped at the tests' NOW, never at the
# machine's time; a test that moves time builds a Unit of Work factory with its own clock.
ROWS_CLOCK = FrozenClock(NOW)


@dataclass
class Storage:
    """One storage set-up under test: engine, cache and a Unit of Work factory."""

    name: str
    engine: AsyncEngine
    cache: Cache
    uow: UnitOfWorkFactory


@pytest.fixture
async def sqlite_storage(tmp_path: Path) -> AsyncIterator[Storage]:
    async with sqlite_engine(tmp_path) as engine:
        cache = Cache(MemoryBackend())
        factory = uow_factory(create_session_factory(engine), cache, clock=ROWS_CLOCK)
        yield Storage("sqlite", engine, cache, factory)


@pytest.fixture
async def redis_cache() -> AsyncIterator[Cache]:
    await check_redis()
    backend = RedisBackend(REDIS_URL)
    cache = Cache(backend, prefix=f"test:{uuid.uuid4().hex[:8]}:")
    backend.on_restore = cache.invalidate_everything
    yield cache
    await backend.close()


@pytest.fixture
async def postgres_storage(redis_cache: Cache) -> AsyncIterator[Storage]:
    async with postgres_engine() as engine:
        yield Storage(
            "postgres",
            engine,
            redis_cache,
            uow_factory(create_session_factory(engine), redis_cache, clock=ROWS_CLOCK),
        )


@pytest.fixture(params=["sqlite", "postgres"])
def storage(request: pytest.FixtureRequest) -> Storage:
    """The storage suite runs twice: SQLite with the in-process cache, PostgreSQL with Redis."""
    fixture = "sqlite_storage" if request.param == "sqlite" else "postgres_storage"
    result: Storage = request.getfixturevalue(fixture)
    return result


@pytest.fixture
def uow(storage: Storage) -> UnitOfWork:
    return storage.uow()

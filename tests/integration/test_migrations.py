"""The models and the migrations describe the same schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import Base
from tests.support.database import postgres_engine, sqlite_engine


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def _assert_in_sync(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        diff = await conn.run_sync(_differences)
        tables = set(await conn.run_sync(lambda c: c.dialect.get_table_names(c)))
    assert diff == []
    assert set(Base.metadata.tables) <= tables


async def test_sqlite_migrations_match_models(tmp_path: Path) -> None:
    async with sqlite_engine(tmp_path) as engine:
        await _assert_in_sync(engine)


async def test_postgres_migrations_match_models() -> None:
    async with postgres_engine() as engine:
        await _assert_in_sync(engine)


async def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    async with sqlite_engine(tmp_path) as engine, engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() >= 5000

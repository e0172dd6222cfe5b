"""Fresh, migrated databases for tests: a SQLite file, or a PostgreSQL schema of its own."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import create_engine
from storage.migrate import upgrade
from tests.support.services import POSTGRES_URL, check_postgres

_migrated_sqlite: Path | None = None


async def migrated_sqlite_file() -> Path:
    """One SQLite file migrated to head per test process; tests start from a copy of it
    instead of running the migrations again (they have tests of their own)."""
    global _migrated_sqlite
    if _migrated_sqlite is None:
        folder = tempfile.mkdtemp(prefix="migrated-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = Path(folder) / "template.db"
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()  # the last connection closing folds the WAL into the file
        _migrated_sqlite = path
    return _migrated_sqlite


@asynccontextmanager
async def sqlite_engine(directory: Path) -> AsyncIterator[AsyncEngine]:
    database = directory / "test.db"
    shutil.copyfile(await migrated_sqlite_file(), database)
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        yield engine
    finally:
        await engine.dispose()


@asynccontextmanager
async def postgres_engine(pool_size: int = 20) -> AsyncIterator[AsyncEngine]:
    """An engine whose search_path is a new schema, dropped afterwards."""
    await check_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(
        POSTGRES_URL,
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args={"server_settings": {"search_path": schema}},
    )
    try:
        await upgrade(engine)
        yield engine
    finally:
        await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()

"""Apply Alembic migrations from code: the CLI, `make run` and the tests share this."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_sync(url: str) -> None:
    """For the CLI: runs its own event loop."""
    command.upgrade(alembic_config(url), "head")


def _set_foreign_keys(connection: Connection, on: bool) -> None:
    # Straight to the driver: SQLAlchemy would begin a transaction first, and SQLite ignores
    # this pragma inside one.
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    finally:
        cursor.close()


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"the migration left rows pointing nowhere: {broken[:5]}")


async def migrating(connection: AsyncConnection, run: Callable[[Connection], None]) -> None:
    """Runs `run` (Alembic) in one transaction of `connection`. On SQLite, with foreign keys
    off meanwhile and checked before the commit: a batch migration rebuilds a table by copying
    it and dropping the old one, and with foreign keys on, SQLite's DROP TABLE first deletes
    every row, firing the ON DELETE actions of the tables that point at it (API tokens and
    audit rows deleted or cut loose when admin_users is rebuilt)."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        await connection.run_sync(_set_foreign_keys, False)
    try:
        async with connection.begin():
            await connection.run_sync(run)
            if sqlite:
                await connection.run_sync(_check_foreign_keys)
    finally:
        if sqlite:
            await connection.run_sync(_set_foreign_keys, True)


async def upgrade(engine: AsyncEngine) -> None:
    """For code already inside an event loop."""
    await upgrade_to(engine, "head")


async def upgrade_to(engine: AsyncEngine, revision: str) -> None:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.connect() as connection:
        await migrating(connection, run)

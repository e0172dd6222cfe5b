"""Whether the database answers: the storage side of `/health`."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

# Named here so the health endpoint can hold an engine without importing SQLAlchemy.
Database = AsyncEngine


async def database_ok(engine: AsyncEngine, timeout_seconds: float) -> bool:
    """A `SELECT 1` within the timeout on a connection of its own (not a Unit of Work's)."""
    try:
        async with asyncio.timeout(timeout_seconds), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


def database_dialect(engine: AsyncEngine) -> str:
    return engine.dialect.name

"""The few statements whose SQL differs between SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base


def insert_ignoring_conflicts(
    session: AsyncSession,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    conflict_on: Sequence[str],
) -> Insert:
    """INSERT ... ON CONFLICT (cols) DO NOTHING for the session's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return (
            postgresql.insert(model)
            .values(list(rows))
            .on_conflict_do_nothing(index_elements=list(conflict_on))
        )
    return (
        sqlite.insert(model)
        .values(list(rows))
        .on_conflict_do_nothing(index_elements=list(conflict_on))
    )


def supports_skip_locked(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"

"""The few statements whose SQL differs between SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite


def upserting(session: AsyncSession, model: type[Base]) -> postgresql.Insert | sqlite.Insert:
    """INSERT for the session's dialect, with its `on_conflict_do_*` (the same on both). The
    dialect's module is imported only there (issue 15's memory: a process loads only its own
    database's dialect; see storage.models.indexes)."""
    if on_postgresql(session):
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(model)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(model)


def ignoring_conflicts(
    session: AsyncSession, model: type[Base], conflict_on: Sequence[str]
) -> Insert:
    """INSERT ... ON CONFLICT (cols) DO NOTHING for the session's dialect, without values.
    Executed with a list of rows, it is compiled once and then cached; `.values(rows)` would
    compile a statement of its own for every call."""
    return upserting(session, model).on_conflict_do_nothing(index_elements=list(conflict_on))


def insert_ignoring_conflicts(
    session: AsyncSession,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    conflict_on: Sequence[str],
) -> Insert:
    """The same with its rows inlined: one statement whose rowcount is exact on every driver
    (needed where the caller counts what was new)."""
    return ignoring_conflicts(session, model, conflict_on).values(list(rows))


def on_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"

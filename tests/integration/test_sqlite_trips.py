"""A SQLite statement is one trip to its connection's thread (storage.sqlite_driver): aiosqlite
through SQLAlchemy's adapter made four (cursor, execute, fetch, close), each a hand-over to the
thread and a wake-up of the event loop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import text

from tests.support.database import sqlite_engine


async def test_a_statement_is_one_trip_to_the_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    async with sqlite_engine(tmp_path) as engine, engine.connect() as connection:
        await connection.execute(text("SELECT 1"))  # the transaction begun
        monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
        rows = (await connection.execute(text("SELECT 1 UNION SELECT 2"))).all()
        assert [tuple(r) for r in rows] == [(1,), (2,)]
        await connection.execute(text("CREATE TABLE t (x INTEGER)"))
        written = await connection.execute(text("INSERT INTO t VALUES (1), (2)"))
        assert written.rowcount == 2
        monkeypatch.undo()
    assert len(trips) == 3, trips

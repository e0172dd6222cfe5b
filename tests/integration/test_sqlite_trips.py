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


def _counting(trips: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)


async def test_a_transaction_begins_in_its_first_statements_trip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with sqlite_engine(tmp_path) as engine:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (x INTEGER)"))
        trips: list[str] = []
        _counting(trips, monkeypatch)
        async with engine.begin() as connection:  # BEGIN IMMEDIATE, INSERT, COMMIT
            await connection.execute(text("INSERT INTO t VALUES (1)"))
            assert connection.sync_connection is not None
            raw = connection.sync_connection.connection.driver_connection
            in_transaction = await raw.execute("SELECT 1")  # a trip of its own, counted
            assert raw.in_transaction  # the write lock is held: IMMEDIATE was sent
            await in_transaction.close()
        assert trips.count("_on_thread") == 1, trips  # the BEGIN rode with the INSERT
        trips.clear()
        async with engine.begin():  # begun, nothing sent: nothing to begin or end
            pass
        assert trips == [], trips
        monkeypatch.undo()
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 1


async def test_a_begin_refused_for_the_lock_is_sent_again_with_the_next_statement(
    tmp_path: Path,
) -> None:
    """The BEGIN IMMEDIATE sent with a statement is refused while another writer holds the
    lock (past the busy timeout): the statement fails as the BEGIN would have, and the
    transaction begins with the next one, holding the lock, as it did when BEGIN went alone."""
    async with sqlite_engine(tmp_path) as engine:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (x INTEGER)"))
        holder = await aiosqlite.connect(engine.url.database or "")
        try:
            await holder.execute("BEGIN IMMEDIATE")
            async with engine.connect() as connection:
                raw = (await connection.get_raw_connection()).driver_connection
                await raw.execute("PRAGMA busy_timeout=0")  # refused at once, not in 5 s
                with pytest.raises(Exception, match="locked"):
                    await connection.execute(text("INSERT INTO t VALUES (1)"))
                assert not raw.in_transaction
                await holder.rollback()  # the other writer lets go
                await connection.execute(text("INSERT INTO t VALUES (2)"))
                assert raw.in_transaction  # begun again, with this statement
                await connection.commit()
        finally:
            await holder.close()
        async with engine.connect() as connection:
            found = (await connection.execute(text("SELECT x FROM t"))).scalars().all()
        assert found == [2]

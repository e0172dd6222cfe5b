"""SQLite statements in one trip each to the connection's thread.

aiosqlite runs every call on a thread of the connection's own, and SQLAlchemy's adapter makes
four calls per statement (open a cursor, execute, fetch, close): four hand-overs to the thread
and four wake-ups of the event loop, most of the CPU a statement costs. `one_trip` gives a
connection a cursor that does all four in one call on that thread.

A transaction's `BEGIN IMMEDIATE` rides along with its first statement (`begin_with_first`):
the same trip, one hand-over less per transaction. Ending a transaction that is not open (one
that sent no statement; the pool's rollback of a connection already committed) takes no trip.
Every statement goes through the one-trip cursor: the project streams no results (a streaming
cursor would not carry the pending BEGIN) and sends nothing on the driver's connection itself."""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
)
from sqlalchemy.util import EMPTY_DICT

_Outcome = tuple[Any, list[Any], int, int | None]


# Where a connection's pending BEGIN waits for its first statement: an attribute of aiosqlite's
# Connection (its adapter has slots, and ours must keep its layout).
_PENDING = "_begin_with_first_statement"


def begin_with_first(dbapi_connection: Any, begin: str) -> bool:
    """Send `begin` with the connection's next statement, not now; False if this connection
    has no one-trip cursor (then the caller sends it itself)."""
    if not isinstance(dbapi_connection, _OneTripConnection):
        return False
    setattr(dbapi_connection._connection, _PENDING, begin)
    return True


def _take_pending(aiosqlite_connection: Any) -> str | None:
    begin: str | None = aiosqlite_connection.__dict__.pop(_PENDING, None)
    return begin


def _execute(connection: sqlite3.Connection, operation: str, parameters: Any) -> _Outcome:
    cursor = connection.cursor()
    try:
        if parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _executemany(connection: sqlite3.Connection, operation: str, parameters: Any) -> _Outcome:
    cursor = connection.cursor()
    try:
        cursor.executemany(operation, parameters)
        return None, [], cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A buffered cursor (as SQLAlchemy's is) whose statement, rows and close are one call."""

    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: Any) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]  # no aiosqlite cursor: nothing to close
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _async_soft_close(self) -> None:
        return None  # the rows are fetched and the cursor closed already

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        return await self._run(_execute, operation, parameters)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        return await self._run(_executemany, operation, seq_of_parameters)

    async def _run(self, call: Any, operation: Any, parameters: Any) -> None:
        aiosqlite_connection = self._connection
        async with self._adapt_connection._execute_mutex:
            begin = _take_pending(aiosqlite_connection)
            try:
                outcome: _Outcome = await aiosqlite_connection._execute(
                    _on_thread, aiosqlite_connection, call, operation, parameters, begin
                )
            except Exception:
                if begin is not None and not aiosqlite_connection.in_transaction:
                    # The BEGIN itself was refused (the lock not had in time): the
                    # transaction has still to begin, with the next statement, as it did
                    # when BEGIN was sent alone and failed.
                    setattr(aiosqlite_connection, _PENDING, begin)
                raise
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)

    def setinputsizes(self, *inputsizes: Sequence[Any]) -> None:
        return None


def _on_thread(
    aiosqlite_connection: Any, call: Any, operation: str, parameters: Any, begin: str | None
) -> _Outcome:
    # `_conn`: the sqlite3 connection, used on its own thread as aiosqlite does.
    connection: sqlite3.Connection = aiosqlite_connection._conn
    if begin is not None:
        connection.execute(begin)
    return call(connection, operation, parameters)  # type: ignore[no-any-return]


class _OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor

    # Ending no transaction takes no trip: one begun but never sent, or none at all (the pool
    # rolls back every connection it takes back, most of them already committed).
    def commit(self) -> None:
        if self._open():
            super().commit()

    def rollback(self) -> None:
        if self._open():
            super().rollback()

    def _open(self) -> bool:
        connection = self._connection
        begun_unsent = _take_pending(connection) is not None
        return not begun_unsent and bool(connection._connection and connection.in_transaction)


def one_trip(dbapi_connection: Any) -> None:
    """Give SQLAlchemy's aiosqlite connection the one-trip cursor (called as it connects)."""
    if type(dbapi_connection) is AsyncAdapt_aiosqlite_connection:
        dbapi_connection.__class__ = _OneTripConnection

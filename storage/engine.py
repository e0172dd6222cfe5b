"""Engine creation; the one place where SQLite and PostgreSQL are told apart."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as AsyncSession
from sqlalchemy.orm import Session

from storage.models import Base
from storage.models.indexes import Dialect, attach_options

SQLITE_BUSY_TIMEOUT_MS = 10_000
# A connection that sat in the pool longer than this is pinged as it is checked out; one in
# steady use is not (a ping per checkout was a round trip per transaction).
IDLE_PING_SECONDS = 10.0

# The names the composition root holds these by, so that it need not import SQLAlchemy.
Engine = AsyncEngine
SessionFactory = async_sessionmaker[AsyncSession]


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    max_overflow: int = 10,
    pool_timeout: float = 30.0,
    pool_recycle: int = 1800,
    connect_args: dict[str, Any] | None = None,
    idle_ping_seconds: float = IDLE_PING_SECONDS,
) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _create_sqlite_engine(url, pool_size + max_overflow, pool_timeout)
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        pool_recycle=pool_recycle,
        connect_args=connect_args or {},
    )
    _ping_idle_connections(engine, idle_ping_seconds)
    _attach_index_options("postgresql")
    return engine


def _attach_index_options(dialect: Dialect) -> None:
    """Here, not in the models, so that a process loads only its own database's dialect."""
    attach_options(Base.metadata, dialect)


def _ping_idle_connections(engine: AsyncEngine, idle_seconds: float) -> None:
    """Stale connections without a ping per checkout. One idle for `idle_seconds` (as all
    are after the database was away) is pinged when checked out, and replaced if the ping
    fails; one in steady use is trusted, and if the database went away under it the statement
    fails, SQLAlchemy sees a disconnect and invalidates the whole pool, so the next checkouts
    connect afresh. pool_recycle replaces old connections besides."""
    pool = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    @event.listens_for(pool, "checkin")
    def _checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as exc:
            # The pool discards this connection and checks out another (a few times at most).
            raise DisconnectionError("a pooled connection failed its ping") from exc


def _create_sqlite_engine(url: str, connections: int, pool_timeout: float) -> AsyncEngine:
    from storage.sqlite_driver import begin_with_first, one_trip  # sqlite3 and aiosqlite

    _attach_index_options("sqlite")
    database = make_url(url).database
    pool: dict[str, Any] = {}
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        # All kept open: an overflow connection closed after each use would cost a thread and
        # the pragmas below every time concurrency passes the pool's size.
        pool = {"pool_size": connections, "max_overflow": 0, "pool_timeout": pool_timeout}
    engine = create_async_engine(
        url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **pool
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        one_trip(dbapi_connection)
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so a transaction that reads and then
        # writes waits its turn (busy_timeout) instead of failing with "database is locked".
        # Sent with the transaction's first statement, in its trip to the connection's thread.
        if not begin_with_first(connection.connection.dbapi_connection, "BEGIN IMMEDIATE"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class UnitSession(Session):
    """The sessions this project makes: storage.uow listens to their events once, for the
    class, rather than registering listeners on every session (a tenth of a unit's cost)."""


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(
        engine, expire_on_commit=False, autoflush=True, sync_session_class=UnitSession
    )

"""Whether the database can be reached: which errors mean "it is away", and a gate that closes
when one is seen and opens again as soon as a probe gets an answer.

Entry points hold the gate (polling waits at it, webhook and panel answer 503 while it is
closed) without knowing SQLAlchemy or the driver.
"""

from __future__ import annotations

import asyncio
import time

import structlog
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from core.errors import DatabaseUnavailable
from storage.health import database_ok

log = structlog.get_logger(__name__)

# While the database is away it is asked again this often; the work resumes that soon after.
PROBE_INTERVAL_SECONDS = 0.5
PROBE_TIMEOUT_SECONDS = 2.0
# PostgreSQL's SQLSTATEs for "no connection" (class 08) and a server going down or starting.
_AWAY_STATES = ("57P01", "57P02", "57P03")


def _away_state(exc: BaseException) -> bool:
    state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    return isinstance(state, str) and (state.startswith("08") or state in _AWAY_STATES)


def _raised_by_driver(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        module = str(tb.tb_frame.f_globals.get("__name__", ""))
        if module.startswith(("asyncpg", "sqlalchemy", "aiosqlite")):
            return True
        tb = tb.tb_next
    return False


def is_database_unavailable(exc: BaseException) -> bool:
    """True for errors that say the database could not be reached (refused, cut off, shutting
    down, starting up), not that a statement was wrong."""
    if isinstance(exc, DatabaseUnavailable):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        return any(cause is not None and _away_state(cause) for cause in (exc.orig, exc.__cause__))
    # Connecting fails with the driver's own error, before SQLAlchemy wraps anything. Only
    # errors raised inside the driver count: a Bot API call's network error is not an outage.
    away = isinstance(exc, (OSError, TimeoutError)) or _away_state(exc)
    return away and _raised_by_driver(exc)


# A database that answers but cannot take this write now: SQLite's lock held past its busy
# timeout, PostgreSQL's lock_not_available, serialization_failure and deadlock_detected.
_BUSY_MESSAGES = ("database is locked", "database table is locked")
_BUSY_STATES = ("55P03", "40001", "40P01")


def is_database_busy(exc: BaseException) -> bool:
    """True for errors that say "not now, try again" (a lock), not that the database is away
    or a statement wrong."""
    if not isinstance(exc, DBAPIError):
        return False
    for cause in (exc.orig, exc.__cause__):
        if cause is None:
            continue
        state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        if state in _BUSY_STATES or any(m in str(cause).lower() for m in _BUSY_MESSAGES):
            return True
    return False


def as_unavailable(exc: BaseException) -> BaseException:
    """The error to raise in place of `exc`: DatabaseUnavailable if the database was away."""
    if isinstance(exc, DatabaseUnavailable) or not is_database_unavailable(exc):
        return exc
    unavailable = DatabaseUnavailable(f"{type(exc).__name__}: {exc}"[:300])
    unavailable.__cause__ = exc
    return unavailable


class DatabaseGate:
    """Open while the database answers. `report_down()` closes it and probes until a
    `SELECT 1` succeeds; `wait_up()` returns once it is open again."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._up = asyncio.Event()
        self._up.set()
        self._probe: asyncio.Task[None] | None = None
        self._down_since = 0.0

    @property
    def up(self) -> bool:
        return self._up.is_set()

    def report_down(self, error: BaseException | None = None) -> None:
        if not self._up.is_set():
            return
        self._up.clear()
        self._down_since = time.monotonic()
        log.warning("database.unavailable", error=str(error) if error else None)
        self._probe = asyncio.create_task(self._wait_for_answer(), name="database-probe")

    async def wait_up(self) -> None:
        await self._up.wait()

    async def _wait_for_answer(self) -> None:
        # Polling a server that tells no one it is back: there is no event to wait for.
        while True:
            if await database_ok(self._engine, PROBE_TIMEOUT_SECONDS):
                break
            await asyncio.sleep(PROBE_INTERVAL_SECONDS)
        log.info("database.restored", down_seconds=round(time.monotonic() - self._down_since, 1))
        self._up.set()

    async def close(self) -> None:
        if self._probe is not None and not self._probe.done():
            self._probe.cancel()
            await asyncio.gather(self._probe, return_exceptions=True)

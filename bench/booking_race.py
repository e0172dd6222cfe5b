"""Many candidates tapping the same few free slots at once, through the real booking service.

The project: every attempt is `domain.bookings.booking.book_slot` in a Unit of Work of its own, all
started together (as the bot's picker handles simultaneous taps); the partial unique index
decides who gets each slot. Naive: the same attempts serialized behind one process-wide lock,
the way a bot without a database guard avoids the race (and which only works in one process).
Floor: the raw driver INSERTing the bookings into the same table, refused by the same index.
Every run is checked in the database: exactly one active booking per slot, none doubled."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import uuid4

import aiosqlite
import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bench.harness import Figure
from bench.system_rows import (
    BenchCity,
    add_bench_city,
    add_candidates,
    asyncpg_dsn,
    is_sqlite,
    telegram_ids,
)
from core.enums import ACTIVE_BOOKING_STATUSES
from core.result import Success
from domain.bookings.booking import Messaging, book_slot
from storage.models import Booking
from storage.uow import UnitOfWorkFactory

# Parts of the bench's Telegram id range (see bench.system_rows.telegram_ids).
_PROJECT, _NAIVE, _FLOOR = 1, 2, 3
# As many raw connections as the app's engine may open (pool 10 + overflow 10).
_RAW_CONNECTIONS = 20


@dataclass(frozen=True)
class RaceRun:
    ms: float
    succeeded: int  # attempts that returned a booking
    bookings: int  # active bookings on the slots, counted in the database afterwards
    doubled: int  # slots holding more than one active booking

    def correct(self, slots: int) -> bool:
        return self.succeeded == slots and self.bookings == slots and self.doubled == 0


@dataclass(frozen=True)
class Race:
    """One round's players: which candidate taps which slot."""

    candidate_ids: list[int]
    slot_ids: list[int]

    def pairs(self) -> list[tuple[int, int]]:
        slots = self.slot_ids
        return [(c, slots[i % len(slots)]) for i, c in enumerate(self.candidate_ids)]


async def _new_race(
    uows: UnitOfWorkFactory, city: BenchCity, part: int, round_: int, attempts: int, slots: int
) -> Race:
    slot_ids = await city.open_slots(uows, slots)
    ids = telegram_ids(part, attempts, offset=round_ * attempts)
    return Race(await add_candidates(uows, ids, city_id=city.id), slot_ids)


async def _active_per_slot(uows: UnitOfWorkFactory, slot_ids: Sequence[int]) -> list[int]:
    stmt = (
        select(func.count())
        .select_from(Booking)
        .where(Booking.slot_id.in_(slot_ids), Booking.status.in_(ACTIVE_BOOKING_STATUSES))
        .group_by(Booking.slot_id)
    )
    async with uows() as uow:
        return [int(n) for n in (await uow.session.scalars(stmt)).all()]


async def _checked(uows: UnitOfWorkFactory, race: Race, ms: float, succeeded: int) -> RaceRun:
    per_slot = await _active_per_slot(uows, race.slot_ids)
    return RaceRun(ms, succeeded, sum(per_slot), sum(1 for n in per_slot if n > 1))


async def _through_the_service(
    uows: UnitOfWorkFactory, m: Messaging, race: Race, lock: asyncio.Lock | None
) -> RaceRun:
    guard: contextlib.AbstractAsyncContextManager[object] = lock or contextlib.nullcontext()

    async def attempt(candidate_id: int, slot_id: int) -> bool:
        async with guard, uows() as uow:
            result = await book_slot(uow, m, candidate_id=candidate_id, slot_id=slot_id)
        return isinstance(result, Success)

    started = time.perf_counter()
    results = await asyncio.gather(*(attempt(c, s) for c, s in race.pairs()))
    ms = (time.perf_counter() - started) * 1000
    return await _checked(uows, race, ms, sum(results))


_INSERT = (
    "INSERT INTO bookings (slot_id, candidate_id, purpose, status, created_at, updated_at, "
    "calendar_uid) "
)
_SQLITE_INSERT = _INSERT + "VALUES (?, ?, 'interview', 'pending', ?, ?, ?)"
_POSTGRES_INSERT = _INSERT + "VALUES ($1, $2, 'interview', 'pending', now(), now(), $3)"


def _calendar_uid() -> str:
    """Each booking's calendar event (the application gives each a new one the same way)."""
    return f"{uuid4()}@recruiting-bot"


async def _raw_sqlite(database_url: str, pairs: list[tuple[int, int]]) -> tuple[float, int]:
    """One connection, one autocommitted INSERT per attempt: SQLite admits one writer at a
    time, so more connections would only queue on its lock."""
    path = make_url(database_url).database or ""
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    async with aiosqlite.connect(path, isolation_level=None) as db:
        for pragma in ("busy_timeout=10000", "foreign_keys=ON", "synchronous=NORMAL"):
            await db.execute(f"PRAGMA {pragma}")
        started = time.perf_counter()
        inserted = 0
        for candidate_id, slot_id in pairs:
            try:
                await db.execute(_SQLITE_INSERT, (slot_id, candidate_id, now, now, _calendar_uid()))
                inserted += 1
            except sqlite3.IntegrityError:
                pass
        return (time.perf_counter() - started) * 1000, inserted


async def _raw_postgres(database_url: str, pairs: list[tuple[int, int]]) -> tuple[float, int]:
    """All attempts at once over a pool as large as the app's, each INSERT its own transaction."""
    pool = await asyncpg.create_pool(
        asyncpg_dsn(database_url), min_size=_RAW_CONNECTIONS, max_size=_RAW_CONNECTIONS
    )
    try:

        async def insert(candidate_id: int, slot_id: int) -> bool:
            try:
                await pool.execute(_POSTGRES_INSERT, slot_id, candidate_id, _calendar_uid())
            except asyncpg.UniqueViolationError:
                return False
            return True

        started = time.perf_counter()
        results = await asyncio.gather(*(insert(c, s) for c, s in pairs))
        return (time.perf_counter() - started) * 1000, sum(results)
    finally:
        await pool.close()


async def _through_the_driver(uows: UnitOfWorkFactory, database_url: str, race: Race) -> RaceRun:
    raw = _raw_sqlite if is_sqlite(database_url) else _raw_postgres
    ms, inserted = await raw(database_url, race.pairs())
    return await _checked(uows, race, ms, inserted)


async def _fill_the_pool(uows: UnitOfWorkFactory, connections: int = _RAW_CONNECTIONS) -> None:
    """Open the engine's connections before timing, as the raw pool opens its own."""

    async def touch() -> None:
        async with uows() as uow:
            await uow.session.execute(text("SELECT 1"))
            await asyncio.sleep(0.01)

    await asyncio.gather(*(touch() for _ in range(connections)))


async def booking_race_figure(
    uows: UnitOfWorkFactory,
    messaging: Messaging,
    *,
    backend: str,
    database_url: str,
    size: int,
    attempts: int = 200,
    slots: int = 10,
    rounds: int = 3,
) -> Figure:
    """`attempts` candidates (each tapping once) on `slots` free slots; the median of `rounds`
    runs, each on fresh slots and candidates of the bench's own city."""
    city = await add_bench_city(uows, "race")
    await _fill_the_pool(uows)
    project: list[RaceRun] = []
    floor: list[RaceRun] = []
    for round_ in range(rounds):
        race = await _new_race(uows, city, _PROJECT, round_, attempts, slots)
        project.append(await _through_the_service(uows, messaging, race, None))
        race = await _new_race(uows, city, _FLOOR, round_, attempts, slots)
        floor.append(await _through_the_driver(uows, database_url, race))
    race = await _new_race(uows, city, _NAIVE, 0, attempts, slots)
    naive = await _through_the_service(uows, messaging, race, asyncio.Lock())
    runs = [*project, naive, *floor]
    correct = all(run.correct(slots) for run in runs)
    last = project[-1]
    return Figure(
        operation=f"{attempts} concurrent attempts to book {slots} slots",
        backend=backend,
        project=statistics.median(r.ms for r in project),
        unit="ms",
        naive=naive.ms,
        floor=statistics.median(r.ms for r in floor),
        size=size,
        target=f"exactly {slots} succeed, no slot double-booked",
        met=correct,
        note=(
            f"book_slot in its own Unit of Work per attempt, all {attempts} at once "
            f"(median of {rounds} rounds); checked in the database: {last.succeeded} succeeded, "
            f"{last.bookings} active bookings, {last.doubled} slots doubled"
            f"{'' if correct else ' — SOME ROUND WAS WRONG, see extra'}. "
            "Naive: the same attempts serialized behind one process-wide lock. "
            "Floor: the raw driver's INSERTs refused by the same partial unique index "
            + (
                "(one connection: SQLite has one writer)."
                if is_sqlite(database_url)
                else f"({_RAW_CONNECTIONS} connections, as many as the app's pool)."
            )
        ),
        extra={
            "attempts": attempts,
            "slots": slots,
            "rounds": rounds,
            "project_runs": [r.__dict__ for r in project],
            "naive_run": naive.__dict__,
            "floor_runs": [r.__dict__ for r in floor],
            "succeeded": last.succeeded,
            "bookings": last.bookings,
            "double_booked_slots": max(r.doubled for r in runs),
            "all_rounds_correct": correct,
        },
    )

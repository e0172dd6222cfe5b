"""The rows the system benchmarks add to a filled database, and their removal afterwards.

Everything added here is recognisable: candidates get Telegram ids in `BENCH_TELEGRAM_IDS`
(above 2**52, which no Telegram user id reaches), cities and recruiters a name starting with
`BENCH_PREFIX`. `remove_bench_rows` deletes exactly those (bookings, answers, history and
queued messages go with them by cascade), so the dataset is left as it was found."""

from __future__ import annotations

import itertools
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

import asyncpg  # type: ignore[import-untyped]
import structlog
from redis import asyncio as aioredis
from sqlalchemy import delete, select, text
from sqlalchemy.engine import make_url

from core.enums import CandidateStatus
from core.logging import configure_logging
from core.settings import LogFormat, Settings, load_settings
from runtime.container import build_cache
from storage.engine import create_engine, create_session_factory
from storage.models import AdminUser, AuditLogEntry, Candidate, City, Recruiter, Slot
from storage.uow import UnitOfWork, UnitOfWorkFactory, uow_factory

BENCH_TELEGRAM_IDS = range(2**52, 2**52 + 100_000_000)
BENCH_PREFIX = "bench-system"
_tags = ("candidates", "cities", "recruiters", "slots", "bookings")


def app_settings(database_url: str, redis_url: str | None, **overrides: object) -> Settings:
    """The settings `python main.py run` would read, in sandbox mode (no token)."""
    return load_settings(
        database_url=database_url,
        redis_url=redis_url or "",
        bot_token="",
        admin_host="127.0.0.1",
        admin_port=0,
        **overrides,
    )


def telegram_ids(part: int, count: int, offset: int = 0) -> range:
    """`count` ids of the bench range for one part of a run (0..99), from `offset` within it."""
    per_part = len(BENCH_TELEGRAM_IDS) // 100
    start = BENCH_TELEGRAM_IDS.start + part * per_part + offset
    return range(start, start + count)


@dataclass
class BenchCity:
    """A city of the bench's own with one recruiter, where slots are opened on demand."""

    id: int
    name: str
    recruiter_id: int
    _slot_times: itertools.count[int] = field(default_factory=itertools.count)

    async def open_slots(self, uows: UnitOfWorkFactory, count: int) -> list[int]:
        """Free interview slots two days ahead and later: inside the default booking window."""
        base = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=2)
        async with uows() as uow:
            slots = [
                uow.slots.add(
                    Slot(
                        recruiter_id=self.recruiter_id,
                        city_id=self.id,
                        starts_at=base + timedelta(minutes=30 * next(self._slot_times)),
                    )
                )
                for _ in range(count)
            ]
            await uow.session.flush()
            ids = [slot.id for slot in slots]
            await uow.commit()
        return ids


async def add_bench_city(uows: UnitOfWorkFactory, label: str) -> BenchCity:
    name = f"{BENCH_PREFIX} {label} {uuid.uuid4().hex[:6]}"
    async with uows() as uow:
        city = uow.cities.add(City(name=name, timezone="Europe/Moscow"))
        recruiter = uow.recruiters.add(
            Recruiter(name=f"{BENCH_PREFIX} recruiter", timezone="Europe/Moscow", cities=[city])
        )
        await uow.session.flush()
        result = BenchCity(city.id, name, recruiter.id)
        await uow.commit()
    return result


async def add_candidates(
    uows: UnitOfWorkFactory,
    ids: range,
    *,
    city_id: int | None = None,
    status: CandidateStatus = CandidateStatus.SCREENING_PASSED,
) -> list[int]:
    """Candidates with the given Telegram ids, in one insert; their database ids in that order."""
    now = datetime.now(UTC)
    rows = [
        {
            "telegram_id": telegram_id,
            "full_name": f"Bench Candidate {telegram_id}",
            "locale": "en",
            "city_id": city_id,
            "status": status,
            "created_at": now,
            "updated_at": now,
        }
        for telegram_id in ids
    ]
    async with uows() as uow:
        await uow.candidates.insert_many(rows)
        stmt = select(Candidate.telegram_id, Candidate.id).where(
            Candidate.telegram_id.between(ids.start, ids.stop - 1)
        )
        by_telegram_id = {t: i for t, i in (await uow.session.execute(stmt)).all()}
        await uow.commit()
    return [by_telegram_id[t] for t in ids]


async def remove_bench_rows(uows: UnitOfWorkFactory) -> None:
    """Delete every row the system benchmarks add; harmless when there are none."""
    async with uows() as uow:
        await _delete_bench_rows(uow)
        await uow.commit()


# notifications.candidate_id has no index of its own, so ON DELETE CASCADE would scan the whole
# outbox once per deleted candidate (minutes at 100,000 candidates); the deletion borrows one.
_LENT_INDEX = "bench_system_notifications_candidate"


async def _delete_bench_rows(uow: UnitOfWork) -> None:
    ids = BENCH_TELEGRAM_IDS
    execute = uow.session.execute
    await execute(text(f"CREATE INDEX IF NOT EXISTS {_LENT_INDEX} ON notifications (candidate_id)"))
    await execute(delete(Candidate).where(Candidate.telegram_id.between(ids.start, ids.stop - 1)))
    await execute(text(f"DROP INDEX IF EXISTS {_LENT_INDEX}"))
    await execute(delete(City).where(City.name.startswith(BENCH_PREFIX)))
    await execute(delete(Recruiter).where(Recruiter.name.startswith(BENCH_PREFIX)))
    accounts = select(AdminUser.id).where(AdminUser.login.startswith(BENCH_PREFIX))
    await execute(delete(AuditLogEntry).where(AuditLogEntry.admin_user_id.in_(accounts)))
    await execute(delete(AdminUser).where(AdminUser.login.startswith(BENCH_PREFIX)))
    uow.mark_written(*_tags)


async def count_candidates(uows: UnitOfWorkFactory, ids: range = BENCH_TELEGRAM_IDS) -> int:
    """Candidates whose Telegram id is in `ids` (by default: every one the bench added)."""
    async with uows() as uow:
        return await uow.candidates.count(Candidate.telegram_id.between(ids.start, ids.stop - 1))


def is_sqlite(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "sqlite"


def asyncpg_dsn(database_url: str) -> str:
    """The SQLAlchemy URL as a plain PostgreSQL DSN for asyncpg."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


@asynccontextmanager
async def scratch_database(database_url: str, label: str) -> AsyncIterator[str]:
    """An empty database next to `database_url` (a temporary SQLite file, or a new database on
    the same PostgreSQL server), dropped afterwards."""
    if is_sqlite(database_url):
        with TemporaryDirectory(prefix=f"{BENCH_PREFIX}-") as tmp:
            yield f"sqlite+aiosqlite:///{Path(tmp) / f'{label}.db'}"
        return
    name = f"bench_system_{label}_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@asynccontextmanager
async def bench_storage(settings: Settings) -> AsyncIterator[UnitOfWorkFactory]:
    """Units of work on the app's database and cache, for set-up and clean-up outside an app."""
    engine = create_engine(settings.database_url)
    cache = build_cache(settings)
    try:
        yield uow_factory(create_session_factory(engine), cache)
    finally:
        await cache.backend.close()
        await engine.dispose()


# One line per update (aiogram) and per queued BEGIN on SQLite (slow queries): measured without
# them, as they would flood the bench's output; the work that leads to them still runs.
QUIETED_LOGGERS = ("aiogram.event", "storage.slow_queries")


@contextmanager
def quiet_logs() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in QUIETED_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class EventCount(logging.Handler):
    """Counts the app's log events of one name (e.g. "cache.redis_unavailable") while attached."""

    def __init__(self, event: str) -> None:
        super().__init__(logging.DEBUG)
        self.event = event
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if self.event in record.getMessage():
            self.count += 1


@contextmanager
def counting(logger: str, event: str) -> Iterator[EventCount]:
    """Needs the app's logging set-up (structlog through the standard library)."""
    handler = EventCount(event)
    logging.getLogger(logger).addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger(logger).removeHandler(handler)


def ensure_app_logging() -> None:
    """The app's logging at WARNING, unless the caller set logging up already: without it
    structlog would print every line (DEBUG included) and the counts above see nothing."""
    if not structlog.is_configured():
        configure_logging("WARNING", LogFormat.CONSOLE)


async def forget_sandbox_update_claims(redis_url: str | None, bot_id: int) -> int:
    """The duplicate filter keeps each update id a day in Redis: the thousands the bench fed
    are dropped, so they neither linger in a shared Redis nor meet an id a later run (of the
    bench or of the app in sandbox mode) numbers the same way."""
    if not redis_url:
        return 0
    client = aioredis.Redis.from_url(redis_url)
    try:
        keys = [key async for key in client.scan_iter(match=f"*update:{bot_id}:*", count=1000)]
        for start in range(0, len(keys), 1000):
            await client.delete(*keys[start : start + 1000])
        return len(keys)
    finally:
        await client.aclose()

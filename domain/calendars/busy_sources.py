"""A recruiter's own calendar as a source of busy times: its secret iCalendar URL given or taken
away, read on a schedule (conditionally, keeping the last good copy when a read fails), and the
one rule "a slot overlapping a busy time is not offered nor booked" (`busy_slot_ids`,
`drop_busy`, `slot_is_busy`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar
from urllib.parse import urlsplit

import structlog

from core.clock import Clock
from core.errors import InvalidField, NotFound, SlotUnavailable
from core.result import Failure, Result, Success
from domain.calendars.busy import CalendarUnreadable, busy_intervals, overlaps
from domain.messaging.texts import Catalog
from storage.models import BusyCalendar
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = structlog.get_logger(__name__)

MAX_URL_LENGTH = 2000
# Busy times are read from a day back (an event that began yesterday may still run) to this far
# past the booking horizon, so a longer horizon set later is covered until the next read.
PAST_MARGIN = timedelta(days=1)
AHEAD_MARGIN = timedelta(days=60)


class SlotBusyInCalendar(SlotUnavailable):
    """The recruiter's own calendar has something else at that time."""

    message_key = "error.slot_busy_in_calendar"


class _Timed(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def recruiter_id(self) -> int: ...
    @property
    def starts_at(self) -> datetime: ...
    @property
    def duration_minutes(self) -> int: ...


S = TypeVar("S", bound=_Timed)


# --- the rule -------------------------------------------------------------------------------


async def busy_slot_ids(uow: UnitOfWork, slots: Sequence[_Timed]) -> set[int]:
    """The ids of the slots that overlap a busy time of their recruiter (one query for all)."""
    if not slots:
        return set()
    start = min(s.starts_at for s in slots)
    end = max(s.starts_at + timedelta(minutes=s.duration_minutes) for s in slots)
    busy = await uow.busy_times.busy_between(sorted({s.recruiter_id for s in slots}), start, end)
    return {
        s.id
        for s in slots
        if s.recruiter_id in busy
        and overlaps(s.starts_at, s.duration_minutes, busy[s.recruiter_id])
    }


async def drop_busy(uow: UnitOfWork, slots: Sequence[S]) -> list[S]:
    """The slots that do not overlap a busy time of their recruiter: what may be offered."""
    busy = await busy_slot_ids(uow, slots)
    return [s for s in slots if s.id not in busy]


async def slot_is_busy(uow: UnitOfWork, slot: _Timed) -> bool:
    return bool(await busy_slot_ids(uow, [slot]))


# --- the source -----------------------------------------------------------------------------


URL_FIELD = "busy_calendar_url"


def url_problem(raw: str) -> str | None:
    """The catalog key saying why this calendar address cannot be read, if it cannot."""
    url = raw.strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    if len(url) > MAX_URL_LENGTH:
        return "busy.url_too_long"
    if any(ch <= " " or ch == "\x7f" for ch in url):  # spaces, NUL, control characters
        return "busy.url_not_http"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # a malformed host or port
        return "busy.url_not_http"
    if parts.scheme.lower() not in ("http", "https") or not host:
        return "busy.url_not_http"
    return None


def normalised_url(raw: str) -> str | None:
    """The calendar address to store (webcal:// read as https://), or None for an empty one.
    Call `url_problem` first."""
    url = raw.strip()
    if not url:
        return None
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    return url


async def set_busy_calendar(
    uow: UnitOfWork,
    catalog: Catalog,
    locale: str,
    recruiter_id: int,
    raw_url: str,
    *,
    actor: str,
) -> Result[str | None, InvalidField | NotFound]:
    """Give the recruiter's calendar address (read at the next round), or take it away with
    its busy times (an empty address). Commits."""
    problem = url_problem(raw_url) if raw_url.strip() else None
    if problem is not None:
        return Failure(InvalidField(URL_FIELD, catalog.text(problem, locale, limit=MAX_URL_LENGTH)))
    url = normalised_url(raw_url)
    if await uow.recruiters.get_dto(recruiter_id) is None:
        return Failure(NotFound(f"recruiter {recruiter_id}"))
    await uow.busy_times.set_source(recruiter_id, url)
    uow.audit.record(
        actor=actor,
        action="busy_calendar_set" if url else "busy_calendar_cleared",
        entity="recruiter",
        entity_id=recruiter_id,
        details={"host": urlsplit(url).hostname} if url else {},
    )
    await uow.commit()
    return Success(url)


@dataclass(frozen=True)
class BusyCalendarStatus:
    url: str  # masked: only the host is shown, the secret path is not
    fetched_at: datetime | None
    checked_at: datetime | None
    error: str | None  # said plainly, from the catalog
    error_at: datetime | None
    busy_ahead: int


def masked(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}/…"


def error_text(catalog: Catalog, locale: str, error: str) -> str:
    """A stored error code ("timeout|10", "http|404", "too_large|2097152", "unreadable",
    "network|...") said plainly."""
    kind, _, value = error.partition("|")
    key = f"busy.error.{kind}"
    said = catalog.text(key, locale, value=value)
    return error if said == key else said


async def busy_calendar_status(
    uow: UnitOfWork, catalog: Catalog, locale: str, recruiter_id: int, now: datetime
) -> BusyCalendarStatus | None:
    source = await uow.busy_times.source_of(recruiter_id)
    if source is None:
        return None
    return BusyCalendarStatus(
        url=masked(source.url),
        fetched_at=source.fetched_at,
        checked_at=source.checked_at,
        error=error_text(catalog, locale, source.error) if source.error else None,
        error_at=source.error_at,
        busy_ahead=await uow.busy_times.count_ending_after(recruiter_id, now),
    )


# --- reading the calendars ------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    """What a fetch of a calendar address brought: a status and body, or an error code."""

    status: int = 0
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None  # "timeout|10", "too_large|2097152", "network|..." (no answer)


Fetch = Callable[[str, str | None, str | None], Awaitable[Fetched]]


@dataclass(frozen=True)
class _Due:
    recruiter_id: int
    url: str
    etag: str | None
    last_modified: str | None


async def refresh_one(
    uows: UnitOfWorkFactory, fetch: Fetch, clock: Clock, due: _Due, horizon: timedelta
) -> str:
    """Read one calendar (outside any transaction) and record what came, in its own
    transaction: a new copy, "unchanged", or an error that keeps the last good copy."""
    fetched = await fetch(due.url, due.etag, due.last_modified)
    async with uows() as uow:
        source = await uow.busy_times.source_of(due.recruiter_id)
        if source is None or source.url != due.url:  # changed or cleared meanwhile
            return "skipped"
        now = clock.now()
        outcome = await _record(uow, source, fetched, now, horizon, due.recruiter_id)
        await uow.commit()
    log.info("busy_calendar.read", recruiter_id=due.recruiter_id, outcome=outcome)
    return outcome


async def _record(
    uow: UnitOfWork,
    source: BusyCalendar,
    fetched: Fetched,
    now: datetime,
    horizon: timedelta,
    recruiter_id: int,
) -> str:
    if fetched.error is not None:
        await uow.busy_times.record_error(source, now, fetched.error)
        return "error"
    if fetched.status == 304:
        await uow.busy_times.record_unchanged(source, now)
        return "unchanged"
    if fetched.status != 200:
        await uow.busy_times.record_error(source, now, f"http|{fetched.status}")
        return "error"
    recruiter = await uow.recruiters.get_dto(recruiter_id)
    zone = recruiter.timezone if recruiter is not None else "UTC"
    try:
        intervals = busy_intervals(
            fetched.body, now - PAST_MARGIN, now + horizon + AHEAD_MARGIN, zone
        )
    except CalendarUnreadable:
        await uow.busy_times.record_error(source, now, "unreadable")
        return "error"
    await uow.busy_times.record_copy(
        source, now, intervals, etag=fetched.etag, last_modified=fetched.last_modified
    )
    return "copied"


async def refresh_due(
    uows: UnitOfWorkFactory,
    fetch: Fetch,
    clock: Clock,
    *,
    every: timedelta,
    horizon: timedelta,
    concurrency: int = 4,
) -> dict[str, int]:
    """Read every calendar not tried in the last `every` (a new address at once), a few at a
    time; each in its own transaction, so one failing or slow calendar holds up no other
    longer than its fetch's own time limit. Returns how many ended each way."""
    async with uows() as uow:
        due = [
            _Due(s.recruiter_id, s.url, s.etag, s.last_modified)
            for s in await uow.busy_times.due(clock.now() - every)
        ]
    gate = asyncio.Semaphore(max(concurrency, 1))
    counts: dict[str, int] = {}

    async def one(item: _Due) -> None:
        async with gate:
            try:
                outcome = await refresh_one(uows, fetch, clock, item, horizon)
            except Exception:
                log.exception("busy_calendar.failed", recruiter_id=item.recruiter_id)
                outcome = "failed"
        counts[outcome] = counts.get(outcome, 0) + 1

    await asyncio.gather(*(one(item) for item in due))
    return counts

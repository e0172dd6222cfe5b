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
from domain.calendars.busy import (
    CalendarTooComplex,
    CalendarUnreadable,
    Interval,
    TooManyBusyTimes,
    busy_intervals,
    overlaps,
)
from domain.messaging.texts import Catalog
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
# Reads a calendar file's busy intervals in [start, end) for a time zone: `busy_intervals`'s
# arguments and errors, and `CalendarTooComplex` when it took too long. The scheduler gives one
# that runs in a separate process with a time limit; `expand_here` runs in this one (tests).
Expand = Callable[[bytes, datetime, datetime, str], Awaitable[list[Interval]]]

# A calendar that answers "not modified" is still read whole once this long after the last
# whole read, so recurring events are expanded over a window that moves with the days.
FULL_READ_EVERY = timedelta(days=1)


async def expand_here(content: bytes, start: datetime, end: datetime, zone: str) -> list[Interval]:
    """`Expand` in this process, with no time limit: for tests and tools, not the server."""
    return busy_intervals(content, start, end, zone)


@dataclass(frozen=True)
class _Due:
    recruiter_id: int
    url: str
    etag: str | None
    last_modified: str | None
    read_at: datetime | None = None
    zone: str = "UTC"


async def refresh_one(
    uows: UnitOfWorkFactory,
    fetch: Fetch,
    clock: Clock,
    due: _Due,
    horizon: timedelta,
    expand: Expand = expand_here,
) -> str:
    """Read one calendar and work out its busy times (outside any transaction), then record
    what came in a short transaction of its own: a new copy, "unchanged", or an error that keeps
    the last good copy. Nothing is recorded if the address changed meanwhile ("skipped")."""
    whole = due.read_at is None or clock.now() - due.read_at >= FULL_READ_EVERY
    if whole:  # no validators: the server sends the calendar, expanded afresh below
        fetched = await fetch(due.url, None, None)
    else:
        fetched = await fetch(due.url, due.etag, due.last_modified)
    now = clock.now()
    copy: list[Interval] | None = None
    error = fetched.error
    if error is None and fetched.status == 200:
        try:
            copy = await expand(
                fetched.body, now - PAST_MARGIN, now + horizon + AHEAD_MARGIN, due.zone
            )
        except CalendarUnreadable:
            error = "unreadable"
        except CalendarTooComplex as too_long:
            error = f"too_complex|{too_long.seconds:g}"
        except TooManyBusyTimes as too_many:
            error = f"too_many|{too_many.limit}"
        except Exception:  # the worker failed otherwise (died, could not start): said plainly
            log.exception("busy_calendar.expand_failed", recruiter_id=due.recruiter_id)
            error = "unreadable"
    elif error is None and fetched.status == 304 and whole:
        error = "http|304"  # "not modified" asked nothing: the window would never move
    elif error is None and fetched.status != 304:
        error = f"http|{fetched.status}"
    now = clock.now()
    async with uows() as uow:
        times = uow.busy_times
        if error is not None:
            done = await times.record_error(due.recruiter_id, due.url, now, error)
            outcome = "error"
        elif copy is None:
            done = await times.record_unchanged(due.recruiter_id, due.url, now)
            outcome = "unchanged"
        else:
            done = await times.record_copy(
                due.recruiter_id,
                due.url,
                now,
                copy,
                etag=fetched.etag,
                last_modified=fetched.last_modified,
            )
            outcome = "copied"
        if not done:  # the address changed or was taken away meanwhile: not this one's result
            return "skipped"
        await uow.commit()
    log.info("busy_calendar.read", recruiter_id=due.recruiter_id, outcome=outcome)
    return outcome


async def _claim(uows: UnitOfWorkFactory, clock: Clock, item: _Due, every: timedelta) -> bool:
    """Whether this round got the calendar to read (another instance may have it)."""
    now = clock.now()
    async with uows() as uow:
        claimed = await uow.busy_times.claim(item.recruiter_id, item.url, now - every, now)
        await uow.commit()
    return claimed


async def refresh_due(
    uows: UnitOfWorkFactory,
    fetch: Fetch,
    clock: Clock,
    *,
    every: timedelta,
    horizon: timedelta,
    concurrency: int = 4,
    expand: Expand = expand_here,
) -> dict[str, int]:
    """Read every active recruiter's calendar not tried in the last `every` (a new address at
    once), a few at a time; each claimed first (so instances sharing the database read it once)
    and recorded in its own transaction, so one failing or slow calendar holds up no other
    longer than its own time limits. Returns how many ended each way."""
    async with uows() as uow:
        due = [
            _Due(s.recruiter_id, s.url, s.etag, s.last_modified, s.read_at, zone)
            for s, zone in await uow.busy_times.due(clock.now() - every)
        ]
    gate = asyncio.Semaphore(max(concurrency, 1))
    counts: dict[str, int] = {}

    async def one(item: _Due) -> None:
        async with gate:
            try:
                if not await _claim(uows, clock, item, every):
                    return  # read by another round
                outcome = await refresh_one(uows, fetch, clock, item, horizon, expand)
            except Exception:
                log.exception("busy_calendar.failed", recruiter_id=item.recruiter_id)
                outcome = "failed"
        counts[outcome] = counts.get(outcome, 0) + 1

    await asyncio.gather(*(one(item) for item in due))
    return counts

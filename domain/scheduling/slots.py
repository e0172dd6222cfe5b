"""Slots as the panel and the API manage them: add one, plan and add a weekly series, delete a
free one, and a recruiter's slots with their bookings. Every change goes to the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import CursorResult, and_, delete, exists, select
from sqlalchemy.exc import IntegrityError

from core.enums import ACTIVE_BOOKING_STATUSES, BookingStatus, SlotPurpose
from core.errors import AppError, Conflict, InvalidField, NotFound
from core.result import Failure, Result, Success
from domain.messaging.dates import local
from domain.scheduling.series import SeriesSpec, create_slots, plan
from storage.dto import CityDTO, RecruiterDTO
from storage.models import Booking, Candidate, City, Slot
from storage.uow import UnitOfWork

MIN_DURATION_MINUTES = 10
MAX_DURATION_MINUTES = 240

_ACTIVE_BOOKING = and_(Booking.slot_id == Slot.id, Booking.status.in_(ACTIVE_BOOKING_STATUSES))


class Editor(Protocol):
    """Who makes a change (the panel's and the API's Scope both are one, and so is a recruiter
    in the chat)."""

    @property
    def actor(self) -> str: ...

    @property
    def user_id(self) -> int | None: ...


@dataclass(frozen=True)
class ChatRecruiter:
    """A recruiter managing their own slots from the chat: audited as `recruiter:<id>`."""

    recruiter_id: int

    @property
    def actor(self) -> str:
        return f"recruiter:{self.recruiter_id}"

    @property
    def user_id(self) -> int | None:
        return None


@dataclass(frozen=True)
class SlotRow:
    """A slot with its city and, when it is held, the active booking and the candidate."""

    slot: Slot
    city_name: str
    timezone: str
    booking_id: int | None
    booking_status: BookingStatus | None
    candidate_name: str | None

    @property
    def booked(self) -> bool:
        return self.booking_id is not None

    @property
    def local_start(self) -> datetime:
        return local(self.slot.starts_at, self.timezone)

    @property
    def local_end(self) -> datetime:
        return local(self.slot.ends_at, self.timezone)


@dataclass(frozen=True)
class NewSeries:
    """A series of slots to plan or add: whose, where, when, and what each slot is."""

    recruiter_id: int
    city_id: int
    spec: SeriesSpec
    duration_minutes: int = 30
    purpose: SlotPurpose = SlotPurpose.INTERVIEW


@dataclass(frozen=True)
class SeriesPlan:
    starts: list[datetime]  # UTC, the ones that would be created
    skipped: int  # planned times the recruiter already has a slot at
    timezone: str  # the city's, to show the times in


def _audit(uow: UnitOfWork, editor: Editor, action: str, entity_id: object, **details: Any) -> None:
    uow.audit.record(
        actor=editor.actor,
        admin_user_id=editor.user_id,
        action=action,
        entity="slot",
        entity_id=entity_id,
        details=details,
    )


async def _served_city(
    uow: UnitOfWork, recruiter_id: int, city_id: int
) -> City | InvalidField | NotFound:
    """The city, when the recruiter exists and works there."""
    recruiter = await uow.recruiters.get_with_cities(recruiter_id)
    if recruiter is None:
        return NotFound(f"recruiter {recruiter_id}")
    for city in recruiter.cities:
        if city.id == city_id:
            return city
    if await uow.cities.get(city_id) is None:
        return InvalidField("city_id", "there is no such city")
    return InvalidField("city_id", "the recruiter does not work in this city")


async def _busy(
    uow: UnitOfWork, recruiter_id: int, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The recruiter's slots that overlap [start, end), as (start, end) pairs."""
    stmt = select(Slot.starts_at, Slot.duration_minutes).where(
        Slot.recruiter_id == recruiter_id,
        Slot.starts_at > start - timedelta(minutes=MAX_DURATION_MINUTES),
        Slot.starts_at < end,
    )
    pairs = [(s, s + timedelta(minutes=d)) for s, d in (await uow.session.execute(stmt)).all()]
    return [(s, e) for s, e in pairs if e > start]


def _overlaps(start: datetime, minutes: int, busy: Sequence[tuple[datetime, datetime]]) -> bool:
    end = start + timedelta(minutes=minutes)
    return any(s < end and start < e for s, e in busy)


async def create_slot(
    uow: UnitOfWork,
    *,
    recruiter_id: int,
    city_id: int,
    starts_at: datetime,
    duration_minutes: int = 30,
    purpose: SlotPurpose = SlotPurpose.INTERVIEW,
    now: datetime,
    editor: Editor,
) -> Result[Slot, InvalidField | NotFound]:
    """One slot, if the recruiter works in the city, it is in the future and does not overlap
    another of theirs. Commits."""
    city = await _served_city(uow, recruiter_id, city_id)
    if not isinstance(city, City):
        return Failure(city)
    if starts_at <= now:
        return Failure(InvalidField("starts_at", "must be in the future"))
    taken = InvalidField("starts_at", "the recruiter already has a slot at this time")
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    if await _busy(uow, recruiter_id, starts_at, ends_at):
        return Failure(taken)
    slot = uow.slots.add(
        Slot(
            recruiter_id=recruiter_id,
            city_id=city_id,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            purpose=purpose,
            capacity=1,
        )
    )
    try:
        await uow.session.flush()
    except IntegrityError:  # the same start, added a moment ago by someone else
        await uow.rollback()
        return Failure(taken)
    _audit(
        uow,
        editor,
        "create",
        slot.id,
        recruiter_id=recruiter_id,
        city_id=city_id,
        starts_at=starts_at.isoformat(),
        duration_minutes=duration_minutes,
        purpose=purpose.value,
    )
    await uow.commit()
    return Success(slot)


async def plan_series(
    uow: UnitOfWork, series: NewSeries, *, now: datetime
) -> Result[SeriesPlan, InvalidField | NotFound]:
    """The series' UTC start times, without the past ones and those that would overlap a slot
    the recruiter has already. Writes nothing: a preview."""
    city = await _served_city(uow, series.recruiter_id, series.city_id)
    if not isinstance(city, City):
        return Failure(city)
    starts = plan(series.spec, city.timezone, now, series.duration_minutes)
    if not starts:
        return Success(SeriesPlan([], 0, city.timezone))
    minutes = series.duration_minutes
    busy = await _busy(uow, series.recruiter_id, starts[0], starts[-1] + timedelta(minutes=minutes))
    fresh = [s for s in starts if not _overlaps(s, minutes, busy)]
    return Success(SeriesPlan(fresh, len(starts) - len(fresh), city.timezone))


async def create_series(
    uow: UnitOfWork, series: NewSeries, *, now: datetime, editor: Editor
) -> Result[int, InvalidField | NotFound]:
    """Insert what `plan_series` shows, in one statement; the number created. Commits."""
    planned = await plan_series(uow, series, now=now)
    if isinstance(planned, Failure):
        return planned
    starts = planned.value.starts
    if not starts:
        return Success(0)
    _audit(
        uow,
        editor,
        "create_series",
        None,
        recruiter_id=series.recruiter_id,
        city_id=series.city_id,
        count=len(starts),
        first=starts[0].isoformat(),
        last=starts[-1].isoformat(),
        duration_minutes=series.duration_minutes,
        purpose=series.purpose.value,
    )
    created = await create_slots(
        uow,
        series.recruiter_id,
        series.city_id,
        starts,
        duration_minutes=series.duration_minutes,
        purpose=series.purpose,
    )
    return Success(created)


async def _holder(uow: UnitOfWork, slot_id: int) -> Conflict | None:
    """Why a slot cannot go: who holds it, if anyone does."""
    stmt = (
        select(Booking.status, Candidate.full_name)
        .join(Candidate, Candidate.id == Booking.candidate_id)
        .where(Booking.slot_id == slot_id, Booking.status.in_(ACTIVE_BOOKING_STATUSES))
    )
    row = (await uow.session.execute(stmt)).first()
    if row is None:
        return None
    status, name = row
    return Conflict(
        f"This slot is booked by {name or 'a candidate'} ({status.value}): "
        "cancel or move the booking first."
    )


async def delete_slot(
    uow: UnitOfWork, slot_id: int, *, now: datetime, editor: Editor
) -> Result[Slot, NotFound | Conflict]:
    """Delete a coming slot nobody holds. A held one is refused: its booking is cancelled or
    moved first, so the candidate hears of it. A past one is history and stays. Commits."""
    slot = await uow.slots.get(slot_id)
    if slot is None:
        return Failure(NotFound(f"slot {slot_id}"))
    if slot.starts_at <= now:
        return Failure(Conflict("This slot has begun already; it stays as history."))
    holder = await _holder(uow, slot_id)
    if holder is not None:
        return Failure(holder)
    # Only while still free: a booking made a moment ago keeps its slot.
    gone = delete(Slot).where(Slot.id == slot_id, ~exists().where(_ACTIVE_BOOKING))
    result = cast(CursorResult[Any], await uow.session.execute(gone))
    if result.rowcount == 0:
        await uow.rollback()
        return Failure(await _holder(uow, slot_id) or NotFound(f"slot {slot_id}"))
    uow.mark_written("slots")
    _audit(
        uow,
        editor,
        "delete",
        slot_id,
        recruiter_id=slot.recruiter_id,
        city_id=slot.city_id,
        starts_at=slot.starts_at.isoformat(),
        purpose=slot.purpose.value,
    )
    await uow.commit()
    return Success(slot)


def _recruiter_between(recruiter_id: int, start: datetime, end: datetime) -> list[Any]:
    return [Slot.recruiter_id == recruiter_id, Slot.starts_at >= start, Slot.starts_at < end]


async def recruiter_slots(
    uow: UnitOfWork,
    recruiter_id: int,
    start: datetime,
    end: datetime,
    *,
    limit: int = 500,
    offset: int = 0,
) -> list[SlotRow]:
    """A recruiter's slots starting in [start, end), each with its city and active booking and
    the candidate's name, in one query."""
    stmt = (
        select(Slot, City.name, City.timezone, Booking.id, Booking.status, Candidate.full_name)
        .join(City, City.id == Slot.city_id)
        .outerjoin(Booking, _ACTIVE_BOOKING)
        .outerjoin(Candidate, Candidate.id == Booking.candidate_id)
        .where(*_recruiter_between(recruiter_id, start, end))
        .order_by(Slot.starts_at, Slot.id)
        .limit(limit)
        .offset(offset)
    )
    return [SlotRow(*row) for row in (await uow.session.execute(stmt)).all()]


async def count_recruiter_slots(
    uow: UnitOfWork, recruiter_id: int, start: datetime, end: datetime
) -> int:
    return await uow.slots.count(*_recruiter_between(recruiter_id, start, end))


class NotYourSlot(AppError):
    message_key = "recruiter.not_yours"


class SlotHeld(AppError):
    """Booked (or begun) a moment ago: deleting it would take the time from its candidate."""

    message_key = "recruiter.slot_booked"


async def cities_served(uow: UnitOfWork, recruiter: RecruiterDTO) -> list[CityDTO]:
    """The active cities the recruiter works in."""
    cities = [await uow.cities.get_dto(city_id) for city_id in recruiter.city_ids]
    return [c for c in cities if c is not None and c.active]


async def served_city(uow: UnitOfWork, recruiter: RecruiterDTO, city_id: int) -> CityDTO | None:
    """The city, when the recruiter works there."""
    city = await uow.cities.get_dto(city_id)
    return city if city is not None and city.id in recruiter.city_ids else None


async def coming_slots(
    uow: UnitOfWork, recruiter_id: int, now: datetime, days: int = 14
) -> list[tuple[Slot, int | None, str | None, str]]:
    """The recruiter's slots of the coming days: (slot, active booking id, candidate, zone)."""
    return await uow.slots.of_recruiter_between(recruiter_id, now, now + timedelta(days=days))


async def refuse_deletion(
    uow: UnitOfWork, recruiter_id: int, slot_id: int
) -> NotYourSlot | SlotHeld | None:
    """Why the recruiter may not delete this slot from the chat, if they may not."""
    slot = await uow.slots.get(slot_id)
    if slot is None or slot.recruiter_id != recruiter_id:
        return NotYourSlot(f"slot {slot_id}")
    if not await uow.slots.is_free(slot.id):
        return SlotHeld(f"slot {slot_id}")
    return None

"""Slots as the recruiter's chat, the panel and the API manage them: add one, plan and add a
weekly series, delete a free one, and a recruiter's slots with their bookings. One rule for all:
no slot in the past, none beyond the booking horizon (no candidate could book it), none
overlapping another of the recruiter's slots in any city. Every change goes to the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from core.enums import BookingStatus, SlotPurpose
from core.errors import AppError, Conflict, InvalidField, NotFound
from core.periods import Period, overlaps_any, period
from core.result import Failure, Result, Success
from domain.messaging.dates import local
from domain.pipeline.cities import city_name
from domain.scheduling.capacity import capacity_refusal
from domain.scheduling.picker import BookingRules
from domain.scheduling.series import SeriesSpec, create_slots, plan
from storage.dto import CityDTO, RecruiterDTO
from storage.models import City, Slot
from storage.repositories.slots import SlotLine
from storage.uow import UnitOfWork

MIN_DURATION_MINUTES = 10
MAX_DURATION_MINUTES = 240
_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)


class SlotInPast(InvalidField):
    message_key = "recruiter.slot_in_past"

    def __init__(self) -> None:
        super().__init__("starts_at", "reason.slot.in_past")


class SlotBeyondHorizon(InvalidField):
    """Further ahead than candidates may book: nobody could take it."""

    message_key = "recruiter.slot_beyond_horizon"

    def __init__(self, horizon: timedelta) -> None:
        super().__init__("starts_at", "reason.slot.beyond_horizon", days=horizon.days)


class SlotOverlaps(InvalidField):
    message_key = "recruiter.slot_exists"

    def __init__(self) -> None:
        super().__init__("starts_at", "reason.slot.overlaps")


SlotRefusal = SlotInPast | SlotBeyondHorizon | SlotOverlaps


def refusal(
    start: datetime,
    minutes: int,
    *,
    now: datetime,
    rules: BookingRules,
    busy: Iterable[Period],
) -> SlotRefusal | None:
    """Why a slot may not be added, or None: the one rule every path applies to one slot and
    to each slot of a series (`busy`: the times the recruiter's other slots take up)."""
    if start <= now:
        return SlotInPast()
    if start > rules.window(now)[1]:
        return SlotBeyondHorizon(rules.horizon)
    if overlaps_any(period(start, minutes), busy):
        return SlotOverlaps()
    return None


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
    """A slot with its city, the seats taken and, when a one-seat slot is held, the active
    booking and the candidate (a slot of more seats lists its attendees: `attendees`)."""

    slot: SlotLine  # the slot's own columns
    city_name: str
    timezone: str
    booking_id: int | None
    booking_status: BookingStatus | None
    candidate_name: str | None
    seats_taken: int = 0

    @property
    def booked(self) -> bool:
        return self.seats_taken > 0

    @property
    def group(self) -> bool:
        """An event of several seats (an intro day, an open house, a group interview)."""
        return self.slot.capacity > 1

    @property
    def seats_left(self) -> int:
        return max(self.slot.capacity - self.seats_taken, 0)

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
    capacity: int = 1  # seats in each slot


@dataclass(frozen=True)
class SeriesPlan:
    starts: list[datetime]  # UTC, the ones that would be created
    skipped: int  # planned times that would overlap a slot the recruiter already has
    timezone: str  # the city's, to show the times in
    beyond_horizon: int = 0  # planned times further ahead than candidates may book, skipped
    past: int = 0  # times of the series that have passed, not planned
    crowded: int = 0  # times overlapping the series' own earlier one (a step shorter than a slot)


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
        return InvalidField("city_id", "reason.slot.no_such_city")
    return InvalidField("city_id", "reason.slot.not_recruiters_city")


async def _busy(uow: UnitOfWork, recruiter_id: int, start: datetime, end: datetime) -> list[Period]:
    """The times the recruiter's slots in any city take up, of those reaching into [start, end)."""
    return await uow.slots.periods_near(
        recruiter_id, start, end, longest_minutes=MAX_DURATION_MINUTES
    )


async def create_slot(
    uow: UnitOfWork,
    *,
    recruiter_id: int,
    city_id: int,
    starts_at: datetime,
    duration_minutes: int = 30,
    purpose: SlotPurpose = SlotPurpose.INTERVIEW,
    capacity: int = 1,
    now: datetime,
    rules: BookingRules,
    editor: Editor,
) -> Result[Slot, InvalidField | NotFound]:
    """One slot seating `capacity`, if the recruiter works in the city and `refusal` finds
    nothing against it. Commits."""
    wrong_capacity = capacity_refusal(capacity)
    if wrong_capacity is not None:
        return Failure(wrong_capacity)
    city = await _served_city(uow, recruiter_id, city_id)
    if not isinstance(city, City):
        return Failure(city)
    # Decided one at a time per recruiter (a row lock on PostgreSQL; SQLite has one writer).
    await uow.recruiters.get_for_booking(recruiter_id)
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    busy = await _busy(uow, recruiter_id, starts_at, ends_at)
    refused = refusal(starts_at, duration_minutes, now=now, rules=rules, busy=busy)
    if refused is not None:
        return Failure(refused)
    slot = Slot(
        recruiter_id=recruiter_id,
        city_id=city_id,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        purpose=purpose,
        capacity=capacity,
    )
    if not await uow.slots.add_unless_taken(slot):  # the same start, added a moment ago
        return Failure(SlotOverlaps())
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
        capacity=capacity,
    )
    await uow.commit()
    return Success(slot)


async def plan_series(
    uow: UnitOfWork, series: NewSeries, *, now: datetime, rules: BookingRules
) -> Result[SeriesPlan, InvalidField | NotFound]:
    """The series' UTC start times that `refusal` lets through, each checked as one slot would
    be (against the recruiter's slots and the series' own earlier times); the others are
    counted by reason. Past times are not planned (counted only when nothing is, to say why).
    Writes nothing: a preview."""
    wrong_capacity = capacity_refusal(series.capacity)
    if wrong_capacity is not None:
        return Failure(wrong_capacity)
    city = await _served_city(uow, series.recruiter_id, series.city_id)
    if not isinstance(city, City):
        return Failure(city)
    minutes = series.duration_minutes
    planned = plan(series.spec, city.timezone, now, minutes)
    if not planned:
        past = len(plan(series.spec, city.timezone, _LONG_AGO, minutes))
        return Success(SeriesPlan([], 0, city.timezone, past=past))
    last_end = planned[-1] + timedelta(minutes=minutes)
    busy = await _busy(uow, series.recruiter_id, planned[0], last_end)
    fresh: list[datetime] = []
    overlapping = beyond = crowded = 0
    for start in planned:
        refused = refusal(start, minutes, now=now, rules=rules, busy=busy)
        # Times come in order and last alike: of the series' own, only the last kept can reach.
        own = [period(fresh[-1], minutes)] if fresh else []
        if isinstance(refused, SlotBeyondHorizon):
            beyond += 1
        elif refused is not None:  # the recruiter has a slot then already
            overlapping += 1
        elif overlaps_any(period(start, minutes), own):  # only the series' own earlier time
            crowded += 1
        else:
            fresh.append(start)
    return Success(SeriesPlan(fresh, overlapping, city.timezone, beyond, crowded=crowded))


async def create_series(
    uow: UnitOfWork, series: NewSeries, *, now: datetime, rules: BookingRules, editor: Editor
) -> Result[int, InvalidField | NotFound]:
    """Insert what `plan_series` shows, in one statement; the number created. Commits."""
    await uow.recruiters.get_for_booking(series.recruiter_id)  # one change at a time, as above
    planned = await plan_series(uow, series, now=now, rules=rules)
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
        capacity=series.capacity,
    )
    created = await create_slots(
        uow,
        series.recruiter_id,
        series.city_id,
        starts,
        duration_minutes=series.duration_minutes,
        purpose=series.purpose,
        capacity=series.capacity,
    )
    return Success(created)


async def _holder(uow: UnitOfWork, slot_id: int) -> Conflict | None:
    """Why a slot cannot go: who holds it, if anyone does."""
    taken = await uow.slots.seats_taken(slot_id)
    if taken > 1:
        return Conflict("reason.slot.seats_booked", taken=taken)
    held = await uow.slots.holder(slot_id)
    if held is None:
        return None
    status, name = held
    return Conflict(
        "reason.slot.booked_by",
        name=name or "reason.slot.a_candidate",
        status=f"booking_state.{status.value}",
    )


async def delete_slot(
    uow: UnitOfWork, slot_id: int, *, now: datetime, editor: Editor
) -> Result[Slot, NotFound | Conflict]:
    """Delete a coming slot nobody holds. A held one (any seat) is refused: its bookings are
    cancelled or moved first, so the candidates hear of it. A past one is history and stays.
    Commits."""
    slot = await uow.slots.get(slot_id)
    if slot is None:
        return Failure(NotFound(f"slot {slot_id}"))
    if slot.starts_at <= now:
        return Failure(Conflict("reason.slot.begun"))
    holder = await _holder(uow, slot_id)
    if holder is not None:
        return Failure(holder)
    if not await uow.slots.delete_if_free(slot_id):  # booked (or gone) a moment ago
        await uow.rollback()
        return Failure(await _holder(uow, slot_id) or NotFound(f"slot {slot_id}"))
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


async def recruiter_slots(
    uow: UnitOfWork,
    recruiter_id: int,
    start: datetime,
    end: datetime,
    *,
    limit: int = 500,
    offset: int = 0,
    locale: str | None = None,
) -> list[SlotRow]:
    """A recruiter's slots starting in [start, end), each with its city (named in `locale`,
    else by its main name) and active booking and the candidate's name, in one query."""
    rows = [
        SlotRow(*row)
        for row in await uow.slots.with_bookings(
            recruiter_id, start, end, limit=limit, offset=offset
        )
    ]
    if locale is None:
        return rows
    names: dict[int, str] = {}
    for city_id in {r.slot.city_id for r in rows}:
        city = await uow.cities.get_dto(city_id)  # cached: no query per message
        if city is not None:
            names[city_id] = city_name(city, locale)
    return [replace(r, city_name=names.get(r.slot.city_id, r.city_name)) for r in rows]


async def recruiter_slot_page(
    uow: UnitOfWork, recruiter_id: int, start: datetime, end: datetime, *, limit: int, offset: int
) -> tuple[list[SlotRow], int]:
    """A page of `recruiter_slots` (cities by their main names) and how many slots start in
    [start, end) in all, in one query."""
    page, total = await uow.slots.page_of_recruiter(
        recruiter_id, start, end, limit=limit, offset=offset
    )
    return [SlotRow(*row) for row in page], total


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


async def coming_slot(
    uow: UnitOfWork, recruiter_id: int, slot_id: int, locale: str | None = None
) -> SlotRow | None:
    """One of the recruiter's slots with its city (named in `locale`) and booking, or None
    (gone, or not theirs)."""
    slot = await uow.slots.get(slot_id)
    if slot is None or slot.recruiter_id != recruiter_id:
        return None
    rows = await recruiter_slots(
        uow, recruiter_id, slot.starts_at, slot.starts_at + timedelta(microseconds=1), locale=locale
    )
    return next((r for r in rows if r.slot.id == slot_id), None)


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


async def visible_slot(uow: UnitOfWork, slot_id: int, own_recruiter: int | None) -> Slot | None:
    """A slot, if the account sees it: an admin (`own_recruiter` None) every one, a recruiter's
    account only its own recruiter's; None for one it does not see, as for one that is gone."""
    slot = await uow.slots.get(slot_id)
    if slot is None or (own_recruiter is not None and slot.recruiter_id != own_recruiter):
        return None
    return slot

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

from sqlalchemy import CursorResult, Select, and_, bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from core.enums import ACTIVE_BOOKING_STATUSES, BookingStatus, CandidateStatus, SlotPurpose
from core.periods import Period, period
from storage.dialect import ignoring_conflicts
from storage.dto import SlotDTO, SlotWithPeopleDTO
from storage.models import Booking, Candidate, City, Recruiter, Slot, Vacancy
from storage.repositories.base import Repository
from storage.seats import HAS_ACTIVE_BOOKING, HAS_FREE_SEAT, SEATS_TAKEN, seats_taken_of

_ACTIVE_BOOKING = and_(Booking.slot_id == Slot.id, Booking.status.in_(ACTIVE_BOOKING_STATUSES))


class SlotLine(NamedTuple):
    """A slot's own columns, read as a plain row (no ORM object) for lists that only show it."""

    id: int
    recruiter_id: int
    city_id: int
    starts_at: datetime
    duration_minutes: int
    purpose: SlotPurpose
    withdrawn: bool
    capacity: int

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


_SLOT_LINE = (
    Slot.id,
    Slot.recruiter_id,
    Slot.city_id,
    Slot.starts_at,
    Slot.duration_minutes,
    Slot.purpose,
    Slot.withdrawn,
    Slot.capacity,
)
_LINE_WIDTH = len(_SLOT_LINE)

# A slot of a recruiter's with its city, the seats active bookings hold and, for a one-seat slot
# that is held, the booking and candidate: (slot, city name, city zone, booking id, booking
# status, candidate name, seats taken). A slot of more seats lists its attendees on its own.
SlotWithBookingRow = tuple[SlotLine, str, str, int | None, BookingStatus | None, str | None, int]


# A held one-seat slot's candidate: (id, status, phone, username, vacancy titles by language).
PersonColumns = tuple[
    int | None, CandidateStatus | None, str | None, str | None, dict[str, str] | None
]


def _with_bookings(recruiter_id: int, start: datetime, end: datetime) -> Select[*tuple[Any, ...]]:
    """A recruiter's slots starting in [start, end) with `SlotWithBookingRow`'s columns."""
    return (
        select(
            *_SLOT_LINE,
            City.name,
            City.timezone,
            Booking.id,
            Booking.status,
            Candidate.full_name,
            SEATS_TAKEN,
        )
        .join(City, City.id == Slot.city_id)
        .outerjoin(Booking, and_(_ACTIVE_BOOKING, Slot.capacity == 1))
        .outerjoin(Candidate, Candidate.id == Booking.candidate_id)
        .where(*_of_recruiter_between(recruiter_id, start, end))
        .order_by(Slot.starts_at, Slot.id)
    )


def _of_recruiter_between(recruiter_id: int, start: datetime, end: datetime) -> list[Any]:
    return [Slot.recruiter_id == recruiter_id, Slot.starts_at >= start, Slot.starts_at < end]


# SlotWithPeopleDTO's fields, by name.
_SLOT_WITH_PEOPLE = (
    Slot.id,
    Slot.recruiter_id,
    Slot.city_id,
    Slot.starts_at,
    Slot.duration_minutes,
    Slot.purpose,
    Recruiter.name.label("recruiter_name"),
    Recruiter.timezone.label("recruiter_timezone"),
    City.name.label("city_name"),
    City.timezone.label("city_timezone"),
)


# A page of a recruiter's slots with their bookings and the count of them all, built once (the
# API's slot list runs it on every call) of Core columns: plain rows, no ORM row loading.
_slot, _city, _booking, _candidate = (
    Slot.__table__.c,
    City.__table__.c,
    Booking.__table__.c,
    Candidate.__table__.c,
)
_PAGE_OF_RECRUITER = (
    select(
        _slot.id,
        _slot.recruiter_id,
        _slot.city_id,
        _slot.starts_at,
        _slot.duration_minutes,
        _slot.purpose,
        _slot.withdrawn,
        _slot.capacity,
        _city.name,
        _city.timezone,
        _booking.id,
        _booking.status,
        _candidate.full_name,
        seats_taken_of(_slot.id),
        func.count().over(),
    )
    .join(City.__table__, _city.id == _slot.city_id)
    .outerjoin(
        Booking.__table__,
        and_(
            _booking.slot_id == _slot.id,
            _booking.status.in_(ACTIVE_BOOKING_STATUSES),
            _slot.capacity == 1,
        ),
    )
    .outerjoin(Candidate.__table__, _candidate.id == _booking.candidate_id)
    .where(
        _slot.recruiter_id == bindparam("recruiter_id"),
        _slot.starts_at >= bindparam("start"),
        _slot.starts_at < bindparam("end"),
    )
    .order_by(_slot.starts_at, _slot.id)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)


class SlotRepository(Repository[Slot]):
    model = Slot
    cache_tag = "slots"

    async def list_free(
        self,
        city_id: int,
        purpose: SlotPurpose,
        starts_from: datetime,
        starts_until: datetime,
        recruiter_id: int | None = None,
        limit: int = 200,
    ) -> list[SlotDTO]:
        """Slots with a seat left starting from `starts_from` until `starts_until`, both
        included, each with how many seats are left."""
        stmt = (
            select(Slot, SEATS_TAKEN)
            .join(Recruiter, Recruiter.id == Slot.recruiter_id)
            .where(
                Slot.city_id == city_id,
                Slot.purpose == purpose,
                Slot.starts_at >= starts_from,
                Slot.starts_at <= starts_until,
                Recruiter.active.is_(True),
                Slot.withdrawn.is_(False),
                HAS_FREE_SEAT,
            )
            .order_by(Slot.starts_at, Slot.id)
            .limit(limit)
        )
        if recruiter_id is not None:
            stmt = stmt.where(Slot.recruiter_id == recruiter_id)
        rows = (await self.session.execute(stmt)).all()
        return [
            SlotDTO.model_validate(slot).model_copy(update={"seats_left": slot.capacity - taken})
            for slot, taken in rows
        ]

    async def list_with_people(
        self, *, city_id: int | None = None, limit: int = 100, offset: int = 0
    ) -> list[SlotWithPeopleDTO]:
        """Slots with their recruiter and city in one query (no N+1), read as plain rows
        straight into DTOs: building ORM objects for a list only shown costs more than the
        query itself."""
        stmt = (
            select(*_SLOT_WITH_PEOPLE)
            .join(Recruiter, Recruiter.id == Slot.recruiter_id)
            .join(City, City.id == Slot.city_id)
            .order_by(Slot.starts_at, Slot.id)
            .limit(limit)
            .offset(offset)
        )
        if city_id is not None:
            stmt = stmt.where(Slot.city_id == city_id)
        rows = (await self.session.execute(stmt)).mappings()
        return [SlotWithPeopleDTO.model_validate(row) for row in rows]

    async def is_free(self, slot_id: int) -> bool:
        """Whether no active booking holds a seat of the slot."""
        stmt = select(Slot.id).where(Slot.id == slot_id, ~HAS_ACTIVE_BOOKING)
        return (await self.session.scalar(stmt)) is not None

    async def seats_taken(self, slot_id: int) -> int:
        """How many seats of the slot active bookings hold."""
        return int(await self.session.scalar(select(seats_taken_of(slot_id))) or 0)

    async def renumber_seats(self, slot_id: int, capacity: int) -> int:
        """Give the active bookings holding a seat above `capacity` the free seats below it (the
        caller made sure there are enough); how many moved."""
        held = (
            await self.session.execute(
                select(Booking.id, Booking.seat)
                .where(Booking.slot_id == slot_id, Booking.status.in_(ACTIVE_BOOKING_STATUSES))
                .order_by(Booking.seat)
            )
        ).all()
        taken = {seat for _id, seat in held}
        free = iter(seat for seat in range(1, capacity + 1) if seat not in taken)
        moved = 0
        for booking_id, seat in held:
            if seat > capacity:
                await self.session.execute(
                    update(Booking)
                    .where(Booking.id == booking_id)
                    .values(seat=next(free))
                    .execution_options(synchronize_session=False)
                )
                moved += 1
        if moved:
            self._uow.mark_written("bookings")
        return moved

    async def get_city(self, slot: Slot) -> City:
        city = await self.session.get(City, slot.city_id)
        assert city is not None  # the foreign key guarantees it
        return city

    async def periods_near(
        self, recruiter_id: int, start: datetime, end: datetime, *, longest_minutes: int
    ) -> list[Period]:
        """The times the recruiter's slots (in any city, withdrawn ones too) take up, of those
        that may reach into [start, end) (slots last at most `longest_minutes`)."""
        stmt = select(Slot.starts_at, Slot.duration_minutes).where(
            Slot.recruiter_id == recruiter_id,
            Slot.starts_at > start - timedelta(minutes=longest_minutes),
            Slot.starts_at < end,
        )
        return [period(s, m) for s, m in (await self.session.execute(stmt)).all()]

    async def add_unless_taken(self, slot: Slot) -> bool:
        """Insert a slot; False when the recruiter got a slot at that very start meanwhile (the
        unique index). A savepoint keeps the unit of work usable."""
        try:
            async with self._uow.savepoint():
                self.session.add(slot)
                await self.session.flush()
        except IntegrityError:
            return False
        return True

    async def add_series(
        self,
        recruiter_id: int,
        city_id: int,
        starts: Sequence[datetime],
        *,
        duration_minutes: int,
        purpose: SlotPurpose,
        capacity: int = 1,
    ) -> int:
        """Insert the slots in one statement, skipping starts the recruiter already has; how
        many were new."""
        if not starts:
            return 0
        now = self._uow.clock.now()
        rows = [
            {
                "recruiter_id": recruiter_id,
                "city_id": city_id,
                "starts_at": s,
                "duration_minutes": duration_minutes,
                "purpose": purpose,
                "capacity": capacity,
                "created_at": now,
            }
            for s in starts
        ]
        before = await self._starts_between(recruiter_id, min(starts), max(starts))
        stmt = ignoring_conflicts(self.session, Slot, conflict_on=["recruiter_id", "starts_at"])
        await self.session.execute(stmt, rows)  # what was new is counted above, not from rowcount
        self._uow.mark_written(self.cache_tag)
        return len(set(starts) - before)

    async def _starts_between(
        self, recruiter_id: int, first: datetime, last: datetime
    ) -> set[datetime]:
        stmt = select(Slot.starts_at).where(
            Slot.recruiter_id == recruiter_id, Slot.starts_at >= first, Slot.starts_at <= last
        )
        return set((await self.session.scalars(stmt)).all())

    async def holder(self, slot_id: int) -> tuple[BookingStatus, str | None] | None:
        """The active booking's status and its candidate's name, when the slot is held."""
        stmt = (
            select(Booking.status, Candidate.full_name)
            .join(Candidate, Candidate.id == Booking.candidate_id)
            .where(Booking.slot_id == slot_id, Booking.status.in_(ACTIVE_BOOKING_STATUSES))
        )
        row = (await self.session.execute(stmt)).first()
        return None if row is None else (row[0], row[1])

    async def delete_if_free(self, slot_id: int) -> bool:
        """Delete the slot only while nobody holds it (one conditional statement): a booking
        made a moment ago keeps its slot."""
        gone = delete(Slot).where(Slot.id == slot_id, ~HAS_ACTIVE_BOOKING)
        result = cast(CursorResult[Any], await self.session.execute(gone))
        if result.rowcount == 0:
            return False
        self._uow.mark_written(self.cache_tag)
        return True

    async def with_bookings(
        self,
        recruiter_id: int,
        start: datetime,
        end: datetime,
        *,
        limit: int = 500,
        offset: int = 0,
    ) -> list[SlotWithBookingRow]:
        """A recruiter's slots starting in [start, end), each with its city, the seats taken and,
        for a one-seat slot, its active booking and the candidate's name, in one query of plain
        columns: an ORM object per slot would cost more than the query."""
        stmt = _with_bookings(recruiter_id, start, end).limit(limit).offset(offset)
        rows = (await self.session.execute(stmt)).all()
        return [(SlotLine._make(row[:_LINE_WIDTH]), *row[_LINE_WIDTH:]) for row in rows]

    async def with_candidates(
        self, recruiter_id: int, start: datetime, end: datetime, *, limit: int = 500
    ) -> list[tuple[SlotWithBookingRow, PersonColumns]]:
        """`with_bookings` and, for a held one-seat slot, its candidate's id, status, phone,
        username and vacancy titles, in the same one query (the week grid's and day's cards)."""
        person = (
            Candidate.id,
            Candidate.status,
            Candidate.phone,
            Candidate.username,
            Vacancy.title,
        )
        stmt = (
            _with_bookings(recruiter_id, start, end)
            .add_columns(*person)
            .outerjoin(Vacancy, Vacancy.id == Candidate.vacancy_id)
            .limit(limit)
        )
        rows = (await self.session.execute(stmt)).all()
        width = _LINE_WIDTH + 6
        return [
            (
                (SlotLine._make(row[:_LINE_WIDTH]), *row[_LINE_WIDTH:width]),
                tuple(row[width:]),
            )
            for row in rows
        ]

    async def page_of_recruiter(
        self, recruiter_id: int, start: datetime, end: datetime, *, limit: int, offset: int
    ) -> tuple[list[SlotWithBookingRow], int]:
        """`with_bookings`'s page and how many slots start in [start, end) in all, in one
        query (the count rides along as a window over the same rows: a booking is joined only
        to a one-seat slot, so one row per slot); a page past the end counts on its own."""
        rows = (
            await self.session.execute(
                _PAGE_OF_RECRUITER,
                {
                    "recruiter_id": recruiter_id,
                    "start": start,
                    "end": end,
                    "limit": limit,
                    "offset": offset,
                },
            )
        ).all()
        if not rows:
            total = await self.count_of_recruiter(recruiter_id, start, end) if offset else 0
            return [], total
        page: list[SlotWithBookingRow] = [
            (SlotLine._make(row[:_LINE_WIDTH]), *row[_LINE_WIDTH:-1]) for row in rows
        ]
        return page, int(rows[0][-1])

    async def count_of_recruiter(self, recruiter_id: int, start: datetime, end: datetime) -> int:
        return await self.count(*_of_recruiter_between(recruiter_id, start, end))

"""What a calendar feed shows, read in one query each: a recruiter's (or a city's) active
bookings and free slots starting in a window, as plain rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, select

from core.enums import ACTIVE_BOOKING_STATUSES, BookingStatus, SlotPurpose
from storage.models import Booking, Candidate, City, Recruiter, Slot
from storage.repositories.base import Repository
from storage.seats import HAS_FREE_SEAT, SEATS_TAKEN


class FeedBookingRow(NamedTuple):
    booking_id: int
    status: BookingStatus
    calendar_uid: str
    calendar_sequence: int
    replaces_booking_id: int | None  # a pending request to move that booking
    updated_at: datetime
    slot_id: int
    purpose: SlotPurpose
    starts_at: datetime
    duration_minutes: int
    city_id: int
    zone: str
    intro_day_address: str | None
    recruiter_id: int
    recruiter_name: str
    meeting_link: str | None
    candidate_name: str | None


class FeedSlotRow(NamedTuple):
    slot_id: int
    purpose: SlotPurpose
    starts_at: datetime
    duration_minutes: int
    created_at: datetime
    capacity: int
    seats_taken: int
    city_id: int
    zone: str
    intro_day_address: str | None
    recruiter_id: int
    recruiter_name: str
    meeting_link: str | None

    @property
    def id(self) -> int:  # read as a slot by the busy-time rule
        return self.slot_id


# Where a slot is and whose it is: the same columns, in the same order, in both rows.
_SLOT_PLACE = (
    Slot.city_id,
    City.timezone,
    City.intro_day_address,
    Recruiter.id,
    Recruiter.name,
    Recruiter.meeting_link,
)


def _in_window(
    stmt: Select[*tuple[Any, ...]],
    start: datetime,
    end: datetime,
    recruiter_id: int | None,
    city_id: int | None,
) -> Select[*tuple[Any, ...]]:
    """Slots starting in [start, end), of the recruiter's, of the city's or both, with their
    city and recruiter joined: what both reads share."""
    where: list[Any] = [Slot.starts_at >= start, Slot.starts_at < end]
    if recruiter_id is not None:
        where.append(Slot.recruiter_id == recruiter_id)
    if city_id is not None:
        where.append(Slot.city_id == city_id)
    return (
        stmt.join(City, City.id == Slot.city_id)
        .join(Recruiter, Recruiter.id == Slot.recruiter_id)
        .where(*where)
    )


class CalendarFeedRowRepository(Repository[Booking]):
    """Reads only."""

    model = Booking
    cache_tag = "bookings"

    async def bookings(
        self,
        start: datetime,
        end: datetime,
        *,
        recruiter_id: int | None = None,
        city_id: int | None = None,
    ) -> list[FeedBookingRow]:
        """Active bookings whose slot starts in [start, end) (of the recruiter's slots, of the
        city's, or both), by start."""
        booking = select(
            Booking.id,
            Booking.status,
            Booking.calendar_uid,
            Booking.calendar_sequence,
            Booking.replaces_booking_id,
            Booking.updated_at,
            Slot.id,
            Slot.purpose,
            Slot.starts_at,
            Slot.duration_minutes,
            *_SLOT_PLACE,
            Candidate.full_name,
        ).join(Slot, Slot.id == Booking.slot_id)
        stmt = (
            _in_window(booking, start, end, recruiter_id, city_id)
            .join(Candidate, Candidate.id == Booking.candidate_id)
            .where(Booking.status.in_(ACTIVE_BOOKING_STATUSES))
            .order_by(Slot.starts_at, Booking.id)
        )
        return [FeedBookingRow._make(row) for row in (await self.session.execute(stmt)).all()]

    async def free_slots(
        self,
        start: datetime,
        end: datetime,
        *,
        recruiter_id: int | None = None,
        city_id: int | None = None,
    ) -> list[FeedSlotRow]:
        """Slots of active recruiters with a seat left, not withdrawn, starting in [start, end),
        by start."""
        slot = select(
            Slot.id,
            Slot.purpose,
            Slot.starts_at,
            Slot.duration_minutes,
            Slot.created_at,
            Slot.capacity,
            SEATS_TAKEN,
            *_SLOT_PLACE,
        )
        stmt = (
            _in_window(slot, start, end, recruiter_id, city_id)
            .where(Recruiter.active.is_(True), Slot.withdrawn.is_(False), HAS_FREE_SEAT)
            .order_by(Slot.starts_at, Slot.id)
        )
        return [FeedSlotRow._make(row) for row in (await self.session.execute(stmt)).all()]

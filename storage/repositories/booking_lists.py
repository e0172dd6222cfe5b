"""Bookings as the panel and the API list them: filtered, paged, newest slot first, with the
candidate's, the recruiter's and the city's names joined in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from core.enums import BookingStatus, SlotPurpose
from storage.models import Booking, Candidate, City, Recruiter, Slot
from storage.repositories.base import Repository


@dataclass(frozen=True)
class BookingCriteria:
    """Which bookings: every field given must hold; None matches everything. `city_ids` and
    `own_recruiter_id` are who is looking (their cities, a recruiter's own slots), the others
    what they filter by. The slot's start is within [starts_from, starts_to)."""

    booking_id: int | None = None
    city_ids: frozenset[int] | None = None
    own_recruiter_id: int | None = None
    status: BookingStatus | None = None
    purpose: SlotPurpose | None = None
    recruiter_id: int | None = None
    city_id: int | None = None
    candidate_id: int | None = None
    starts_from: datetime | None = None
    starts_to: datetime | None = None


def _where(criteria: BookingCriteria) -> list[Any]:
    where: list[Any] = [] if criteria.booking_id is None else [Booking.id == criteria.booking_id]
    if criteria.city_ids is not None:
        where.append(Slot.city_id.in_(criteria.city_ids))
    if criteria.own_recruiter_id is not None:
        where.append(Slot.recruiter_id == criteria.own_recruiter_id)
    for column, value in (
        (Booking.status, criteria.status),
        (Booking.purpose, criteria.purpose),
        (Slot.recruiter_id, criteria.recruiter_id),
        (Slot.city_id, criteria.city_id),
        (Booking.candidate_id, criteria.candidate_id),
    ):
        if value is not None:
            where.append(column == value)
    if criteria.starts_from is not None:
        where.append(Slot.starts_at >= criteria.starts_from)
    if criteria.starts_to is not None:
        where.append(Slot.starts_at < criteria.starts_to)
    return where


class BookingListRepository(Repository[Booking]):
    """Reads only."""

    model = Booking
    cache_tag = "bookings"

    async def page(
        self, criteria: BookingCriteria, limit: int, offset: int
    ) -> list[dict[str, Any]]:
        """One page, newest slot first: each booking's own fields (id, status, purpose,
        created_at), its slot's (starts_at, duration_minutes) and candidate_id/_name,
        recruiter_id/_name, city_id/_name."""
        stmt = (
            select(
                Booking.id,
                Booking.status,
                Booking.purpose,
                Booking.created_at,
                Slot.starts_at,
                Slot.duration_minutes,
                Candidate.id.label("candidate_id"),
                Candidate.full_name.label("candidate_name"),
                Recruiter.id.label("recruiter_id"),
                Recruiter.name.label("recruiter_name"),
                City.id.label("city_id"),
                City.name.label("city_name"),
            )
            .select_from(Booking)
            .join(Slot, Slot.id == Booking.slot_id)
            .join(Candidate, Candidate.id == Booking.candidate_id)
            .join(Recruiter, Recruiter.id == Slot.recruiter_id)
            .join(City, City.id == Slot.city_id)
            .where(*_where(criteria))
            .order_by(Slot.starts_at.desc(), Booking.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [dict(row) for row in (await self.session.execute(stmt)).mappings().all()]

    async def count_matching(self, criteria: BookingCriteria) -> int:
        count = select(func.count()).select_from(Booking).join(Slot, Slot.id == Booking.slot_id)
        return int((await self.session.execute(count.where(*_where(criteria)))).scalar_one())

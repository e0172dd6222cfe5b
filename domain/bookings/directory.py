"""Bookings as the panel and the API list them: filtered, paged, with names joined in."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from core.enums import BookingStatus, SlotPurpose
from core.iso import Instant
from storage.models import Booking, Candidate, City, Recruiter, Slot
from storage.uow import UnitOfWork


class BookingFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: BookingStatus | None = None
    purpose: SlotPurpose | None = None
    recruiter_id: int | None = Field(None, ge=1, le=2**31 - 1)
    city_id: int | None = Field(None, ge=1, le=2**31 - 1)
    candidate_id: int | None = Field(None, ge=1, le=2**31 - 1)
    starts_from: Instant | None = None
    starts_to: Instant | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


def _where(
    flt: BookingFilter,
    city_ids: frozenset[int] | None,
    recruiter_id: int | None,
    booking_id: int | None,
) -> list[Any]:
    where: list[Any] = [] if booking_id is None else [Booking.id == booking_id]
    if city_ids is not None:
        where.append(Slot.city_id.in_(city_ids))
    if recruiter_id is not None:
        where.append(Slot.recruiter_id == recruiter_id)
    for column, value in (
        (Booking.status, flt.status),
        (Booking.purpose, flt.purpose),
        (Slot.recruiter_id, flt.recruiter_id),
        (Slot.city_id, flt.city_id),
        (Booking.candidate_id, flt.candidate_id),
    ):
        if value is not None:
            where.append(column == value)
    if flt.starts_from is not None:
        where.append(Slot.starts_at >= flt.starts_from)
    if flt.starts_to is not None:
        where.append(Slot.starts_at < flt.starts_to)
    return where


async def search_bookings(
    uow: UnitOfWork,
    flt: BookingFilter,
    city_ids: frozenset[int] | None = None,
    recruiter_id: int | None = None,
    booking_id: int | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """A page of bookings, newest slot first, and how many match. `recruiter_id` limits the
    list to one recruiter's slots (a recruiter account sees only its own)."""
    where = _where(flt, city_ids, recruiter_id, booking_id)
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
        .where(*where)
        .order_by(Slot.starts_at.desc(), Booking.id.desc())
        .limit(flt.limit)
        .offset(flt.offset)
    )
    rows = [dict(row) for row in (await uow.session.execute(stmt)).mappings().all()]
    count = select(func.count()).select_from(Booking).join(Slot, Slot.id == Booking.slot_id)
    total = int((await uow.session.execute(count.where(*where))).scalar_one())
    return rows, total

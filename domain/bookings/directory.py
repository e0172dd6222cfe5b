"""Bookings as the panel and the API list them: filtered, paged, with names joined in."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.enums import BookingStatus, SlotPurpose
from core.inputs import MAX_ID
from core.iso import Instant
from storage.repositories.booking_lists import BookingCriteria
from storage.uow import UnitOfWork


class BookingFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: BookingStatus | None = None
    purpose: SlotPurpose | None = None
    recruiter_id: int | None = Field(None, ge=1, le=MAX_ID)
    city_id: int | None = Field(None, ge=1, le=MAX_ID)
    candidate_id: int | None = Field(None, ge=1, le=MAX_ID)
    starts_from: Instant | None = None
    starts_to: Instant | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


async def search_bookings(
    uow: UnitOfWork,
    flt: BookingFilter,
    city_ids: frozenset[int] | None = None,
    recruiter_id: int | None = None,
    booking_id: int | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """A page of bookings, newest slot first, and how many match. `recruiter_id` limits the
    list to one recruiter's slots (a recruiter account sees only its own)."""
    criteria = BookingCriteria(
        booking_id=booking_id,
        city_ids=city_ids,
        own_recruiter_id=recruiter_id,
        status=flt.status,
        purpose=flt.purpose,
        recruiter_id=flt.recruiter_id,
        city_id=flt.city_id,
        candidate_id=flt.candidate_id,
        starts_from=flt.starts_from,
        starts_to=flt.starts_to,
    )
    rows = await uow.booking_lists.page(criteria, flt.limit, flt.offset)
    return rows, await uow.booking_lists.count_matching(criteria)

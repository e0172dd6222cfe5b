from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, select

from core.enums import ACTIVE_BOOKING_STATUSES, SlotPurpose
from storage.dto import SlotDTO, SlotWithPeopleDTO
from storage.models import Booking, Candidate, City, Recruiter, Slot
from storage.repositories.base import Repository

_HAS_ACTIVE_BOOKING = exists().where(
    and_(Booking.slot_id == Slot.id, Booking.status.in_(ACTIVE_BOOKING_STATUSES))
)


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
        """Free slots starting from `starts_from` until `starts_until`, both included."""
        stmt = (
            select(Slot)
            .join(Recruiter, Recruiter.id == Slot.recruiter_id)
            .where(
                Slot.city_id == city_id,
                Slot.purpose == purpose,
                Slot.starts_at >= starts_from,
                Slot.starts_at <= starts_until,
                Recruiter.active.is_(True),
                Slot.withdrawn.is_(False),
                ~_HAS_ACTIVE_BOOKING,
            )
            .order_by(Slot.starts_at, Slot.id)
            .limit(limit)
        )
        if recruiter_id is not None:
            stmt = stmt.where(Slot.recruiter_id == recruiter_id)
        return [SlotDTO.model_validate(s) for s in (await self.session.scalars(stmt)).all()]

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

    async def of_recruiter_between(
        self, recruiter_id: int, start: datetime, end: datetime
    ) -> list[tuple[Slot, int | None, str | None, str]]:
        """A recruiter's slots in a period: (slot, active booking id, candidate name, zone)."""
        stmt = (
            select(Slot, Booking.id, Candidate.full_name, City.timezone)
            .join(City, City.id == Slot.city_id)
            .outerjoin(
                Booking,
                and_(Booking.slot_id == Slot.id, Booking.status.in_(ACTIVE_BOOKING_STATUSES)),
            )
            .outerjoin(Candidate, Candidate.id == Booking.candidate_id)
            .where(Slot.recruiter_id == recruiter_id, Slot.starts_at >= start, Slot.starts_at < end)
            .order_by(Slot.starts_at)
        )
        return [(s, b, n, z) for s, b, n, z in (await self.session.execute(stmt)).all()]

    async def is_free(self, slot_id: int) -> bool:
        stmt = select(Slot.id).where(Slot.id == slot_id, ~_HAS_ACTIVE_BOOKING)
        return (await self.session.scalar(stmt)) is not None

    async def get_city(self, slot: Slot) -> City:
        city = await self.session.get(City, slot.city_id)
        assert city is not None  # the foreign key guarantees it
        return city

"""The pipeline board's reads: how many candidates each status holds, the newest few of each
with their city's name and zone, their next active booking and their unread messages. Four
statements for the whole board, whatever its size (no query per card)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from core.enums import ACTIVE_BOOKING_STATUSES, CandidateStatus, SlotPurpose
from storage.models import Booking, Candidate, City, CityName, InboundMessage, Slot
from storage.repositories.base import Repository
from storage.repositories.candidate_search import CandidateCriteria, matching_conditions


class BoardCard(NamedTuple):
    id: int
    telegram_id: int
    full_name: str | None
    username: str | None
    city_id: int | None
    city: str | None
    status: CandidateStatus
    source: str | None
    created_at: datetime
    vacancy_id: int | None


class NextBooking(NamedTuple):
    candidate_id: int
    starts_at: datetime
    timezone: str
    purpose: SlotPurpose


_c = Candidate.__table__.c


class PipelineBoardRepository(Repository[Candidate]):
    """Reads only."""

    model = Candidate
    cache_tag = "candidates"

    async def counts(self, criteria: CandidateCriteria) -> dict[CandidateStatus, int]:
        """How many match, per status."""
        stmt = (
            select(_c.status, func.count())
            .where(*matching_conditions(criteria))
            .group_by(_c.status)
        )
        return {CandidateStatus(s): int(n) for s, n in await self.session.execute(stmt)}

    async def newest(
        self, criteria: CandidateCriteria, per_status: int, locale: str | None = None
    ) -> list[BoardCard]:
        """The newest `per_status` matches of each status (a window function: one statement
        on SQLite and PostgreSQL), newest first within a status; each city by its name in
        `locale` where it has one, else its main name."""
        local_name = aliased(CityName)
        rank = (
            func.row_number()
            .over(partition_by=_c.status, order_by=(_c.created_at.desc(), _c.id.desc()))
            .label("rank")
        )
        ranked = (
            select(
                _c.id,
                _c.telegram_id,
                _c.full_name,
                _c.username,
                _c.city_id,
                func.coalesce(local_name.name, City.name).label("city"),
                _c.status,
                _c.source,
                _c.created_at,
                _c.vacancy_id,
                rank,
            )
            .select_from(Candidate.__table__)
            .outerjoin(City, City.id == _c.city_id)
            .outerjoin(
                local_name,
                (local_name.city_id == _c.city_id) & (local_name.locale == (locale or "")),
            )
            .where(*matching_conditions(criteria))
            .subquery()
        )
        stmt = (
            select(*[col for col in ranked.c if col.name != "rank"])
            .where(ranked.c.rank <= per_status)
            .order_by(ranked.c.status, ranked.c.rank)
        )
        return [BoardCard._make(row) for row in await self.session.execute(stmt)]

    async def next_bookings(
        self, candidate_ids: Collection[int], since: datetime
    ) -> dict[int, NextBooking]:
        """Each candidate's earliest active booking starting at or after `since`, with the
        zone of the slot's city."""
        if not candidate_ids:
            return {}
        stmt = (
            select(Booking.candidate_id, Slot.starts_at, City.timezone, Booking.purpose)
            .join(Slot, Slot.id == Booking.slot_id)
            .join(City, City.id == Slot.city_id)
            .where(
                Booking.candidate_id.in_(sorted(candidate_ids)),
                Booking.status.in_(ACTIVE_BOOKING_STATUSES),
                Slot.starts_at >= since,
            )
            .order_by(Slot.starts_at.desc())
        )
        # Latest first: the earliest of each candidate's is written last and kept.
        return {row[0]: NextBooking._make(row) for row in await self.session.execute(stmt)}

    async def unread(self, candidate_ids: Collection[int]) -> dict[int, int]:
        """Unread messages per candidate (only those with some)."""
        if not candidate_ids:
            return {}
        stmt = (
            select(InboundMessage.candidate_id, func.count(InboundMessage.id))
            .where(
                InboundMessage.candidate_id.in_(sorted(candidate_ids)),
                InboundMessage.read_at.is_(None),
            )
            .group_by(InboundMessage.candidate_id)
        )
        return {int(c): int(n) for c, n in await self.session.execute(stmt)}

"""The counts behind the panel's dashboard and metrics, each one query. Which figures to show and
how to read them is decided above (domain.reporting.dashboard); `city_ids` None means every city."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, NamedTuple, TypeVar

from pydantic import TypeAdapter
from sqlalchemy import Select, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import aliased

from core.enums import BookingStatus, CandidateStatus, NotificationStatus, SlotPurpose
from storage.models import (
    Booking,
    Candidate,
    CandidateStatusChange,
    City,
    Notification,
    Recruiter,
    Slot,
)
from storage.repositories.base import Repository


@dataclass(frozen=True)
class ZoneWindow:
    """A span of time (start included, end excluded) for the cities of one time zone."""

    timezone: str
    start: datetime
    end: datetime


class Meeting(NamedTuple):
    starts_at: datetime
    candidate_id: int
    candidate: str | None
    recruiter: str
    city: str
    timezone: str
    status: BookingStatus


T = TypeVar("T")
# What the funnel side by side is counted per: the application's vacancy or its source tag.
FunnelKey = Literal["vacancy", "source"]
# A tag no write bumps: what is kept under it lives out its TTL (or a flush of the whole cache).
KEPT_TAG = "reports"
_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _in_cities(column: Any, city_ids: frozenset[int] | None) -> list[Any]:
    return [] if city_ids is None else [column.in_(city_ids)]


def _of_vacancy(candidate: Any, vacancy_id: int | None) -> list[Any]:
    """Only the applications to this vacancy (None: every candidate)."""
    return [] if vacancy_id is None else [candidate.vacancy_id == vacancy_id]


@functools.lru_cache(maxsize=64)
def _meetings_query(
    zones: int, excluding: tuple[BookingStatus, ...], in_cities: bool, of_recruiter: bool
) -> Select[*tuple[Any, ...]]:
    """`ReportRepository.meetings`'s statement for `zones` time zones, its values bound when
    it runs: built once per shape, not per dashboard view (building and keying a statement of
    a dozen windows cost more than the database took to answer it), of Core columns: plain
    rows, no ORM row loading."""
    slot, city, candidate = Slot.__table__, City.__table__, Candidate.__table__
    recruiter, booking = Recruiter.__table__, Booking.__table__
    within = [
        and_(
            city.c.timezone == bindparam(f"zone_{i}"),
            slot.c.starts_at >= bindparam(f"start_{i}"),
            slot.c.starts_at < bindparam(f"end_{i}"),
        )
        for i in range(zones)
    ]
    return (
        select(
            slot.c.starts_at,
            candidate.c.id,
            candidate.c.full_name,
            recruiter.c.name,
            city.c.name,
            city.c.timezone,
            booking.c.status,
        )
        .join(booking, booking.c.slot_id == slot.c.id)
        .join(candidate, candidate.c.id == booking.c.candidate_id)
        .join(recruiter, recruiter.c.id == slot.c.recruiter_id)
        .join(city, city.c.id == slot.c.city_id)
        .where(
            # The span of every window first: one index range that any plan uses (a prepared
            # statement's generic plan cannot see through the OR and read every slot: 130 ms
            # at 100,000 candidates against 0.3 ms).
            slot.c.starts_at >= bindparam("span_start"),
            slot.c.starts_at < bindparam("span_end"),
            or_(*within),
            booking.c.status.notin_(excluding),
            *([slot.c.city_id.in_(bindparam("city_ids", expanding=True))] if in_cities else []),
            *([slot.c.recruiter_id == bindparam("recruiter_id")] if of_recruiter else []),
        )
        .order_by(slot.c.starts_at)
        .limit(bindparam("limit"))
    )


class ReportRepository(Repository[Candidate]):
    """Reads only."""

    model = Candidate
    cache_tag = "candidates"

    async def kept(self, key: str, ttl: int, kind: type[T], count: Callable[[], Awaitable[T]]) -> T:
        """`count()`'s value (of type `kind`), kept in the cache for `ttl` seconds whatever is
        written meanwhile: for figures that are allowed to be that old. Counted afresh when
        there is no cache."""
        cache = self._uow.cache
        if cache is None:
            return await count()
        adapter = _ADAPTERS.get(kind)
        if adapter is None:
            adapter = _ADAPTERS[kind] = TypeAdapter(kind)
        counted: list[T] = []

        async def load() -> bytes:
            counted.append(await count())
            return adapter.dump_json(counted[0])

        raw = await cache.get_or_load(f"{KEPT_TAG}:{key}", (KEPT_TAG,), load, ttl)
        if counted:
            return counted[0]
        value: T = adapter.validate_json(raw)
        return value

    async def milestone_groups(
        self, city_ids: frozenset[int] | None, vacancy_id: int | None = None
    ) -> Sequence[tuple[int, int]]:
        """(milestones, how many candidates hold exactly them): a few dozen combinations."""
        stmt = (
            select(Candidate.milestones, func.count())
            .where(*_in_cities(Candidate.city_id, city_ids), *_of_vacancy(Candidate, vacancy_id))
            .group_by(Candidate.milestones)
        )
        return (await self.session.execute(stmt)).all()

    async def milestone_groups_by(
        self, by: FunnelKey, city_ids: frozenset[int] | None
    ) -> Sequence[tuple[int | str | None, int, int]]:
        """(vacancy id or source tag, milestones, how many candidates hold exactly them): one
        GROUP BY, served by ix_candidates_vacancy_milestones or ix_candidates_source_milestones."""
        key = Candidate.vacancy_id if by == "vacancy" else Candidate.source
        stmt = (
            select(key, Candidate.milestones, func.count())
            .where(*_in_cities(Candidate.city_id, city_ids))
            .group_by(key, Candidate.milestones)
        )
        return (await self.session.execute(stmt)).all()

    async def candidates_by_status(
        self, city_ids: frozenset[int] | None, vacancy_id: int | None = None
    ) -> Sequence[tuple[CandidateStatus, int]]:
        stmt = (
            select(Candidate.status, func.count())
            .where(*_in_cities(Candidate.city_id, city_ids), *_of_vacancy(Candidate, vacancy_id))
            .group_by(Candidate.status)
        )
        return (await self.session.execute(stmt)).all()

    async def bookings_by_status(
        self,
        purpose: SlotPurpose,
        statuses: Iterable[BookingStatus],
        city_ids: frozenset[int] | None,
        vacancy_id: int | None = None,
    ) -> Sequence[tuple[BookingStatus, int]]:
        """How many bookings of this purpose are in each of `statuses` (absent: none)."""
        stmt = (
            select(Booking.status, func.count())
            .join(Slot, Slot.id == Booking.slot_id)
            .where(
                Booking.purpose == purpose,
                Booking.status.in_(tuple(statuses)),
                *_in_cities(Slot.city_id, city_ids),
            )
            .group_by(Booking.status)
        )
        if vacancy_id is not None:
            stmt = stmt.join(Candidate, Candidate.id == Booking.candidate_id).where(
                Candidate.vacancy_id == vacancy_id
            )
        return (await self.session.execute(stmt)).all()

    async def reached_and_met(
        self,
        *,
        reached: CandidateStatus,
        purpose: SlotPurpose,
        booking_status: BookingStatus,
        since: datetime,
        city_ids: frozenset[int] | None,
        limit: int,
        vacancy_id: int | None = None,
    ) -> Sequence[tuple[datetime, datetime]]:
        """Per candidate (at most `limit`): when they first reached `reached`, and the earliest
        start from `since` on of a `purpose` slot whose booking ended `booking_status`."""
        changed = aliased(CandidateStatusChange)
        stmt = (
            select(func.min(changed.created_at), func.min(Slot.starts_at))
            .join(Booking, Booking.candidate_id == changed.candidate_id)
            .join(Slot, Slot.id == Booking.slot_id)
            .where(
                changed.to_status == reached,
                Booking.purpose == purpose,
                Booking.status == booking_status,
                Slot.starts_at >= since,
                *_in_cities(Slot.city_id, city_ids),
            )
            .group_by(changed.candidate_id)
            .limit(limit)
        )
        if vacancy_id is not None:
            stmt = stmt.join(Candidate, Candidate.id == changed.candidate_id).where(
                Candidate.vacancy_id == vacancy_id
            )
        return (await self.session.execute(stmt)).all()

    async def meetings(
        self,
        windows: Sequence[ZoneWindow],
        *,
        excluding: Iterable[BookingStatus],
        city_ids: frozenset[int] | None,
        recruiter_id: int | None,
        limit: int,
    ) -> list[Meeting]:
        """Bookings whose slot starts inside the window of its city's time zone, but not those
        in `excluding`; by start, at most `limit`."""
        if not windows:
            return []
        stmt = _meetings_query(
            len(windows), tuple(excluding), city_ids is not None, recruiter_id is not None
        )
        params: dict[str, Any] = {
            "span_start": min(w.start for w in windows),
            "span_end": max(w.end for w in windows),
            "limit": limit,
        }
        for i, w in enumerate(windows):
            params.update({f"zone_{i}": w.timezone, f"start_{i}": w.start, f"end_{i}": w.end})
        if city_ids is not None:
            params["city_ids"] = sorted(city_ids)
        if recruiter_id is not None:
            params["recruiter_id"] = recruiter_id
        return [Meeting._make(row) for row in await self.session.execute(stmt, params)]

    async def notifications_by_status(
        self, statuses: Iterable[NotificationStatus], due_by: datetime
    ) -> Sequence[tuple[NotificationStatus, int, int]]:
        """(status, how many, how many of them are due by `due_by`) for each of `statuses`."""
        due = func.sum(case((Notification.due_at <= due_by, 1), else_=0))
        stmt = (
            select(Notification.status, func.count(), due)
            .where(Notification.status.in_(tuple(statuses)))
            .group_by(Notification.status)
        )
        return [
            (status, n, int(n_due or 0))
            for status, n, n_due in (await self.session.execute(stmt)).all()
        ]

"""The figures on the panel's dashboard, each one query, limited to the viewer's cities."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select
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
from storage.models.candidate import milestones_of
from storage.uow import UnitOfWork

S = CandidateStatus
TODAY_SHOWN = 200
# The funnel's stages, each with the milestones that say a candidate reached it: a status they
# held at some point, or an interview marked "came" (Candidate.milestones). Counted from what
# happened, not from where a candidate is now: someone set to not_hired from the panel straight
# after screening never came to an interview.
STAGES: tuple[tuple[str, int | None], ...] = (
    ("Started", None),  # everyone
    ("Passed screening", milestones_of([S.SCREENING_PASSED])),
    ("Booked an interview", milestones_of([S.INTERVIEW_REQUESTED, S.INTERVIEW_SCHEDULED])),
    (
        "Came to the interview",
        milestones_of([S.INTERVIEWED_PASSED, S.INTERVIEWED_FAILED], came=True),
    ),
    ("Passed the interview", milestones_of([S.INTERVIEWED_PASSED])),
    ("Intro day", milestones_of([S.INTRO_DAY_SCHEDULED])),
    ("Hired", milestones_of([S.HIRED])),
)


@dataclass(frozen=True)
class FunnelStage:
    name: str
    count: int
    conversion: float | None  # from the previous stage


@dataclass(frozen=True)
class Dashboard:
    by_status: dict[str, int]
    funnel: list[FunnelStage]
    no_show_rate: float | None
    median_days_to_interview: float | None
    today: list[dict[str, Any]]
    queue: dict[str, int]


def _in_cities(column: Any, city_ids: frozenset[int] | None) -> list[Any]:
    return [] if city_ids is None else [column.in_(city_ids)]


def funnel(reached: dict[str, int]) -> list[FunnelStage]:
    """The stages with their conversions, from how many reached each (by stage name)."""
    stages: list[FunnelStage] = []
    for name, _marks in STAGES:
        count = reached.get(name, 0)
        before = stages[-1].count if stages else None
        stages.append(FunnelStage(name, count, count / before if before else None))
    return stages


async def reached_stages(uow: UnitOfWork, city_ids: frozenset[int] | None) -> dict[str, int]:
    """How many candidates reached each stage, from their milestones: one GROUP BY (a few dozen
    distinct combinations), summed per stage here."""
    stmt = (
        select(Candidate.milestones, func.count())
        .where(*_in_cities(Candidate.city_id, city_ids))
        .group_by(Candidate.milestones)
    )
    groups = (await uow.session.execute(stmt)).all()
    return {
        name: sum(n for held, n in groups if wanted is None or held & wanted)
        for name, wanted in STAGES
    }


async def _by_status(uow: UnitOfWork, city_ids: frozenset[int] | None) -> dict[str, int]:
    stmt = (
        select(Candidate.status, func.count())
        .where(*_in_cities(Candidate.city_id, city_ids))
        .group_by(Candidate.status)
    )
    return {status.value: n for status, n in (await uow.session.execute(stmt)).all()}


async def _no_show_rate(uow: UnitOfWork, city_ids: frozenset[int] | None) -> float | None:
    stmt = (
        select(Booking.status, func.count())
        .join(Slot, Slot.id == Booking.slot_id)
        .where(
            Booking.purpose == SlotPurpose.INTERVIEW,
            Booking.status.in_((BookingStatus.ATTENDED, BookingStatus.NO_SHOW)),
            *_in_cities(Slot.city_id, city_ids),
        )
        .group_by(Booking.status)
    )
    counts = {status: n for status, n in (await uow.session.execute(stmt)).all()}
    held = sum(counts.values())
    return counts.get(BookingStatus.NO_SHOW, 0) / held if held else None


async def _median_days_to_interview(
    uow: UnitOfWork, city_ids: frozenset[int] | None, now: datetime
) -> float | None:
    """From passing screening to the start of the interview attended, over the last 90 days."""
    passed = aliased(CandidateStatusChange)
    stmt = (
        select(func.min(passed.created_at), func.min(Slot.starts_at))
        .join(Booking, Booking.candidate_id == passed.candidate_id)
        .join(Slot, Slot.id == Booking.slot_id)
        .where(
            passed.to_status == CandidateStatus.SCREENING_PASSED,
            Booking.purpose == SlotPurpose.INTERVIEW,
            Booking.status == BookingStatus.ATTENDED,
            Slot.starts_at >= now - timedelta(days=90),
            *_in_cities(Slot.city_id, city_ids),
        )
        .group_by(passed.candidate_id)
        .limit(20_000)
    )
    waits = [
        (interview - screened).total_seconds() / 86400
        for screened, interview in (await uow.session.execute(stmt)).all()
        if interview >= screened
    ]
    return statistics.median(waits) if waits else None


async def _today(
    uow: UnitOfWork, city_ids: frozenset[int] | None, recruiter_id: int | None, now: datetime
) -> list[dict[str, Any]]:
    """Interviews on today's date as each city's clocks read it: one window per time zone in
    use (a handful), so the database returns exactly today's rows, however busy yesterday was."""
    windows = []
    for zone in (await uow.session.scalars(select(City.timezone).distinct())).all():
        tz = ZoneInfo(zone)
        day = now.astimezone(tz).date()
        start = datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
        windows.append(and_(City.timezone == zone, Slot.starts_at >= start, Slot.starts_at < end))
    if not windows:
        return []
    stmt = (
        select(
            Slot.starts_at,
            Candidate.id,
            Candidate.full_name,
            Recruiter.name,
            City.name,
            City.timezone,
            Booking.status,
        )
        .join(Booking, Booking.slot_id == Slot.id)
        .join(Candidate, Candidate.id == Booking.candidate_id)
        .join(Recruiter, Recruiter.id == Slot.recruiter_id)
        .join(City, City.id == Slot.city_id)
        .where(
            or_(*windows),
            Booking.status.notin_(
                (BookingStatus.CANCELED, BookingStatus.DECLINED, BookingStatus.EXPIRED)
            ),
            *_in_cities(Slot.city_id, city_ids),
            *([] if recruiter_id is None else [Slot.recruiter_id == recruiter_id]),
        )
        .order_by(Slot.starts_at)
        .limit(TODAY_SHOWN)
    )
    return [
        {
            "starts_at": starts,
            "candidate_id": cid,
            "candidate": name,
            "recruiter": recruiter,
            "city": city,
            "timezone": zone,
            "status": status.value,
        }
        for starts, cid, name, recruiter, city, zone, status in (
            await uow.session.execute(stmt)
        ).all()
    ]


async def delivery_queue(uow: UnitOfWork, now: datetime) -> dict[str, int]:
    due = func.sum(case((Notification.due_at <= now, 1), else_=0))
    stmt = (
        select(Notification.status, func.count(), due)
        .where(Notification.status.in_(_QUEUE))
        .group_by(Notification.status)
    )
    counts = {"due": 0, "later": 0, "sending": 0, "failed": 0, "unreachable": 0, "held": 0}
    for status, n, n_due in (await uow.session.execute(stmt)).all():
        if status is NotificationStatus.PENDING:
            counts["due"] += int(n_due or 0)
            counts["later"] += n - int(n_due or 0)
        else:
            counts[status.value] += n
    return counts


_QUEUE: Iterable[NotificationStatus] = (
    NotificationStatus.PENDING,
    NotificationStatus.SENDING,
    NotificationStatus.FAILED,
    NotificationStatus.UNREACHABLE,
    NotificationStatus.HELD,
)


async def dashboard(
    uow: UnitOfWork, now: datetime, city_ids: frozenset[int] | None, recruiter_id: int | None
) -> Dashboard:
    return Dashboard(
        by_status=await _by_status(uow, city_ids),
        funnel=funnel(await reached_stages(uow, city_ids)),
        no_show_rate=await _no_show_rate(uow, city_ids),
        median_days_to_interview=await _median_days_to_interview(uow, city_ids, now),
        today=await _today(uow, city_ids, recruiter_id, now),
        queue=await delivery_queue(uow, now) if city_ids is None else {},
    )

"""The figures on the panel's dashboard, each one query, limited to the viewer's cities.

The table-wide counts (by status, the funnel, the no-show rate, the time to interview, the
delivery queue) read every candidate, booking and message: at 100,000 candidates about a second
together. They are kept in the cache for `FIGURES_KEPT_SECONDS` per scope (shared by every
instance through Redis) and the page says when they were counted; today's interviews, an indexed
read of one day, are read afresh every time."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel

from core.enums import BookingStatus, CandidateStatus, NotificationStatus, SlotPurpose
from domain.messaging.dates import zone_info
from storage.models.candidate import CAME_TO_INTRO_DAY, milestones_of
from storage.repositories.reports import FunnelKey, ZoneWindow
from storage.uow import UnitOfWork

S = CandidateStatus
TODAY_SHOWN = 200
# How long the table-wide counts are kept before they are counted again. No write makes them
# stale sooner: under a hiring campaign every bot update writes a candidate, and counting
# 100,000 of them on every page view would cost far more than figures half a minute old.
FIGURES_KEPT_SECONDS = 30
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
    ("Came to the intro day", CAME_TO_INTRO_DAY),
    ("Hired", milestones_of([S.HIRED])),
)
# The stages shown side by side per vacancy and per source: (key in the API, name in STAGES).
SIDE_BY_SIDE: tuple[tuple[str, str], ...] = (
    ("started", "Started"),
    ("passed_screening", "Passed screening"),
    ("booked", "Booked an interview"),
    ("came", "Came to the interview"),
    ("intro_day", "Intro day"),
    ("came_to_intro_day", "Came to the intro day"),
    ("hired", "Hired"),
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
    counted_at: datetime  # when the counts above (all but `today`) were made
    kept_seconds: int = FIGURES_KEPT_SECONDS  # and how long they are kept before a recount


class Counts(BaseModel):
    """The table-wide counts of one scope, as they are kept in the cache."""

    by_status: dict[str, int]
    reached: dict[str, int]
    no_show_rate: float | None
    median_days_to_interview: float | None
    queue: dict[str, int]
    counted_at: datetime


def funnel(reached: dict[str, int]) -> list[FunnelStage]:
    """The stages with their conversions, from how many reached each (by stage name)."""
    stages: list[FunnelStage] = []
    for name, _marks in STAGES:
        count = reached.get(name, 0)
        before = stages[-1].count if stages else None
        stages.append(FunnelStage(name, count, count / before if before else None))
    return stages


def _summed(groups: Iterable[tuple[int, int]]) -> dict[str, int]:
    """How many reached each stage (by name), from (milestones, how many hold exactly them)."""
    groups = list(groups)
    return {
        name: sum(n for held, n in groups if wanted is None or held & wanted)
        for name, wanted in STAGES
    }


async def reached_stages(
    uow: UnitOfWork, city_ids: frozenset[int] | None, vacancy_id: int | None = None
) -> dict[str, int]:
    """How many candidates reached each stage, from their milestones: one GROUP BY (a few dozen
    distinct combinations), summed per stage here."""
    return _summed(await uow.reports.milestone_groups(city_ids, vacancy_id))


class SideFunnel(BaseModel):
    """The funnel of one vacancy or one source tag: how many reached each stage of
    `SIDE_BY_SIDE` (by key), and the share of those who started that did."""

    vacancy_id: int | None = None  # by vacancy: None is the applications to no vacancy
    source: str | None = None  # by source: None is the candidates who came with no tag
    reached: dict[str, int]
    conversion: dict[str, float | None]  # from "started"


class SideFunnels(BaseModel):
    by: FunnelKey
    funnels: list[SideFunnel]
    counted_at: datetime


def _side_funnel(reached: dict[str, int], **key: Any) -> SideFunnel:
    counts = {k: reached.get(name, 0) for k, name in SIDE_BY_SIDE}
    started = counts["started"]
    return SideFunnel(
        **key,
        reached=counts,
        conversion={k: (n / started if started else None) for k, n in counts.items()},
    )


def _grouped_last(key: int | str | None) -> tuple[bool, str]:
    """Keys in order, with no key (no vacancy, no source tag) after the others."""
    return key is None, f"{key:>12}" if isinstance(key, int) else str(key)


async def _count_side_by_side(
    uow: UnitOfWork, by: FunnelKey, city_ids: frozenset[int] | None, now: datetime
) -> SideFunnels:
    grouped: dict[int | str | None, list[tuple[int, int]]] = {}
    for key, held, n in await uow.reports.milestone_groups_by(by, city_ids):
        grouped.setdefault(key, []).append((held, n))
    name = "vacancy_id" if by == "vacancy" else "source"
    funnels = [_side_funnel(_summed(groups), **{name: key}) for key, groups in grouped.items()]
    # The most started first; the same count in key order (no key last).
    funnels.sort(key=lambda f: (-f.reached["started"], _grouped_last(getattr(f, name))))
    return SideFunnels(by=by, funnels=funnels, counted_at=now)


async def funnels_side_by_side(
    uow: UnitOfWork, by: FunnelKey, now: datetime, city_ids: frozenset[int] | None
) -> SideFunnels:
    """The funnel of each vacancy (or source tag) in the scope, one GROUP BY, kept as the
    dashboard's counts are (`FIGURES_KEPT_SECONDS`)."""
    scope = "all" if city_ids is None else ",".join(map(str, sorted(city_ids)))
    return await uow.reports.kept(
        f"funnel:{by}:{scope}",
        FIGURES_KEPT_SECONDS,
        SideFunnels,
        lambda: _count_side_by_side(uow, by, city_ids, now),
    )


async def _by_status(
    uow: UnitOfWork, city_ids: frozenset[int] | None, vacancy_id: int | None
) -> dict[str, int]:
    return {
        status.value: n
        for status, n in await uow.reports.candidates_by_status(city_ids, vacancy_id)
    }


async def _no_show_rate(
    uow: UnitOfWork, city_ids: frozenset[int] | None, vacancy_id: int | None
) -> float | None:
    """Of the interviews held (came or did not), the share nobody came to."""
    counts = dict(
        await uow.reports.bookings_by_status(
            SlotPurpose.INTERVIEW,
            (BookingStatus.ATTENDED, BookingStatus.NO_SHOW),
            city_ids,
            vacancy_id,
        )
    )
    held = sum(counts.values())
    return counts.get(BookingStatus.NO_SHOW, 0) / held if held else None


async def _median_days_to_interview(
    uow: UnitOfWork, city_ids: frozenset[int] | None, now: datetime, vacancy_id: int | None
) -> float | None:
    """From passing screening to the start of the interview attended, over the last 90 days."""
    pairs = await uow.reports.reached_and_met(
        reached=CandidateStatus.SCREENING_PASSED,
        purpose=SlotPurpose.INTERVIEW,
        booking_status=BookingStatus.ATTENDED,
        since=now - timedelta(days=90),
        city_ids=city_ids,
        limit=20_000,
        vacancy_id=vacancy_id,
    )
    waits = [
        (interview - screened).total_seconds() / 86400
        for screened, interview in pairs
        if interview >= screened
    ]
    return statistics.median(waits) if waits else None


async def _today(
    uow: UnitOfWork, city_ids: frozenset[int] | None, recruiter_id: int | None, now: datetime
) -> list[dict[str, Any]]:
    """Interviews on today's date as each city's clocks read it: one window per time zone in
    use (a handful), so the database returns exactly today's rows, however busy yesterday was."""
    windows = []
    for zone in await uow.cities.time_zones_in_use():
        tz = zone_info(zone)
        day = now.astimezone(tz).date()
        start = datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
        windows.append(ZoneWindow(zone, start, end))
    if not windows:
        return []
    meetings = await uow.reports.meetings(
        windows,
        excluding=(BookingStatus.CANCELED, BookingStatus.DECLINED, BookingStatus.EXPIRED),
        city_ids=city_ids,
        recruiter_id=recruiter_id,
        limit=TODAY_SHOWN,
    )
    return [
        {
            "starts_at": m.starts_at,
            "candidate_id": m.candidate_id,
            "candidate": m.candidate,
            "recruiter": m.recruiter,
            "city": m.city,
            "timezone": m.timezone,
            "status": m.status.value,
        }
        for m in meetings
    ]


async def delivery_queue(uow: UnitOfWork, now: datetime) -> dict[str, int]:
    counts = {"due": 0, "later": 0, "sending": 0, "failed": 0, "unreachable": 0, "held": 0}
    for status, n, n_due in await uow.reports.notifications_by_status(_QUEUE, due_by=now):
        if status is NotificationStatus.PENDING:
            counts["due"] += n_due
            counts["later"] += n - n_due
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


async def _count(
    uow: UnitOfWork, now: datetime, city_ids: frozenset[int] | None, vacancy_id: int | None
) -> Counts:
    return Counts(
        by_status=await _by_status(uow, city_ids, vacancy_id),
        reached=await reached_stages(uow, city_ids, vacancy_id),
        no_show_rate=await _no_show_rate(uow, city_ids, vacancy_id),
        median_days_to_interview=await _median_days_to_interview(uow, city_ids, now, vacancy_id),
        queue=await delivery_queue(uow, now) if city_ids is None else {},
        counted_at=now,
    )


async def counts(
    uow: UnitOfWork, now: datetime, city_ids: frozenset[int] | None, vacancy_id: int | None = None
) -> Counts:
    """The scope's table-wide counts (of one vacancy's applications when given): from the cache
    when counted within the last `FIGURES_KEPT_SECONDS`, else counted now (and kept)."""
    scope = "all" if city_ids is None else ",".join(map(str, sorted(city_ids)))
    if vacancy_id is not None:
        scope += f":vacancy:{vacancy_id}"
    return await uow.reports.kept(
        f"dashboard:{scope}",
        FIGURES_KEPT_SECONDS,
        Counts,
        lambda: _count(uow, now, city_ids, vacancy_id),
    )


async def dashboard(
    uow: UnitOfWork,
    now: datetime,
    city_ids: frozenset[int] | None,
    recruiter_id: int | None,
    vacancy_id: int | None = None,
) -> Dashboard:
    """The figures; with `vacancy_id`, the counts are of that vacancy's applications (today's
    interviews stay everyone's in the scope)."""
    kept = await counts(uow, now, city_ids, vacancy_id)
    return Dashboard(
        by_status=kept.by_status,
        funnel=funnel(kept.reached),
        no_show_rate=kept.no_show_rate,
        median_days_to_interview=kept.median_days_to_interview,
        today=await _today(uow, city_ids, recruiter_id, now),
        queue=kept.queue,
        counted_at=kept.counted_at,
    )

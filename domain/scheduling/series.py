"""Recruiters' slots: one at a time, or a series typed in one line and previewed first."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.enums import SlotPurpose
from storage.uow import UnitOfWork

MAX_SERIES_SLOTS = 500
MAX_SERIES_DAYS = 92
DEFAULT_DURATION_MINUTES = 30
_DAYS = {
    **{d: i for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{d: i for i, d in enumerate(("пн", "вт", "ср", "чт", "пт", "сб", "вс"))},
}
_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun|пн|вт|ср|чт|пт|сб|вс)"
_DATE = r"(\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})"
_SERIES = re.compile(
    rf"^\s*(?P<days>{_DAY}(?:\s*[-,]\s*{_DAY})*)\s+"
    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})"
    r"(?:\s+(?:step|шаг)\s+(?P<step>\d{1,3}))?"
    r"(?:\s+(?:break|перерыв)\s+(?P<bstart>\d{1,2}:\d{2})\s*-\s*(?P<bend>\d{1,2}:\d{2}))?"
    rf"\s+(?:from|с)\s+(?P<first>{_DATE[1:-1]})\s+(?:to|по)\s+(?P<last>{_DATE[1:-1]})\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SeriesSpec:
    weekdays: frozenset[int]
    start: time
    end: time
    step_minutes: int
    break_start: time | None
    break_end: time | None
    first_day: date
    last_day: date


def _time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _date(text: str) -> date:
    if "." in text:
        day, month, year = text.split(".")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(text)


def _weekdays(text: str) -> frozenset[int]:
    days: set[int] = set()
    for part in re.split(r"\s*,\s*", text.lower()):
        if "-" in part:
            first, last = (_DAYS[p.strip()] for p in part.split("-"))
            day = first
            while True:
                days.add(day)
                if day == last:
                    break
                day = (day + 1) % 7
        else:
            days.add(_DAYS[part.strip()])
    return frozenset(days)


def parse_series(text: str) -> SeriesSpec | None:
    """Read "Mon-Fri 10:00-18:00 step 60 break 13:00-14:00 from 2026-12-01 to 2026-12-14"
    (or its Russian twin); None when it does not parse or makes no sense."""
    match = _SERIES.match(text)
    if match is None:
        return None
    try:
        spec = SeriesSpec(
            weekdays=_weekdays(match["days"]),
            start=_time(match["start"]),
            end=_time(match["end"]),
            step_minutes=int(match["step"] or 60),
            break_start=_time(match["bstart"]) if match["bstart"] else None,
            break_end=_time(match["bend"]) if match["bend"] else None,
            first_day=_date(match["first"]),
            last_day=_date(match["last"]),
        )
    except (KeyError, ValueError):
        return None
    if (
        spec.start >= spec.end
        or not 5 <= spec.step_minutes <= 480
        or spec.first_day > spec.last_day
        or (spec.last_day - spec.first_day).days > MAX_SERIES_DAYS
        or (
            spec.break_start is not None
            and spec.break_end is not None
            and spec.break_start >= spec.break_end
        )
    ):
        return None
    return spec


def plan(
    spec: SeriesSpec,
    zone: str,
    not_before: datetime,
    duration_minutes: int = DEFAULT_DURATION_MINUTES,
) -> list[datetime]:
    """The series' start times in UTC: each chosen weekday, every step from the start while a
    slot (of `duration_minutes`) ends by the end, none overlapping the break, never in the past.
    DST is zoneinfo's business."""
    tz = ZoneInfo(zone)
    length = timedelta(minutes=duration_minutes)
    starts: list[datetime] = []
    day = spec.first_day
    while day <= spec.last_day and len(starts) < MAX_SERIES_SLOTS:
        if day.weekday() in spec.weekdays:
            moment = datetime.combine(day, spec.start)
            end = datetime.combine(day, spec.end)
            pause = (
                (datetime.combine(day, spec.break_start), datetime.combine(day, spec.break_end))
                if spec.break_start is not None and spec.break_end is not None
                else None
            )
            while moment + length <= end:
                in_break = pause is not None and moment < pause[1] and moment + length > pause[0]
                utc = moment.replace(tzinfo=tz).astimezone(UTC)
                if not in_break and utc > not_before:
                    starts.append(utc)
                moment += timedelta(minutes=spec.step_minutes)
        day += timedelta(days=1)
    return starts[:MAX_SERIES_SLOTS]


async def create_slots(
    uow: UnitOfWork,
    recruiter_id: int,
    city_id: int,
    starts: Sequence[datetime],
    *,
    duration_minutes: int = DEFAULT_DURATION_MINUTES,
    purpose: SlotPurpose = SlotPurpose.INTERVIEW,
    capacity: int = 1,
) -> int:
    """Insert the slots in one statement, skipping times the recruiter already has; how many
    were new. Commits. (The rule is `slots.plan_series`'s: this only writes what it let through.)"""
    created = await uow.slots.add_series(
        recruiter_id,
        city_id,
        starts,
        duration_minutes=duration_minutes,
        purpose=purpose,
        capacity=capacity,
    )
    await uow.commit()
    return created

"""A series of slots typed in one line: what it reads, and the times it makes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from domain.scheduling.series import parse_series, plan

EARLY = datetime(2026, 1, 1, tzinfo=UTC)


def test_an_english_line_is_read_whole() -> None:
    spec = parse_series(
        "Mon-Fri 10:00-18:00 step 60 break 13:00-14:00 from 2026-12-01 to 2026-12-14"
    )
    assert spec is not None
    assert spec.weekdays == frozenset(range(5))
    assert (spec.start, spec.end, spec.step_minutes) == (time(10), time(18), 60)
    assert (spec.break_start, spec.break_end) == (time(13), time(14))
    assert (spec.first_day, spec.last_day) == (date(2026, 12, 1), date(2026, 12, 14))


def test_a_russian_line_with_day_lists_and_dotted_dates() -> None:
    spec = parse_series("пн,ср,пт 09:30-12:00 шаг 30 с 01.12.2026 по 07.12.2026")
    assert spec is not None
    assert spec.weekdays == frozenset({0, 2, 4})
    assert spec.break_start is None


def test_a_day_range_may_wrap_the_week() -> None:
    spec = parse_series("Sat-Mon 10:00-11:00 from 2026-12-01 to 2026-12-07")
    assert spec is not None
    assert spec.weekdays == frozenset({5, 6, 0})


@pytest.mark.parametrize(
    "line",
    [
        "whenever",
        "Mon-Fri 18:00-10:00 from 2026-12-01 to 2026-12-14",  # ends before it starts
        "Mon-Fri 10:00-18:00 from 2026-12-14 to 2026-12-01",  # range backwards
        "Mon-Fri 10:00-18:00 step 1 from 2026-12-01 to 2026-12-14",  # step too small
        "Mon-Fri 10:00-18:00 from 2026-01-01 to 2026-12-31",  # longer than a quarter
        "Mon-Fri 10:00-18:00 from 2026-02-30 to 2026-03-02",  # no such date
    ],
)
def test_nonsense_is_refused(line: str) -> None:
    assert parse_series(line) is None


def test_the_plan_skips_the_break_weekends_and_fits_before_the_end() -> None:
    spec = parse_series(
        "Mon-Fri 10:00-12:00 step 30 break 11:00-11:30 from 2026-12-04 to 2026-12-07"
    )
    assert spec is not None
    starts = plan(spec, "Europe/Berlin", EARLY)
    # Fri 4 and Mon 7 December: 10:00, 10:30, 11:30 (11:00 is the break; 12:00 would end late)
    local = [s.astimezone(ZoneInfo("Europe/Berlin")) for s in starts]
    assert [(d.day, d.strftime("%H:%M")) for d in local] == [
        (4, "10:00"),
        (4, "10:30"),
        (4, "11:30"),
        (7, "10:00"),
        (7, "10:30"),
        (7, "11:30"),
    ]


def test_the_plan_follows_dst_and_skips_the_past() -> None:
    spec = parse_series("Sat-Sun 10:00-11:00 from 2026-03-28 to 2026-03-29")
    assert spec is not None
    starts = plan(spec, "Europe/Berlin", EARLY)
    assert [s.hour for s in starts] == [9, 8]  # 10:00 CET, then 10:00 CEST
    assert plan(spec, "Europe/Berlin", datetime(2026, 3, 28, 12, tzinfo=UTC)) == [starts[1]]


def _local(starts: list[datetime], zone: str) -> list[str]:
    return [s.astimezone(ZoneInfo(zone)).strftime("%H:%M") for s in starts]


def test_the_last_slot_needs_only_its_length_before_the_end() -> None:
    spec = parse_series("Fri 16:00-17:30 step 60 from 2026-12-04 to 2026-12-04")
    assert spec is not None
    # 17:00-17:30 fits (a slot is 30 minutes) although the next step would pass the end.
    assert _local(plan(spec, "Europe/Berlin", EARLY, 30), "Europe/Berlin") == ["16:00", "17:00"]
    assert _local(plan(spec, "Europe/Berlin", EARLY, 45), "Europe/Berlin") == ["16:00"]


def test_no_slot_runs_into_the_break() -> None:
    spec = parse_series("Fri 10:30-16:00 step 45 break 13:00-14:00 from 2026-12-04 to 2026-12-04")
    assert spec is not None
    # 12:45-13:30 would overlap the break, 13:30 starts in it; 14:15 is the first after it.
    assert _local(plan(spec, "Europe/Berlin", EARLY, 45), "Europe/Berlin") == [
        "10:30",
        "11:15",
        "12:00",
        "14:15",
        "15:00",
    ]

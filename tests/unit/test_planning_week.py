"""The week recruiters plan: the current one, but the next one from Friday 18:00 (in the zone
the page shows) through Sunday. 2026-12-04 is a Friday."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.scheduling.planning import monday_of, planning_week

KAZAN = ZoneInfo("Europe/Moscow")
THIS_MONDAY = date(2026, 11, 30)
NEXT_MONDAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("now", "monday"),
    [
        (datetime(2026, 11, 30, 0, 0, tzinfo=KAZAN), THIS_MONDAY),  # Monday's first minute
        (datetime(2026, 12, 2, 12, 0, tzinfo=KAZAN), THIS_MONDAY),  # midweek
        (datetime(2026, 12, 4, 17, 59, tzinfo=KAZAN), THIS_MONDAY),  # Friday, still at work
        (datetime(2026, 12, 4, 18, 0, tzinfo=KAZAN), NEXT_MONDAY),  # Friday evening
        (datetime(2026, 12, 5, 10, 0, tzinfo=KAZAN), NEXT_MONDAY),  # Saturday
        (datetime(2026, 12, 6, 23, 59, tzinfo=KAZAN), NEXT_MONDAY),  # Sunday's last minute
        (datetime(2026, 12, 7, 0, 0, tzinfo=KAZAN), NEXT_MONDAY),  # that Monday has come
        (datetime(2026, 12, 11, 17, 59, tzinfo=KAZAN), NEXT_MONDAY),
    ],
)
def test_the_week_being_planned_turns_on_friday_evening(now: datetime, monday: date) -> None:
    assert planning_week(now) == monday


@pytest.mark.parametrize(
    "day", [date(2026, 11, 30), date(2026, 12, 2), date(2026, 12, 5), date(2026, 12, 6)]
)
def test_a_days_week_starts_on_its_monday(day: date) -> None:
    assert monday_of(day) == THIS_MONDAY

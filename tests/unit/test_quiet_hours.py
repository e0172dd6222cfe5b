from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from domain.messaging.quiet_hours import earlier_if_quiet, in_quiet_hours

NIGHT = (time(22), time(8))
MSK = "Europe/Moscow"  # UTC+3


@pytest.mark.parametrize(
    ("utc_hour", "quiet"),
    [(18, False), (19, True), (23, True), (4, True), (5, False), (12, False)],
)
def test_quiet_hours_are_read_in_the_recipients_zone(utc_hour: int, quiet: bool) -> None:
    moment = datetime(2026, 12, 1, utc_hour, 30, tzinfo=UTC)
    assert in_quiet_hours(moment, MSK, *NIGHT) is quiet


def test_a_reminder_at_three_in_the_night_moves_to_the_evening_before() -> None:
    three_am = datetime(2026, 12, 2, 0, 0, tzinfo=UTC)  # 03:00 in Moscow
    moved = earlier_if_quiet(three_am, MSK, *NIGHT)
    assert moved == datetime(2026, 12, 1, 18, 59, tzinfo=UTC)  # 21:59 the day before


def test_a_reminder_late_in_the_evening_moves_to_just_before_ten() -> None:
    eleven_pm = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # 23:00 in Moscow
    assert earlier_if_quiet(eleven_pm, MSK, *NIGHT) == datetime(2026, 12, 1, 18, 59, tzinfo=UTC)


def test_daytime_reminders_stay_and_equal_bounds_mean_no_quiet_hours() -> None:
    noon = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert earlier_if_quiet(noon, MSK, *NIGHT) == noon
    assert not in_quiet_hours(datetime(2026, 12, 1, 23, tzinfo=UTC), MSK, time(0), time(0))

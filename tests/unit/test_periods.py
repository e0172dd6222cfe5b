"""When two periods overlap: the arithmetic behind the slot rule and the booking guard."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.periods import overlap, overlaps_any, period

TEN = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def at(hour: int, minute: int) -> datetime:
    return TEN.replace(hour=hour, minute=minute)


@pytest.mark.parametrize(
    ("start", "minutes", "overlapping"),
    [
        (at(10, 15), 30, True),  # starts inside 10:00-10:30
        (at(9, 45), 30, True),  # ends inside it
        (at(9, 30), 120, True),  # holds it whole
        (at(10, 10), 5, True),  # lies inside it
        (at(10, 0), 30, True),  # the same period
        (at(10, 30), 30, False),  # begins as it ends
        (at(9, 30), 30, False),  # ends as it begins
        (at(11, 0), 30, False),
    ],
)
def test_a_period_overlaps_ten_to_half_past_only_when_they_share_a_moment(
    start: datetime, minutes: int, overlapping: bool
) -> None:
    ten = period(at(10, 0), 30)
    assert overlap(period(start, minutes), ten) is overlapping
    assert overlap(ten, period(start, minutes)) is overlapping  # either way round


def test_any_of_several() -> None:
    busy = [period(at(9, 0), 30), period(at(11, 0), 60)]
    assert overlaps_any(period(at(11, 45), 30), busy)
    assert not overlaps_any(period(at(9, 30), 90), busy)
    assert not overlaps_any(period(at(9, 30), 30), [])

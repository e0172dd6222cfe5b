from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.messaging.dates import day_label, time_label
from domain.screening.knowledge_test import stars_for


@pytest.mark.parametrize(
    ("percent", "stars"), [(0, 1), (24.9, 1), (25, 2), (50, 3), (75, 4), (99, 4), (100, 5)]
)
def test_stars_grow_by_quarters(percent: float, stars: int) -> None:
    assert stars_for(percent) == stars


def test_days_read_naturally_in_each_language() -> None:
    assert day_label(date(2026, 12, 1), "en") == "Tue, 1 Dec"
    assert day_label(date(2026, 12, 1), "ru") == "вт, 1 дек"


def test_times_are_shown_in_the_citys_zone_across_dst() -> None:
    winter = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 15, 9, 0, tzinfo=UTC)
    assert time_label(winter, "Europe/Berlin") == "10:00"
    assert time_label(summer, "Europe/Berlin") == "11:00"
    assert time_label(winter, "Asia/Novosibirsk") == "16:00"

"""The week as a grid for the Slots page: hours as rows, days as columns, each slot in the cell
of its local start (in its city's zone), past days and hours marked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from domain.messaging.dates import day_label
from domain.scheduling.planning import SlotCard

# The working day a grid always shows; earlier or later slots widen it.
FIRST_HOUR = 8
LAST_HOUR = 19  # the row of 19:00-20:00


@dataclass(frozen=True)
class GridDay:
    day: date
    label: str
    past: bool
    today: bool


@dataclass(frozen=True)
class GridCell:
    day: date
    hour: int
    cards: list[SlotCard]
    past: bool  # the hour is over


@dataclass(frozen=True)
class WeekGrid:
    days: list[GridDay]
    rows: list[tuple[str, list[GridCell]]]  # ("10:00", the seven cells of that hour)


def week_grid(cards: list[SlotCard], monday: date, now_local: datetime, locale: str) -> WeekGrid:
    """The seven days from Monday; `now_local` is now in the zone the page shows."""
    days = [monday + timedelta(days=i) for i in range(7)]
    placed: dict[tuple[date, int], list[SlotCard]] = {}
    for card in cards:
        start = card.local_start
        if start.date() in days:
            placed.setdefault((start.date(), start.hour), []).append(card)
    hours = [hour for _, hour in placed]
    first, last = min([FIRST_HOUR, *hours]), max([LAST_HOUR, *hours])
    now = now_local.replace(tzinfo=None)
    today = now.date()
    rows = [
        (
            f"{hour:02d}:00",
            [
                GridCell(
                    day,
                    hour,
                    placed.get((day, hour), []),
                    datetime.combine(day, time(hour)) + timedelta(hours=1) <= now,
                )
                for day in days
            ],
        )
        for hour in range(first, last + 1)
    ]
    grid_days = [GridDay(d, day_label(d, locale), d < today, d == today) for d in days]
    return WeekGrid(grid_days, rows)


def day_cards(cards: list[SlotCard], day: date) -> list[SlotCard]:
    """The cards of slots starting on `day` (in their city's zone), in time order."""
    return [card for card in cards if card.local_start.date() == day]

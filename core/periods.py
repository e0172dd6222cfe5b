"""Periods of time and when two of them overlap: the one arithmetic the slot rule (a recruiter's
slots) and the booking guard (a recruiter's bookings) share."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

Period = tuple[datetime, datetime]  # [start, end): the end is not part of it


def period(start: datetime, minutes: int) -> Period:
    return start, start + timedelta(minutes=minutes)


def overlap(a: Period, b: Period) -> bool:
    """Whether two periods share a moment; one ending as the other begins does not."""
    return a[0] < b[1] and b[0] < a[1]


def overlaps_any(a: Period, others: Iterable[Period]) -> bool:
    return any(overlap(a, other) for other in others)

"""What the README promises about reminders, worked out the slow way, for tests to hold the
product to: 24 h before a reminder, 6 h and 2 h before "will you come?"; one that falls in the
quiet hours (22:00-08:00 in the city's zone) comes at the last minute before they began; one
whose time has already passed when the booking is made is not sent; two prompts less than an
hour apart are sent once.

It walks back minute by minute on the city's clocks instead of computing the answer, so it
shares no code and no arithmetic with `domain.messaging.quiet_hours`.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

QUIET = (time(22, 0), time(8, 0))
MINUTE = timedelta(minutes=1)
STEPS = (
    ("reminder_24h", timedelta(hours=24), False),
    ("confirm_6h", timedelta(hours=6), True),
    ("confirm_2h", timedelta(hours=2), True),
)


def quiet_at(moment: datetime, zone: str, quiet: tuple[time, time] = QUIET) -> bool:
    local = moment.astimezone(ZoneInfo(zone)).time()
    start, end = quiet
    return local >= start or local < end


def out_of_quiet(moment: datetime, zone: str) -> datetime:
    while quiet_at(moment, zone):
        moment -= MINUTE
    return moment


def expected_reminders(
    starts_at: datetime, zone: str, booked_at: datetime
) -> list[tuple[str, datetime]]:
    """(kind, when) of each reminder the booking should get, in the order they come."""
    expected: list[tuple[str, datetime]] = []
    asked: list[datetime] = []
    for kind, before, asks in STEPS:
        due = out_of_quiet(starts_at - before, zone)
        if due <= booked_at:
            continue
        if asks and any(abs(due - earlier) < timedelta(hours=1) for earlier in asked):
            continue
        if asks:
            asked.append(due)
        expected.append((kind, due))
    return sorted(expected, key=lambda item: item[1])

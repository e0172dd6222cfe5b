"""Busy times from a recruiter's own calendar: an iCalendar file read with the icalendar
library, its recurring events expanded (RRULE, RDATE, EXDATE, moved occurrences) by
recurring-ical-events, in UTC, merged. All-day and floating times are in the recruiter's zone.

Limits, so one calendar cannot hold up the rest: rules repeating every second or minute are
ignored (no real busy time needs them, and expanding them takes minutes or never ends: the event
counts once, as written), our own events (a feed of ours subscribed into the calendar given us)
are not busy, and more than `MAX_INTERVALS` busy intervals in the window make the calendar
refused. The time it may take is limited by the caller (the scheduler reads it in a separate
process)."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]

MAX_INTERVALS = 5000
# Recurrence rules never expanded: a busy time repeating every second or minute is not one.
TOO_FREQUENT = frozenset({"SECONDLY", "MINUTELY"})
# The UIDs of the events this product writes (bookings, free slots in feeds).
OWN_UID_SUFFIX = "@recruiting-bot"


class CalendarUnreadable(ValueError):
    """The file is not an iCalendar calendar we can read."""


class TooManyBusyTimes(ValueError):
    """More busy intervals in the window than are kept."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class CalendarTooComplex(ValueError):
    """Reading the calendar took longer than allowed (raised by the caller's time limit)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def _moment(value: date | datetime, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)
    return datetime.combine(value, time(), zone).astimezone(UTC)  # an all-day event's day


def _is_busy(event: object) -> bool:
    get = getattr(event, "get", None)
    if get is None:
        return False
    transparent = str(get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT"
    cancelled = str(get("STATUS", "")).upper() == "CANCELLED"
    return not transparent and not cancelled


def _own(event: object) -> bool:
    get = getattr(event, "get", None)
    return get is not None and str(get("UID", "")).strip().lower().endswith(OWN_UID_SUFFIX)


def _without_frequent_rules(event: object) -> None:
    """Drops the RRULEs repeating every second or minute (the event stays, once)."""
    get = getattr(event, "get", None)
    if get is None:
        return
    rules = get("RRULE")
    if rules is None:
        return
    listed = rules if isinstance(rules, list) else [rules]
    kept = [r for r in listed if not {str(f).upper() for f in r.get("FREQ", [])} & TOO_FREQUENT]
    if len(kept) == len(listed):
        return
    del event["RRULE"]  # type: ignore[attr-defined]
    if kept:
        event["RRULE"] = kept if len(kept) > 1 else kept[0]  # type: ignore[index]


def merged(intervals: Iterable[Interval]) -> list[Interval]:
    """Overlapping or touching intervals joined, by start."""
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


_TINY = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//warm up//EN\r\nEND:VCALENDAR\r\n"


def warm_up() -> None:
    """Loads what `busy_intervals` uses and runs it once (a worker process, ready before its
    first calendar is timed)."""
    for name in ("icalendar", "recurring_ical_events"):
        importlib.import_module(name)
    moment = datetime(2000, 1, 1, tzinfo=UTC)
    busy_intervals(_TINY, moment, moment + timedelta(days=1), "UTC")


def busy_intervals(
    content: bytes, start: datetime, end: datetime, zone: str, max_intervals: int = MAX_INTERVALS
) -> list[Interval]:
    """The busy intervals of the calendar that overlap [start, end): events that are neither
    free (TRANSP:TRANSPARENT) nor cancelled nor ours, each occurrence of a recurring one (rules
    repeating every second or minute ignored). More than `max_intervals`: `TooManyBusyTimes`."""
    # Imported here: at start-up they would cost every process 9 MB that few use.
    import recurring_ical_events  # type: ignore[import-untyped]
    from icalendar import Calendar

    try:
        tz = ZoneInfo(zone)
        calendar = Calendar.from_ical(content)
        calendar.subcomponents = [c for c in calendar.subcomponents if not _own(c)]
        for component in calendar.walk("VEVENT"):
            _without_frequent_rules(component)
        occurrences = recurring_ical_events.of(calendar).between(start, end)
    except Exception as error:  # the libraries raise many kinds for a broken file
        raise CalendarUnreadable(str(error) or type(error).__name__) from error
    try:
        found = _times(occurrences, start, end, tz)
    except Exception as error:  # a value of the wrong kind (a DTEND that is not a time...)
        raise CalendarUnreadable(str(error) or type(error).__name__) from error
    joined = merged(found)
    if len(joined) > max_intervals:
        raise TooManyBusyTimes(max_intervals)
    return joined


def _times(
    occurrences: Iterable[Any], start: datetime, end: datetime, tz: ZoneInfo
) -> list[Interval]:
    found: list[Interval] = []
    for event in occurrences:
        if not _is_busy(event) or _own(event) or event.get("DTSTART") is None:
            continue
        begins = _moment(event["DTSTART"].dt, tz)
        if event.get("DTEND") is not None:
            ends = _moment(event["DTEND"].dt, tz)
        elif event.get("DURATION") is not None:
            ends = begins + event["DURATION"].dt
        else:  # RFC 5545: a day for a date, an instant for a date-time
            ends = begins + (
                timedelta(days=1) if not isinstance(event["DTSTART"].dt, datetime) else timedelta()
            )
        if ends > begins and begins < end and ends > start:
            found.append((begins, ends))
    return found


def overlaps(starts_at: datetime, minutes: int, busy: Iterable[Interval]) -> bool:
    ends_at = starts_at + timedelta(minutes=minutes)
    return any(s < ends_at and starts_at < e for s, e in busy)

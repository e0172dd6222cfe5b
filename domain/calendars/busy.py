"""Busy times from a recruiter's own calendar: an iCalendar file read with the icalendar
library, its recurring events expanded (RRULE, RDATE, EXDATE, moved occurrences) by
recurring-ical-events, in UTC, merged. All-day and floating times are in the recruiter's zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]


class CalendarUnreadable(ValueError):
    """The file is not an iCalendar calendar we can read."""


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


def merged(intervals: Iterable[Interval]) -> list[Interval]:
    """Overlapping or touching intervals joined, by start."""
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def busy_intervals(content: bytes, start: datetime, end: datetime, zone: str) -> list[Interval]:
    """The busy intervals of the calendar that overlap [start, end): events that are neither
    free (TRANSP:TRANSPARENT) nor cancelled, each occurrence of a recurring one."""
    # Imported here: at start-up they would cost every process 9 MB that few use.
    import recurring_ical_events  # type: ignore[import-untyped]
    from icalendar import Calendar

    tz = ZoneInfo(zone)
    try:
        calendar = Calendar.from_ical(content)
        occurrences = recurring_ical_events.of(calendar).between(start, end)
    except Exception as error:  # the libraries raise many kinds for a broken file
        raise CalendarUnreadable(str(error) or type(error).__name__) from error
    found: list[Interval] = []
    for event in occurrences:
        if not _is_busy(event) or event.get("DTSTART") is None:
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
    return merged(found)


def overlaps(starts_at: datetime, minutes: int, busy: Iterable[Interval]) -> bool:
    ends_at = starts_at + timedelta(minutes=minutes)
    return any(s < ends_at and starts_at < e for s, e in busy)

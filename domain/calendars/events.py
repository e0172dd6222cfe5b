"""iCalendar files the product writes, with the icalendar library: one booking's event (to add,
update or cancel it) and feeds of many. Times carry the city's zone (TZID and its VTIMEZONE).
The library (7 MB resident) is imported at the first file written, not at start-up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from icalendar import Calendar, Event

PRODUCT_ID = "-//recruiting-bot//calendar//EN"
NO_ADDRESS = "mailto:noreply@recruiting-bot.invalid"
# How often subscribed calendars are asked to read a feed again (clients may read less often).
FEED_REFRESH = timedelta(minutes=15)


class Method(StrEnum):
    PUBLISH = "PUBLISH"  # add or update (a higher SEQUENCE replaces the event of the same UID)
    CANCEL = "CANCEL"  # remove the event of this UID


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    sequence: int
    starts_at: datetime  # aware
    duration_minutes: int
    zone: str  # the city's IANA zone: the event is written in it
    summary: str
    description: str = ""
    location: str | None = None
    url: str | None = None  # the meeting link, where the place is one
    contact: str | None = None  # who the candidate meets (the recruiter)
    alarm_before: timedelta | None = timedelta(hours=1)
    cancelled: bool = False
    free: bool = False  # shown as free time (TRANSP:TRANSPARENT): an open slot in a feed


def _component(event: CalendarEvent, stamp: datetime) -> Event:
    from icalendar import Alarm, Event, vCalAddress

    zone = ZoneInfo(event.zone)
    starts = event.starts_at.astimezone(zone)
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", stamp.astimezone(UTC))
    vevent.add("dtstart", starts)
    vevent.add("dtend", starts + timedelta(minutes=event.duration_minutes))
    vevent.add("summary", event.summary)
    if event.description:
        vevent.add("description", event.description)
    if event.location:
        vevent.add("location", event.location)
    if event.url:
        vevent.add("url", event.url)
    if event.contact:
        vevent.add("contact", event.contact)
        # iTIP (RFC 5546) wants an ORGANIZER on PUBLISH and CANCEL; calendars that match a
        # cancellation to its event look for it. Recruiters have no address of ours to give,
        # so the reserved .invalid domain says "named, not mailable".
        organizer = vCalAddress(NO_ADDRESS)
        organizer.params["CN"] = event.contact
        vevent.add("organizer", organizer)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("transp", "TRANSPARENT" if event.free else "OPAQUE")
    if event.alarm_before is not None and not event.cancelled and not event.free:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", event.summary)
        alarm.add("trigger", -event.alarm_before)
        vevent.add_component(alarm)
    return vevent


def _calendar(method: Method | None, name: str | None = None) -> Calendar:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method is not None:
        calendar.add("method", method.value)
    if name is not None:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", FEED_REFRESH)
    return calendar


def _with_zones(calendar: Calendar, events: Sequence[CalendarEvent]) -> bytes:
    """The VTIMEZONEs of the zones used, over the years around the events only: a short list of
    transitions that every reader takes (long ones are misread by some)."""
    if events:
        first = min(e.starts_at for e in events).date()
        last = max(e.starts_at for e in events).date()
        calendar.add_missing_timezones(
            first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 2, 1, 1)
        )
    ical: bytes = calendar.to_ical()
    return ical


def event_file(event: CalendarEvent, stamp: datetime, method: Method = Method.PUBLISH) -> bytes:
    """An .ics holding one event: to add or update it (PUBLISH) or to remove it (CANCEL)."""
    calendar = _calendar(method)
    calendar.add_component(
        _component(event, stamp) if method is Method.PUBLISH else _cancelled(event, stamp)
    )
    return _with_zones(calendar, [event])


def _cancelled(event: CalendarEvent, stamp: datetime) -> Event:
    return _component(replace(event, cancelled=True), stamp)


def feed_file(name: str, events: Sequence[CalendarEvent], stamp: datetime) -> bytes:
    """A calendar to subscribe to: every event of it as it stands now (one missing from a later
    copy is gone from subscribers' calendars)."""
    calendar = _calendar(Method.PUBLISH, name)
    for event in events:
        calendar.add_component(_component(event, stamp))
    return _with_zones(calendar, events)

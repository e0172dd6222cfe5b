"""A booking as an event in people's own calendars: one UID for its whole life (kept when it
moves), a sequence that grows with each change, the city's time zone, the place or the meeting
link, the recruiter, a reminder an hour before."""

from __future__ import annotations

from datetime import datetime

from domain.bookings.texts import BookingView
from domain.calendars.events import CalendarEvent, Method, event_file
from domain.calendars.links import google_link, outlook_link
from domain.messaging.texts import Catalog


def _is_link(place: str) -> bool:
    return place.startswith(("https://", "http://"))


def booking_event(view: BookingView, catalog: Catalog, locale: str) -> CalendarEvent:
    values = view.values(catalog, locale)
    what = values["what"].capitalize()
    place = values["place"]
    lines = [f"{what}, {values['city']}", view.recruiter]
    if values["vacancy"]:
        lines.insert(1, values["vacancy"])
    return CalendarEvent(
        uid=view.calendar_uid,
        sequence=view.calendar_sequence,
        starts_at=view.starts_at,
        duration_minutes=view.duration_minutes,
        zone=view.zone,
        summary=f"{what}: {view.recruiter}",
        description="\n".join(lines),
        location=place,
        url=place if _is_link(place) else None,
        contact=view.recruiter,
    )


def calendar_file(view: BookingView, catalog: Catalog, locale: str, stamp: datetime) -> bytes:
    """The .ics that adds the booking to a calendar, or updates the event it was before a move."""
    return event_file(booking_event(view, catalog, locale), stamp, Method.PUBLISH)


def cancel_file(view: BookingView, catalog: Catalog, locale: str, stamp: datetime) -> bytes:
    """The .ics that removes the booking's event from a calendar it was added to."""
    return event_file(booking_event(view, catalog, locale), stamp, Method.CANCEL)


def calendar_file_name(view: BookingView) -> str:
    return f"booking-{view.booking_id}.ics"


def add_to_calendar_links(view: BookingView, catalog: Catalog, locale: str) -> dict[str, str]:
    """{"google": url, "outlook": url}: the event ready to save in either, for buttons."""
    event = booking_event(view, catalog, locale)
    return {"google": google_link(event), "outlook": outlook_link(event)}

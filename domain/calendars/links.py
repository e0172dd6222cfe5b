"""Links that open an event ready to save in Google Calendar or Outlook on the web."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from domain.calendars.events import CalendarEvent

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/action/compose"


def _ends_at(event: CalendarEvent) -> datetime:
    return event.starts_at + timedelta(minutes=event.duration_minutes)


def _details(event: CalendarEvent) -> str:
    return "\n".join(part for part in (event.description, event.url) if part)


def google_link(event: CalendarEvent) -> str:
    def stamp(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    query = {
        "action": "TEMPLATE",
        "text": event.summary,
        "dates": f"{stamp(event.starts_at)}/{stamp(_ends_at(event))}",
        "details": _details(event),
        "location": event.location or "",
        "ctz": event.zone,
    }
    return f"{GOOGLE}?{urlencode(query)}"


def outlook_link(event: CalendarEvent) -> str:
    def stamp(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.summary,
        "startdt": stamp(event.starts_at),
        "enddt": stamp(_ends_at(event)),
        "body": _details(event),
        "location": event.location or "",
    }
    return f"{OUTLOOK}?{urlencode(query)}"

"""Every .ics the product writes is read the same by two independent parsers (icalendar and
vobject): the same event (UID), version (SEQUENCE) and instant, in the city's own zone; a
cancellation cancels; the reminder, the meeting link and the recruiter are there; the Google and
Outlook links carry the same times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import vobject
from icalendar import Calendar

from core.enums import SlotPurpose
from domain.bookings.calendar_file import (
    add_to_calendar_links,
    booking_event,
    calendar_file,
    cancel_file,
)
from domain.bookings.calendar_follow import calendar_buttons
from domain.bookings.texts import BookingView
from domain.calendars.events import feed_file
from domain.messaging.texts import Catalog
from storage.dto import CityDTO

STAMP = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
LINK = "https://meet.example/abc"
UID = "0b8f3c1e-1111-2222-3333-444455556666@recruiting-bot"

# (zone, a start in UTC): Berlin in summer (UTC+2) and winter (UTC+1), Moscow (UTC+3, no DST).
CASES = [
    ("Europe/Berlin", datetime(2026, 7, 14, 8, 30, tzinfo=UTC)),
    ("Europe/Berlin", datetime(2026, 1, 20, 9, 0, tzinfo=UTC)),
    ("Europe/Moscow", datetime(2026, 3, 30, 7, 0, tzinfo=UTC)),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load("en")


def _view(
    zone: str, starts_at: datetime, *, place: str | None = LINK, sequence: int = 0
) -> BookingView:
    city = CityDTO(
        id=1,
        name="Berlin",
        timezone=zone,
        active=True,
        plan_per_week=None,
        plan_per_month=None,
        requires_approval=False,
        intro_day_address=None,
    )
    return BookingView(
        booking_id=7,
        slot_id=3,
        purpose=SlotPurpose.INTERVIEW,
        status="approved",
        starts_at=starts_at,
        duration_minutes=45,
        zone=zone,
        city_id=1,
        city_dto=city,
        recruiter="Anna Smirnova",
        own_place=place,
        calendar_uid=UID,
        calendar_sequence=sequence,
    )


def _both(ics: bytes) -> tuple[Any, Any]:
    """The file as icalendar reads it, and as vobject does (each its only VEVENT)."""
    by_icalendar = Calendar.from_ical(ics)
    by_vobject = vobject.readOne(ics.decode())
    return by_icalendar, by_vobject


def _read(ics: bytes) -> list[tuple[str, int, datetime]]:
    """(UID, SEQUENCE, start in UTC) of every event, as both parsers read them; they agree."""
    by_icalendar, by_vobject = _both(ics)
    first = [
        (str(e["uid"]), int(e["sequence"]), e.decoded("dtstart").astimezone(UTC))
        for e in by_icalendar.walk("VEVENT")
    ]
    second = [
        (
            e.uid.value,
            int(e.sequence.value),
            e.dtstart.value.astimezone(UTC),
        )
        for e in by_vobject.vevent_list
    ]
    assert first == second
    return first


@pytest.mark.parametrize(("zone", "starts_at"), CASES)
def test_the_event_is_read_alike_in_the_city_zone(
    catalog: Catalog, zone: str, starts_at: datetime
) -> None:
    ics = calendar_file(_view(zone, starts_at, sequence=2), catalog, "en", STAMP)
    assert _read(ics) == [(UID, 2, starts_at)]
    calendar, by_vobject = _both(ics)
    assert str(calendar["method"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert event["dtstart"].params["TZID"] == zone
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == [zone]
    assert by_vobject.vevent.dtstart.value.tzinfo is not None
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=45)


@pytest.mark.parametrize(("zone", "starts_at"), CASES)
def test_the_cancellation_cancels_the_same_event(
    catalog: Catalog, zone: str, starts_at: datetime
) -> None:
    ics = cancel_file(_view(zone, starts_at, sequence=3), catalog, "en", STAMP)
    assert _read(ics) == [(UID, 3, starts_at)]
    calendar, by_vobject = _both(ics)
    assert str(calendar["method"]) == "CANCEL"
    assert by_vobject.method.value == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"
    assert by_vobject.vevent.status.value == "CANCELLED"
    assert not event.walk("VALARM")  # nothing to remind of


def test_a_meeting_link_is_the_url_with_the_recruiter_and_an_alarm(catalog: Catalog) -> None:
    ics = calendar_file(_view(*CASES[0]), catalog, "en", STAMP)
    calendar, by_vobject = _both(ics)
    (event,) = calendar.walk("VEVENT")
    assert str(event["url"]) == LINK
    assert by_vobject.vevent.url.value == LINK
    assert str(event["location"]) == LINK
    assert str(event["contact"]) == "Anna Smirnova"
    assert "Anna Smirnova" in str(event["description"])
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(hours=1)
    assert by_vobject.vevent.valarm.trigger.value == -timedelta(hours=1)


def test_an_address_is_the_location_without_a_url(catalog: Catalog) -> None:
    ics = calendar_file(_view(*CASES[1], place="12 Lenin St, office 3"), catalog, "en", STAMP)
    calendar, _ = _both(ics)
    (event,) = calendar.walk("VEVENT")
    assert str(event["location"]) == "12 Lenin St, office 3"
    assert "url" not in event


def test_a_feed_of_several_zones_is_read_alike(catalog: Catalog) -> None:
    events = [
        booking_event(_view(zone, starts_at, sequence=i), catalog, "en")
        for i, (zone, starts_at) in enumerate(CASES)
    ]
    ics = feed_file("Interviews", events, STAMP)
    assert sorted(_read(ics), key=lambda e: e[1]) == [
        (UID, i, starts_at) for i, (_zone, starts_at) in enumerate(CASES)
    ]
    calendar, _ = _both(ics)
    assert sorted(str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")) == [
        "Europe/Berlin",
        "Europe/Moscow",
    ]


@pytest.mark.parametrize(("zone", "starts_at"), CASES)
def test_google_and_outlook_links_carry_the_utc_times(
    catalog: Catalog, zone: str, starts_at: datetime
) -> None:
    view = _view(zone, starts_at)
    links = add_to_calendar_links(view, catalog, "en")
    ends_at = starts_at + timedelta(minutes=45)
    google = parse_qs(urlsplit(links["google"]).query)
    assert urlsplit(links["google"]).netloc == "calendar.google.com"
    start, end = google["dates"][0].split("/")
    assert datetime.strptime(start, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) == starts_at
    assert datetime.strptime(end, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) == ends_at
    assert google["ctz"] == [zone]
    assert google["location"] == [LINK]
    outlook = parse_qs(urlsplit(links["outlook"]).query)
    assert urlsplit(links["outlook"]).netloc == "outlook.live.com"
    assert datetime.fromisoformat(outlook["startdt"][0]) == starts_at
    assert datetime.fromisoformat(outlook["enddt"][0]) == ends_at
    assert outlook["subject"] == google["text"]


@pytest.mark.parametrize(
    ("locale", "google"), [("en", "Add to Google Calendar"), ("ru", "Добавить в Google Календарь")]
)
def test_the_buttons_are_the_two_links(catalog: Catalog, locale: str, google: str) -> None:
    view = _view(*CASES[0])
    links = add_to_calendar_links(view, catalog, locale)
    assert calendar_buttons(view, catalog, locale) == [
        [{"text": google, "url": links["google"]}, {"text": "Outlook", "url": links["outlook"]}]
    ]


def test_after_a_move_there_are_no_links_to_save_a_second_copy(catalog: Catalog) -> None:
    """A copy saved from a link has none of the event's UID: after a move it would stay at the
    old time beside the moved event, so only the first confirmation offers the links."""
    assert calendar_buttons(_view(*CASES[0], sequence=1), catalog, "en") == []


@pytest.mark.parametrize("make", [calendar_file, cancel_file])
def test_the_recruiter_is_the_organizer_as_itip_asks(catalog: Catalog, make: Any) -> None:
    """PUBLISH and CANCEL carry an ORGANIZER (RFC 5546), the recruiter by name, at an address
    in the reserved .invalid domain (no mail goes there)."""
    calendar, by_vobject = _both(make(_view(*CASES[0]), catalog, "en", STAMP))
    (event,) = calendar.walk("VEVENT")
    assert event["organizer"].params["CN"] == "Anna Smirnova"
    assert str(event["organizer"]).endswith(".invalid")
    assert by_vobject.vevent.organizer.params["CN"] == ["Anna Smirnova"]

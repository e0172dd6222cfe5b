"""Calendar feeds as a subscribed calendar reads them: a recruiter's secret URL serving their
coming bookings and free slots, an account's feed per city, renewing a link, the panel's page.
Every feed is read with two independent parsers (icalendar and vobject)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar
from structlog.testing import capture_logs

from core.enums import BookingStatus
from domain.calendars.feeds import (
    feed_for_account,
    feed_for_recruiter,
    renew_recruiter_feed,
    slot_uid,
)
from storage.models import Booking, Slot
from storage.repositories.audit import AuditFilter
from tests.admin.conftest import Panel, bearer
from tests.support.factories import NOW, make_candidate, make_recruiter, make_slot

MOSCOW = ZoneInfo("Europe/Moscow")


@dataclass(frozen=True)
class Seen:
    """One event as both parsers read it."""

    uid: str
    sequence: int
    start: datetime
    zone: str
    summary: str
    description: str
    transp: str


def _read(body: bytes) -> dict[str, Seen]:
    """The feed's events by UID, read with icalendar and with vobject, which must agree."""
    by_icalendar: dict[str, Seen] = {}
    for event in Calendar.from_ical(body).walk("VEVENT"):
        start = event["DTSTART"].dt
        by_icalendar[str(event["UID"])] = Seen(
            str(event["UID"]),
            int(event.get("SEQUENCE", 0)),
            start,
            str(start.tzinfo),
            str(event["SUMMARY"]),
            str(event.get("DESCRIPTION", "")),
            str(event.get("TRANSP", "OPAQUE")),
        )
    by_vobject: dict[str, Seen] = {}
    calendar = vobject.readOne(body.decode())
    for event in getattr(calendar, "vevent_list", []):
        start = event.dtstart.value
        by_vobject[event.uid.value] = Seen(
            event.uid.value,
            int(event.sequence.value),
            start,
            str(start.tzinfo),
            event.summary.value,
            event.description.value if hasattr(event, "description") else "",
            event.transp.value,
        )
    assert set(by_icalendar) == set(by_vobject)
    for uid, seen in by_icalendar.items():
        other = by_vobject[uid]
        assert (seen.sequence, seen.summary, seen.description, seen.transp) == (
            other.sequence,
            other.summary,
            other.description,
            other.transp,
        )
        assert seen.start == other.start  # the same instant
        assert seen.start.utcoffset() == other.start.utcoffset()
    return by_icalendar


async def _book(
    panel: Panel,
    recruiter_id: int,
    city_id: int,
    starts_at: datetime,
    name: str,
    status: BookingStatus = BookingStatus.CONFIRMED,
    *,
    calendar: tuple[str, int] | None = None,
) -> Booking:
    async with panel.storage.uow() as uow:
        recruiter = await uow.recruiters.get(recruiter_id)
        city = await uow.cities.get(city_id)
        assert recruiter is not None and city is not None
        slot = await make_slot(uow, recruiter, city, starts_at)
        candidate = await make_candidate(uow, city, full_name=name)
        booking = await uow.bookings.try_create(
            slot, candidate.id, status, actor="test", calendar=calendar
        )
        assert booking is not None
        await uow.commit()
        return booking


async def _free_slot(panel: Panel, recruiter_id: int, city_id: int, starts_at: datetime) -> Slot:
    async with panel.storage.uow() as uow:
        recruiter = await uow.recruiters.get(recruiter_id)
        city = await uow.cities.get(city_id)
        assert recruiter is not None and city is not None
        slot = await make_slot(uow, recruiter, city, starts_at)
        await uow.commit()
        return slot


async def _cancel(panel: Panel, booking_id: int) -> None:
    async with panel.storage.uow() as uow:
        booking = await uow.bookings.get(booking_id)
        assert booking is not None
        booking.status = BookingStatus.CANCELED
        await uow.commit()


async def _recruiter_token(panel: Panel, recruiter_id: int) -> str:
    async with panel.storage.uow() as uow:
        return await feed_for_recruiter(uow, recruiter_id)


async def _get(panel: Panel, path: str, **headers: str) -> Any:
    return await panel.client.get(path, headers=headers)


async def test_a_subscribed_calendar_sees_the_recruiters_coming_bookings_and_free_slots(
    panel: Panel,
) -> None:
    tomorrow = NOW + timedelta(days=1)
    coming = await _book(panel, panel.anna_id, panel.kazan_id, tomorrow, "Ivan Petrov")
    free = await _free_slot(panel, panel.anna_id, panel.kazan_id, NOW + timedelta(days=2))
    old = await _book(panel, panel.anna_id, panel.kazan_id, NOW - timedelta(days=10), "Old Timer")
    dropped = await _book(panel, panel.anna_id, panel.kazan_id, NOW + timedelta(days=3), "Gone Guy")
    await _cancel(panel, dropped.id)
    other = await _book(panel, panel.boris_id, panel.samara_id, tomorrow, "Boris Candidate")
    token = await _recruiter_token(panel, panel.anna_id)

    answer = await _get(panel, f"/calendar/{token}.ics")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert answer.headers["Cache-Control"] == "private, max-age=300"
    body = await answer.read()
    events = _read(body)

    booked = events[coming.calendar_uid]
    assert "Ivan Petrov" in booked.summary
    assert "confirmed by the candidate" in booked.description or "кандидат подтвердил" in (
        booked.description
    )
    assert booked.zone == "Europe/Moscow"
    assert booked.start == tomorrow  # the same instant, written in the city's zone
    assert booked.start.astimezone(MOSCOW).hour == tomorrow.astimezone(MOSCOW).hour
    assert booked.transp == "OPAQUE"
    opened = events[slot_uid(free.id)]
    assert opened.transp == "TRANSPARENT"
    assert opened.summary in ("Free slot", "Свободный слот")
    assert opened.start == NOW + timedelta(days=2)
    assert old.calendar_uid not in events  # before the feed's window
    assert dropped.calendar_uid not in events  # cancelled: gone from the calendar
    assert other.calendar_uid not in events  # another recruiter's
    assert b"Gone Guy" not in body and b"Boris Candidate" not in body and b"Old Timer" not in body
    # The cancelled booking's slot is open again, shown as free time.
    assert events[slot_uid(dropped.slot_id)].transp == "TRANSPARENT"

    # Asked again with its ETag: nothing new, nothing sent.
    etag = answer.headers["ETag"]
    again = await _get(panel, f"/calendar/{token}.ics", **{"If-None-Match": etag})
    assert again.status == 304
    assert await again.read() == b""
    # The same data gives the same bytes.
    assert await (await _get(panel, f"/calendar/{token}.ics")).read() == body

    # A new booking changes the feed.
    await _book(panel, panel.anna_id, panel.kazan_id, NOW + timedelta(days=4), "Maria New")
    changed = await _get(panel, f"/calendar/{token}.ics", **{"If-None-Match": etag})
    assert changed.status == 200
    assert changed.headers["ETag"] != etag
    assert "Maria New" in (await changed.read()).decode()


async def test_a_moved_booking_keeps_its_event_at_the_new_time_with_a_higher_sequence(
    panel: Panel,
) -> None:
    first = NOW + timedelta(days=1)
    booking = await _book(panel, panel.anna_id, panel.kazan_id, first, "Ivan Petrov")
    token = await _recruiter_token(panel, panel.anna_id)
    before = _read(await (await _get(panel, f"/calendar/{token}.ics")).read())
    assert before[booking.calendar_uid].sequence == 0

    later = NOW + timedelta(days=5, hours=3)
    await _cancel(panel, booking.id)  # the old time ends, the new one carries on its event
    moved = await _book(
        panel,
        panel.anna_id,
        panel.kazan_id,
        later,
        "Ivan Petrov",
        calendar=(booking.calendar_uid, booking.calendar_sequence + 1),
    )
    after = _read(await (await _get(panel, f"/calendar/{token}.ics")).read())
    assert moved.calendar_uid == booking.calendar_uid
    event = after[booking.calendar_uid]
    assert event.start == later
    assert event.sequence == 1
    assert [e for e in after.values() if "Ivan Petrov" in e.summary] == [event]


async def test_a_renewed_link_replaces_the_old_one(panel: Panel) -> None:
    await _book(panel, panel.anna_id, panel.kazan_id, NOW + timedelta(days=1), "Ivan Petrov")
    old = await _recruiter_token(panel, panel.anna_id)
    assert (await _get(panel, f"/calendar/{old}.ics")).status == 200
    async with panel.storage.uow() as uow:
        new = await renew_recruiter_feed(uow, panel.anna_id, NOW, actor="test")
    assert new != old
    gone = await _get(panel, f"/calendar/{old}.ics")
    assert gone.status == 404
    assert old not in await gone.text()
    assert (await _get(panel, f"/calendar/{new}.ics")).status == 200
    assert (await _get(panel, "/calendar/" + "x" * 32 + ".ics")).status == 404


async def test_an_inactive_recruiters_feed_is_gone(panel: Panel) -> None:
    token = await _recruiter_token(panel, panel.anna_id)
    async with panel.storage.uow() as uow:
        anna = await uow.recruiters.get(panel.anna_id)
        assert anna is not None
        anna.active = False
        await uow.commit()
    assert (await _get(panel, f"/calendar/{token}.ics")).status == 404
    # A recruiter's token names no city.
    assert (await _get(panel, f"/calendar/{token}/city/{panel.kazan_id}.ics")).status == 404


async def test_an_admins_city_feed_shows_every_recruiter_of_that_city_only(panel: Panel) -> None:
    async with panel.storage.uow() as uow:
        kazan = await uow.cities.get(panel.kazan_id)
        assert kazan is not None
        vera = await make_recruiter(uow, kazan, name="Vera")
        await uow.commit()
    anna_booking = await _book(
        panel, panel.anna_id, panel.kazan_id, NOW + timedelta(days=1), "Ivan Petrov"
    )
    vera_booking = await _book(panel, vera.id, panel.kazan_id, NOW + timedelta(days=1), "Olga")
    boris_booking = await _book(
        panel, panel.boris_id, panel.samara_id, NOW + timedelta(days=1), "Pavel"
    )
    async with panel.storage.uow() as uow:
        boss = await uow.admin_users.get_by_login("boss")
        assert boss is not None
        token = await feed_for_account(uow, boss.id)

    kazan_feed = _read(
        await (await _get(panel, f"/calendar/{token}/city/{panel.kazan_id}.ics")).read()
    )
    assert {anna_booking.calendar_uid, vera_booking.calendar_uid} <= set(kazan_feed)
    assert boris_booking.calendar_uid not in kazan_feed
    assert "Vera" in kazan_feed[vera_booking.calendar_uid].summary  # whose it is
    samara = await _get(panel, f"/calendar/{token}/city/{panel.samara_id}.ics")
    samara_feed = _read(await samara.read())
    assert boris_booking.calendar_uid in samara_feed
    assert samara_feed[boris_booking.calendar_uid].zone == "Europe/Samara"
    assert anna_booking.calendar_uid not in samara_feed
    # An account token asks for a city; a city that does not exist is not found.
    assert (await _get(panel, f"/calendar/{token}.ics")).status == 404
    assert (await _get(panel, f"/calendar/{token}/city/999999.ics")).status == 404


async def test_a_recruiter_account_reads_only_the_cities_its_recruiter_covers(
    panel: Panel,
) -> None:
    async with panel.storage.uow() as uow:
        rec = await uow.admin_users.get_by_login("rec")  # linked to Anna, of Kazan
        assert rec is not None
        token = await feed_for_account(uow, rec.id)
    assert (await _get(panel, f"/calendar/{token}/city/{panel.kazan_id}.ics")).status == 200
    assert (await _get(panel, f"/calendar/{token}/city/{panel.samara_id}.ics")).status == 404
    async with panel.storage.uow() as uow:
        account = await uow.admin_users.get(rec.id)
        assert account is not None
        account.active = False
        await uow.commit()
    assert (await _get(panel, f"/calendar/{token}/city/{panel.kazan_id}.ics")).status == 404


async def test_the_token_never_reaches_the_log(panel: Panel, monkeypatch: Any) -> None:
    token = await _recruiter_token(panel, panel.anna_id)

    async def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("boom")

    monkeypatch.setattr("admin.calendar_feeds.feed_content", broken)
    with capture_logs() as logs:
        answer = await _get(panel, f"/calendar/{token}.ics")
    assert answer.status == 500
    assert logs, "the failure is logged"
    assert token not in repr(logs)


def _feed_url(page: str) -> str:
    match = re.search(r'id="feed-url" readonly value="([^"]+)"', page)
    assert match, page
    return match.group(1)


async def test_a_recruiter_finds_their_link_in_the_panel_and_renews_it(panel: Panel) -> None:
    await _book(panel, panel.anna_id, panel.kazan_id, NOW + timedelta(days=1), "Ivan Petrov")
    await panel.login("rec")
    page = await (await panel.client.get("/calendars")).text()
    assert "Calendar feeds" in page
    url = _feed_url(page)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/calendar/[A-Za-z0-9_-]+\.ics", url), url
    path = "/calendar/" + url.split("/calendar/", 1)[1]
    feed = await _get(panel, path)
    assert feed.status == 200
    assert "Ivan Petrov" in (await feed.read()).decode()
    # The same link on the next visit.
    assert _feed_url(await (await panel.client.get("/calendars")).text()) == url

    refused = await panel.client.post("/calendars/renew", data={}, allow_redirects=False)
    assert refused.status == 403
    assert (await _get(panel, path)).status == 200

    renewed = await panel.post("/calendars/renew", allow_redirects=False)
    assert renewed.status == 303
    page = await (await panel.client.get("/calendars")).text()
    assert "the old one no longer works" in page
    new_url = _feed_url(page)
    assert new_url != url
    assert (await _get(panel, path)).status == 404
    assert (await _get(panel, "/calendar/" + new_url.split("/calendar/", 1)[1])).status == 200


async def test_an_admin_sees_a_link_per_city_and_renews_a_recruiters(panel: Panel) -> None:
    await panel.login("boss")
    page = await (await panel.client.get("/calendars")).text()
    links = dict(
        re.findall(r'id="city-feed-(\d+)">\s*<td>[^<]*</td>\s*<td><input[^>]*value="([^"]+)"', page)
    )
    assert set(links) == {str(panel.kazan_id), str(panel.samara_id)}
    kazan_url = links[str(panel.kazan_id)]
    assert kazan_url.endswith(f"/city/{panel.kazan_id}.ics")
    assert (await _get(panel, "/calendar/" + kazan_url.split("/calendar/", 1)[1])).status == 200

    anna_token = await _recruiter_token(panel, panel.anna_id)
    recruiter_page = await (await panel.client.get(f"/recruiters/{panel.anna_id}")).text()
    assert f'action="/recruiters/{panel.anna_id}/calendar-feed"' in recruiter_page
    renewed = await panel.post(f"/recruiters/{panel.anna_id}/calendar-feed", allow_redirects=False)
    assert renewed.status == 303
    assert (await _get(panel, f"/calendar/{anna_token}.ics")).status == 404
    async with panel.storage.uow() as uow:
        entries = await uow.audit.newest(AuditFilter(action="calendar_feed_renew"), limit=10)
    assert [e.entity_id for e, _ in entries] == [str(panel.anna_id)]


@pytest.mark.parametrize("locale", ["en", "ru"])
async def test_a_recruiters_feed_speaks_their_language(panel: Panel, locale: str) -> None:
    async with panel.storage.uow() as uow:
        anna = await uow.recruiters.get(panel.anna_id)
        assert anna is not None
        anna.locale = locale
        await uow.commit()
    free = await _free_slot(panel, panel.anna_id, panel.kazan_id, NOW + timedelta(days=1))
    token = await _recruiter_token(panel, panel.anna_id)
    events = _read(await (await _get(panel, f"/calendar/{token}.ics")).read())
    expected = {"en": "Free slot", "ru": "Свободный слот"}[locale]
    assert events[slot_uid(free.id)].summary == expected


async def test_the_api_gives_an_admin_a_recruiters_feed_url_and_renews_it(api: Any) -> None:
    client, storage, tokens = api
    async with storage.uow() as uow:
        (anna,) = await uow.recruiters.list(limit=10)
    path = f"/api/v1/recruiters/{anna.id}/calendar-feed"
    shown = await client.get(path, headers=bearer(tokens["boss"]))
    assert shown.status == 200
    url = (await shown.json())["url"]
    feed_path = "/calendar/" + url.split("/calendar/", 1)[1]
    assert (await client.get(feed_path)).status == 200
    assert (await (await client.get(path, headers=bearer(tokens["boss"]))).json())["url"] == url

    assert (await client.get(path, headers=bearer(tokens["rec"]))).status == 403
    missing = await client.get(
        "/api/v1/recruiters/999999/calendar-feed", headers=bearer(tokens["boss"])
    )
    assert missing.status == 404

    renewed = await client.post(f"{path}/renew", headers=bearer(tokens["boss"]))
    assert renewed.status == 200
    new_url = (await renewed.json())["url"]
    assert new_url != url
    assert (await client.get(feed_path)).status == 404
    assert (await client.get("/calendar/" + new_url.split("/calendar/", 1)[1])).status == 200


async def test_an_unchanged_feed_is_not_written_again(
    panel: Panel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Calendars poll often: the same data is served from the file written last time, and a
    change writes it afresh."""
    import domain.calendars.feeds as feeds

    written: list[int] = []
    real = feeds.feed_file

    def counting(*args: Any, **kwargs: Any) -> bytes:
        written.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(feeds, "feed_file", counting)
    await _book(panel, panel.anna_id, panel.kazan_id, NOW + timedelta(days=1), "Ivan Petrov")
    token = await _recruiter_token(panel, panel.anna_id)
    first = await (await _get(panel, f"/calendar/{token}.ics")).read()
    again = await (await _get(panel, f"/calendar/{token}.ics")).read()
    assert again == first and len(written) == 1
    await _book(panel, panel.anna_id, panel.kazan_id, NOW + timedelta(days=2), "Maria New")
    changed = await (await _get(panel, f"/calendar/{token}.ics")).read()
    assert len(written) == 2 and b"Maria New" in changed


async def test_a_slot_busy_in_the_recruiters_own_calendar_is_not_shown_as_free(
    panel: Panel,
) -> None:
    busy = await _free_slot(panel, panel.anna_id, panel.kazan_id, NOW + timedelta(days=2))
    free = await _free_slot(panel, panel.anna_id, panel.kazan_id, NOW + timedelta(days=3))
    async with panel.storage.uow() as uow:
        url = "https://calendar.example/anna.ics"
        await uow.busy_times.set_source(panel.anna_id, url)
        meeting = (busy.starts_at - timedelta(minutes=15), busy.starts_at + timedelta(minutes=15))
        assert await uow.busy_times.record_copy(
            panel.anna_id, url, NOW, [meeting], etag=None, last_modified=None
        )
        await uow.commit()
    token = await _recruiter_token(panel, panel.anna_id)
    events = _read(await (await _get(panel, f"/calendar/{token}.ics")).read())
    assert slot_uid(free.id) in events
    assert slot_uid(busy.id) not in events  # candidates are not offered it either

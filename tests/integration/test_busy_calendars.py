"""Issue 20.3: a recruiter's own calendar, served by a local HTTP server, read for busy times.

Anna works in Berlin. Her calendar has a meeting every Tuesday 10:00-11:00 Berlin time, except
on 30 March 2027 (EXDATE), and a holiday on Thursday 1 April (all day). Europe changes to summer
time on Sunday 28 March 2027, so the meeting is at 09:00 UTC on 23 March and at 08:00 UTC on
6 April. The clock stands at Saturday 20 March 2027 08:00 UTC; candidates may book 21 days
ahead."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web

from core.clock import FrozenClock
from core.enums import SlotPurpose
from core.result import Failure, Success
from domain.bookings.booking import Messaging, book_slot
from domain.calendars.busy import Interval
from domain.calendars.busy_sources import (
    Expand,
    SlotBusyInCalendar,
    busy_calendar_status,
    expand_here,
    refresh_due,
    set_busy_calendar,
)
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules, free_slots
from scheduler.busy_calendars import CalendarFetcher, ProcessExpander
from tests.conftest import Storage
from tests.support.factories import make_candidate, make_city, make_recruiter, make_slot

NOW = datetime(2027, 3, 20, 8, 0, tzinfo=UTC)
RULES = BookingRules(horizon=timedelta(days=21))
CATALOG = Catalog.load("en")
EVERY = timedelta(minutes=15)
HOUR = timedelta(hours=1)

CALENDAR = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//busy//EN\r
BEGIN:VEVENT\r
UID:weekly@test\r
DTSTAMP:20270301T000000Z\r
DTSTART;TZID=Europe/Berlin:20270302T100000\r
DTEND;TZID=Europe/Berlin:20270302T110000\r
RRULE:FREQ=WEEKLY\r
EXDATE;TZID=Europe/Berlin:20270330T100000\r
SUMMARY:Team meeting\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:holiday@test\r
DTSTAMP:20270301T000000Z\r
DTSTART;VALUE=DATE:20270401\r
DTEND;VALUE=DATE:20270402\r
SUMMARY:Holiday\r
END:VEVENT\r
END:VCALENDAR\r
"""
ETAG = '"v1"'


def _event(uid: str, lines: str) -> bytes:
    text = f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20270301T000000Z\r\n{lines}\r\nEND:VEVENT\r\n"
    return text.encode()


# Events added to the calendar by some modes of the test server.
EXTRA = {
    # A second every other second from 09:59:59 UTC on 23 March, just after the meeting: no real
    # busy time. Expanded, it would make the half hour after the meeting busy (and such a rule
    # without an end, from a month back, takes many seconds).
    "secondly": _event(
        "ticker@test",
        "DTSTART:20270323T095959Z\r\nDURATION:PT1S\r\nRRULE:FREQ=SECONDLY;INTERVAL=2;COUNT=2000",
    ),
    # Half an hour every hour since 1970: seconds of work to reach this year.
    "slow": _event(
        "hourly@test", "DTSTART:19700101T000000Z\r\nDURATION:PT30M\r\nRRULE:FREQ=HOURLY"
    ),
    # Five minutes every quarter of an hour: some 7,900 busy times in the weeks read.
    "many": _event(
        "quarterly@test",
        "DTSTART:20270301T000000Z\r\nDURATION:PT5M\r\nRRULE:FREQ=HOURLY;BYMINUTE=0,15,30,45",
    ),
}

# The slots (30 minutes each), by what the calendar makes of them.
UTC_TIMES = {
    "meeting_winter": datetime(2027, 3, 23, 9, 0, tzinfo=UTC),  # 10:00 CET: busy
    "after_meeting_winter": datetime(2027, 3, 23, 10, 0, tzinfo=UTC),  # 11:00 CET: free
    "exdate_week": datetime(2027, 3, 30, 8, 0, tzinfo=UTC),  # 10:00 CEST, no meeting: free
    "holiday": datetime(2027, 4, 1, 8, 0, tzinfo=UTC),  # all day: busy
    "holiday_night": datetime(2027, 3, 31, 22, 30, tzinfo=UTC),  # 00:30 CEST on 1 April: busy
    "after_holiday": datetime(2027, 4, 2, 8, 0, tzinfo=UTC),  # free
    "meeting_summer": datetime(2027, 4, 6, 8, 0, tzinfo=UTC),  # 10:00 CEST: busy
    "after_meeting_summer": datetime(2027, 4, 6, 9, 0, tzinfo=UTC),  # 11:00 CEST: free
}
BUSY = {"meeting_winter", "holiday", "holiday_night", "meeting_summer"}


@dataclass
class Feed:
    """What the test server answers, and the requests it saw."""

    mode: str = "calendar"
    seen: list[dict[str, str]] = field(default_factory=list)
    never: asyncio.Event = field(default_factory=asyncio.Event)  # never set while it matters

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.seen.append(dict(request.headers))
        if self.mode == "hang":
            await self.never.wait()
        if self.mode == "error":
            return web.Response(status=500, text="oops")
        if self.mode == "huge":
            return web.Response(body=b"X" * 200_000, content_type="text/calendar")
        if self.mode == "garbage":
            return web.Response(body=b"<html>Sign in</html>", content_type="text/calendar")
        if self.mode in EXTRA:
            body = CALENDAR.replace(b"END:VCALENDAR", EXTRA[self.mode] + b"END:VCALENDAR")
            return web.Response(body=body, content_type="text/calendar")
        if request.headers.get("If-None-Match") == ETAG:
            return web.Response(status=304)
        return web.Response(body=CALENDAR, content_type="text/calendar", headers={"ETag": ETAG})


@dataclass
class World:
    storage: Storage
    clock: FrozenClock
    feed: Feed
    url: str
    city_id: int
    anna_id: int
    candidate_id: int
    slots: dict[str, int]

    @property
    def messaging(self) -> Messaging:
        return Messaging(CATALOG, self.clock, RULES)

    async def refresh(self, limit: float = 5.0, expand: Expand = expand_here) -> dict[str, int]:
        fetcher = CalendarFetcher(limit, max_bytes=100_000, private=True)
        return await refresh_due(
            self.storage.uow, fetcher, self.clock, every=EVERY, horizon=RULES.horizon, expand=expand
        )

    async def offered(self) -> set[str]:
        async with self.storage.uow() as uow:
            free = await free_slots(uow, self.city_id, SlotPurpose.INTERVIEW, self.clock, RULES)
        names = {v: k for k, v in self.slots.items()}
        return {names[s.id] for s in free}

    async def status(self) -> Any:
        async with self.storage.uow() as uow:
            return await busy_calendar_status(uow, CATALOG, "en", self.anna_id, self.clock.now())


@pytest.fixture
async def world(storage: Storage, aiohttp_server: Callable[..., Any]) -> World:
    feed = Feed()
    app = web.Application()
    app.router.add_get("/private/secret-token/basic.ics", feed.handle)
    server = await aiohttp_server(app)
    url = str(server.make_url("/private/secret-token/basic.ics"))
    async with storage.uow() as uow:
        berlin = await make_city(uow, "Berlin", timezone="Europe/Berlin")
        anna = await make_recruiter(uow, berlin, name="Anna", timezone="Europe/Berlin")
        slots = {
            name: (await make_slot(uow, anna, berlin, moment)).id
            for name, moment in UTC_TIMES.items()
        }
        candidate = await make_candidate(uow, berlin)
        await uow.commit()
    async with storage.uow() as uow:
        saved = await set_busy_calendar(uow, CATALOG, "en", anna.id, url, actor="test")
        assert isinstance(saved, Success)
    clock = FrozenClock(NOW)
    return World(storage, clock, feed, url, berlin.id, anna.id, candidate.id, slots)


async def test_before_the_calendar_is_read_every_slot_is_offered(world: World) -> None:
    assert await world.offered() == set(UTC_TIMES)


async def test_busy_times_across_the_dst_change_are_not_offered(world: World) -> None:
    assert await world.refresh() == {"copied": 1}
    assert await world.offered() == set(UTC_TIMES) - BUSY
    status = await world.status()
    assert status.fetched_at == NOW and status.error is None
    # Read 60 days past the horizon (to 9 June): the Tuesdays 23 March and 6 April to 8 June
    # (30 March is the exception), and the holiday.
    assert status.busy_ahead == 1 + 10 + 1
    assert status.url == f"http://{world.url.split('/')[2].split(':')[0]}/…"  # secret not shown


async def test_a_busy_slot_is_refused_when_booked_and_a_free_one_is_not(world: World) -> None:
    await world.refresh()
    async with world.storage.uow() as uow:
        refused = await book_slot(
            uow,
            world.messaging,
            candidate_id=world.candidate_id,
            slot_id=world.slots["meeting_summer"],
        )
    assert isinstance(refused, Failure) and isinstance(refused.error, SlotBusyInCalendar)
    assert "busy" in CATALOG.text(refused.error.message_key, "en")
    async with world.storage.uow() as uow:
        booked = await book_slot(
            uow,
            world.messaging,
            candidate_id=world.candidate_id,
            slot_id=world.slots["exdate_week"],
        )
    assert isinstance(booked, Success)


async def test_the_next_read_is_conditional_and_not_modified_keeps_the_busy_times(
    world: World,
) -> None:
    await world.refresh()
    assert await world.refresh() == {}  # read a moment ago: not due yet
    world.clock.advance(EVERY + timedelta(minutes=1))
    assert await world.refresh() == {"unchanged": 1}
    assert world.feed.seen[-1].get("If-None-Match") == ETAG
    assert "If-None-Match" not in world.feed.seen[0]
    assert await world.offered() == set(UTC_TIMES) - BUSY
    assert (await world.status()).fetched_at == world.clock.now()


async def test_a_calendar_that_times_out_keeps_the_last_good_copy(world: World) -> None:
    await world.refresh()
    world.clock.advance(EVERY + timedelta(minutes=1))
    world.feed.mode = "hang"
    try:
        assert await world.refresh(limit=0.3) == {"error": 1}
    finally:
        world.feed.never.set()  # let the server's handler end with the test
    status = await world.status()
    assert status.error == "timed out after 0.3 s"
    assert status.error_at == world.clock.now()
    assert status.fetched_at == NOW  # the last good copy, still in force
    assert await world.offered() == set(UTC_TIMES) - BUSY
    async with world.storage.uow() as uow:
        booked = await book_slot(
            uow,
            world.messaging,
            candidate_id=world.candidate_id,
            slot_id=world.slots["after_holiday"],
        )
    assert isinstance(booked, Success)


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        ("error", "HTTP 500"),
        ("huge", "too large (over 100000 bytes)"),
        ("garbage", "not an iCalendar file"),
    ],
)
async def test_a_failing_read_keeps_the_last_good_copy(world: World, mode: str, error: str) -> None:
    await world.refresh()
    world.clock.advance(EVERY + timedelta(minutes=1))
    world.feed.mode = mode
    assert await world.refresh() == {"error": 1}
    status = await world.status()
    assert status.error == error and status.fetched_at == NOW
    assert await world.offered() == set(UTC_TIMES) - BUSY
    # Once it answers again, the error is gone.
    world.feed.mode = "calendar"
    world.clock.advance(EVERY + timedelta(minutes=1))
    await world.refresh()
    assert (await world.status()).error is None


async def test_removing_the_address_frees_the_busy_slots(world: World) -> None:
    await world.refresh()
    async with world.storage.uow() as uow:
        await set_busy_calendar(uow, CATALOG, "en", world.anna_id, "  ", actor="test")
    assert await world.offered() == set(UTC_TIMES)
    async with world.storage.uow() as uow:
        assert await busy_calendar_status(uow, CATALOG, "en", world.anna_id, NOW) is None


@pytest.mark.parametrize(
    ("given", "refused"),
    [
        ("ftp://example.org/cal.ics", "http://, https:// or webcal://"),
        ("file:///etc/passwd", "http://, https:// or webcal://"),
        ("not a url", "http://, https:// or webcal://"),
        ("https://exa mple.org/\x00", "http://, https:// or webcal://"),
        ("http://[::1/cal.ics", "http://, https:// or webcal://"),
        ("https://example.org/" + "a" * 2000, "at most 2000 characters"),
    ],
)
async def test_an_address_that_cannot_be_read_is_refused(
    world: World, given: str, refused: str
) -> None:
    async with world.storage.uow() as uow:
        result = await set_busy_calendar(uow, CATALOG, "en", world.anna_id, given, actor="x")
    assert isinstance(result, Failure)
    assert refused in result.error.reason  # type: ignore[attr-defined]


async def test_a_webcal_address_is_read_over_https(world: World) -> None:
    async with world.storage.uow() as uow:
        result = await set_busy_calendar(
            uow, CATALOG, "en", world.anna_id, "webcal://calendar.example.org/x.ics", actor="x"
        )
    assert result.unwrap() == "https://calendar.example.org/x.ics"


# --- limits and races (review of issue 20.3) -------------------------------------------------


async def test_a_rule_repeating_every_second_is_ignored_and_the_rest_is_read(world: World) -> None:
    world.feed.mode = "secondly"
    assert await world.refresh() == {"copied": 1}
    assert await world.offered() == set(UTC_TIMES) - BUSY  # "after_meeting_winter" is free
    assert (await world.status()).error is None


async def test_a_calendar_too_slow_to_read_keeps_the_last_good_copy(world: World) -> None:
    expander = ProcessExpander(0.2)
    try:
        assert await world.refresh(expand=expander) == {"copied": 1}  # in the other process
        world.clock.advance(EVERY + timedelta(minutes=1))
        world.feed.mode = "slow"
        assert await world.refresh(expand=expander) == {"error": 1}
    finally:
        await expander.close()
    status = await world.status()
    assert status.error == "too complex: its busy times could not be worked out within 0.2 s"
    assert status.fetched_at == NOW
    assert await world.offered() == set(UTC_TIMES) - BUSY


async def test_a_calendar_with_too_many_busy_times_keeps_the_last_good_copy(world: World) -> None:
    await world.refresh()
    world.clock.advance(EVERY + timedelta(minutes=1))
    world.feed.mode = "many"
    assert await world.refresh() == {"error": 1}
    status = await world.status()
    assert status.error == "too many busy times (over 5000 in the weeks read)"
    assert status.fetched_at == NOW
    assert await world.offered() == set(UTC_TIMES) - BUSY


async def test_a_calendar_answering_not_modified_is_still_read_whole_each_day(
    storage: Storage, world: World
) -> None:
    """The weekly meeting must stay busy however long the calendar stays unchanged: its
    occurrences are worked out for a window that moves with the days."""
    later = NOW + timedelta(days=70)  # Saturday 29 May; the horizon reaches 19 June
    june = datetime(2027, 6, 15, 8, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Berlin: the meeting
    async with storage.uow() as uow:
        anna = await uow.recruiters.get(world.anna_id)
        assert anna is not None
        city = await uow.cities.get(world.city_id)
        assert city is not None
        world.slots["meeting_june"] = (await make_slot(uow, anna, city, june)).id
        world.slots["after_meeting_june"] = (await make_slot(uow, anna, city, june + HOUR)).id
        await uow.commit()
    assert await world.refresh() == {"copied": 1}
    world.clock.advance(later - NOW)
    assert await world.refresh() == {"copied": 1}
    assert "If-None-Match" not in world.feed.seen[-1]  # a whole read: the server answered 200
    assert await world.offered() == {"after_meeting_june"}
    # Within the day, reads are conditional again.
    world.clock.advance(EVERY + timedelta(minutes=1))
    assert await world.refresh() == {"unchanged": 1}
    assert world.feed.seen[-1].get("If-None-Match") == ETAG


async def test_two_rounds_at_once_read_the_calendar_once(world: World) -> None:
    first, second = await asyncio.gather(world.refresh(), world.refresh())
    assert len(world.feed.seen) == 1
    assert sorted([first, second], key=len) == [{}, {"copied": 1}]
    assert await world.offered() == set(UTC_TIMES) - BUSY


async def test_a_copy_of_the_old_address_is_not_kept_for_a_new_one(world: World) -> None:
    """The address changes while the old one's calendar is being worked out: what came from
    the old address is dropped, and the new one is read afresh at the next round."""
    new_url = world.url.replace("basic.ics", "other.ics")

    async def expand_and_meanwhile_change(
        content: bytes, start: datetime, end: datetime, zone: str
    ) -> list[Interval]:
        async with world.storage.uow() as uow:
            changed = await set_busy_calendar(uow, CATALOG, "en", world.anna_id, new_url, actor="x")
            assert isinstance(changed, Success)
        return await expand_here(content, start, end, zone)

    assert await world.refresh(expand=expand_and_meanwhile_change) == {"skipped": 1}
    assert await world.offered() == set(UTC_TIMES)  # no busy time of the old calendar
    status = await world.status()
    assert status.fetched_at is None and status.busy_ahead == 0
    async with world.storage.uow() as uow:
        source = await uow.busy_times.source_of(world.anna_id)
        assert source is not None and source.url == new_url
        assert source.etag is None and source.checked_at is None


async def test_an_inactive_recruiters_calendar_is_not_read(storage: Storage, world: World) -> None:
    async with storage.uow() as uow:
        anna = await uow.recruiters.get(world.anna_id)
        assert anna is not None
        anna.active = False
        await uow.commit()
    assert await world.refresh() == {}
    assert world.feed.seen == []

"""Everything that depends on the hour, at many hours: every 3 hours of a day, the nights
the clocks change in a city that has summer time, New Year's Eve, and cities at UTC+12 and
UTC-10. Each test sets "now" itself and builds its slots from it; the machine's clock plays
no part, so the suite gives the same answers whenever it runs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import (
    BookingStatus,
    CandidateStatus,
    NotificationStatus,
    SlotPurpose,
    TestKind,
)
from core.result import Failure, Success
from core.send_rate import SendRate
from domain.bookings import jobs as recruiter_jobs
from domain.bookings.booking import Messaging, book_slot
from domain.demo import knowledge_questions
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules, free_slots
from domain.screening import knowledge_test
from scheduler.outbox_delivery import OutboxDelivery
from storage.cache import Cache, MemoryBackend
from storage.engine import create_session_factory
from storage.models import Candidate, Notification, Recruiter, Slot, Test
from storage.uow import UnitOfWorkFactory, uow_factory
from tests.integration.test_outbox_delivery import FakeBot
from tests.support.database import sqlite_engine
from tests.support.factories import make_candidate, make_city, make_recruiter, make_slot
from tests.support.reminder_schedule import expected_reminders

MINUTE = timedelta(minutes=1)
RULES = BookingRules()  # the README's defaults: notice 2 h, horizon 14 days, quiet 22-08


@dataclass(frozen=True)
class Moment:
    zone: str
    now: datetime

    def __str__(self) -> str:
        local = self.now.astimezone(ZoneInfo(self.zone))
        return f"{self.zone}@{local:%Y-%m-%dT%H:%M%z}"


def _local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(UTC)  # type: ignore[misc]


MOMENTS = [
    # Every 3 hours of a day, in Moscow (UTC+3).
    *(
        Moment("Europe/Moscow", datetime(2026, 11, 30, hour, 0, tzinfo=UTC))
        for hour in range(0, 24, 3)
    ),
    # The nights the clocks change in Berlin: forward at 02:00 in March, back at 03:00 in October.
    Moment("Europe/Berlin", _local("Europe/Berlin", 2027, 3, 27, 23, 30)),
    Moment("Europe/Berlin", _local("Europe/Berlin", 2027, 3, 28, 1, 30)),
    Moment("Europe/Berlin", _local("Europe/Berlin", 2026, 10, 24, 23, 30)),
    Moment("Europe/Berlin", _local("Europe/Berlin", 2026, 10, 25, 2, 30)),
    # New Year's Eve, 23:30 UTC and 23:30 on the city's clocks.
    Moment("Europe/Moscow", datetime(2026, 12, 31, 23, 30, tzinfo=UTC)),
    Moment("Europe/Moscow", _local("Europe/Moscow", 2026, 12, 31, 23, 30)),
    # Far from UTC: Kamchatka (UTC+12) and Honolulu (UTC-10), evening and New Year's Eve.
    Moment("Asia/Kamchatka", _local("Asia/Kamchatka", 2026, 11, 30, 21, 0)),
    Moment("Asia/Kamchatka", _local("Asia/Kamchatka", 2026, 12, 31, 23, 30)),
    Moment("Pacific/Honolulu", _local("Pacific/Honolulu", 2026, 11, 30, 21, 0)),
    Moment("Pacific/Honolulu", _local("Pacific/Honolulu", 2026, 12, 31, 23, 30)),
]


@pytest.fixture(params=MOMENTS, ids=str)
def moment(request: pytest.FixtureRequest) -> Moment:
    result: Moment = request.param
    return result


@dataclass
class World:
    clock: FrozenClock
    uows: UnitOfWorkFactory
    messaging: Messaging
    zone: str

    def at(self, moment: datetime) -> None:
        assert moment >= self.clock.now(), "time only moves forward"
        self.clock.advance(moment - self.clock.now())


@pytest.fixture
async def world(tmp_path: Path, moment: Moment) -> AsyncIterator[World]:
    clock = FrozenClock(moment.now)
    async with sqlite_engine(tmp_path) as engine:
        # Rows are stamped by the same clock the rules read.
        uows = uow_factory(create_session_factory(engine), Cache(MemoryBackend()), clock=clock)
        yield World(clock, uows, Messaging(Catalog.load("ru"), clock, RULES), moment.zone)


def _half_hour_after(moment: datetime, delta: timedelta) -> datetime:
    """The first whole or half hour at least `delta` after `moment`."""
    later = moment + delta
    rounded = later.replace(minute=0, second=0, microsecond=0)
    while rounded < later:
        rounded += timedelta(minutes=30)
    return rounded


async def _city(
    world: World, *, approval: bool = False, linked: bool = False
) -> tuple[int, Recruiter]:
    async with world.uows() as uow:
        city = await make_city(uow, timezone=world.zone, requires_approval=approval)
        recruiter = await make_recruiter(
            uow, city, timezone=world.zone, telegram_chat_id=555 if linked else None
        )
        await uow.commit()
    return city.id, recruiter


async def _book(world: World, city_id: int, recruiter: Recruiter, starts_at: datetime) -> int:
    """A new candidate books a new slot at `starts_at`; the booking's id."""
    async with world.uows() as uow:
        city = await uow.cities.get(city_id)
        assert city is not None
        slot = await make_slot(uow, recruiter, city, starts_at)
        candidate = await make_candidate(uow, city, status=CandidateStatus.SCREENING_PASSED)
        await uow.commit()
    async with world.uows() as uow:
        booked = await book_slot(uow, world.messaging, candidate_id=candidate.id, slot_id=slot.id)
    assert isinstance(booked, Success), booked
    return booked.value.id


async def _sent_kinds(world: World) -> set[tuple[int | None, str]]:
    async with world.uows() as uow:
        rows = await uow.session.scalars(
            select(Notification).where(Notification.status == NotificationStatus.SENT)
        )
        return {(r.booking_id, r.kind) for r in rows}


# --- reminders -----------------------------------------------------------------------------


async def test_each_reminder_comes_at_its_time_in_order(world: World) -> None:
    city_id, recruiter = await _city(world)
    now = world.clock.now()
    bookings = {}
    for ahead in (timedelta(hours=2), timedelta(hours=9), timedelta(hours=20), timedelta(hours=31)):
        starts_at = _half_hour_after(now, ahead)
        booking_id = await _book(world, city_id, recruiter, starts_at)
        bookings[booking_id] = expected_reminders(starts_at, world.zone, now)
    bot = FakeBot()
    delivery = OutboxDelivery(world.uows, bot, world.clock, SendRate(100_000, 0))  # type: ignore[arg-type]
    await delivery.deliver_due()  # the confirmations, due at once
    already = await _sent_kinds(world)

    schedule = sorted(
        (due, booking_id, kind)
        for booking_id, expected in bookings.items()
        for kind, due in expected
    )
    assert schedule, "at least the 2 h prompts lie ahead"
    sent = set(already)
    for due in sorted({due for due, _, _ in schedule}):
        world.at(due - MINUTE)
        assert await delivery.deliver_due() == 0, f"a reminder came before {due}"
        world.at(due)
        await delivery.deliver_due()
        now_sent = await _sent_kinds(world)
        assert now_sent - sent == {(b, k) for d, b, k in schedule if d == due}, due
        sent = now_sent
    # Nothing else was ever queued for these bookings: no reminder owed is left behind.
    async with world.uows() as uow:
        left = (
            await uow.session.scalars(
                select(Notification).where(Notification.status == NotificationStatus.PENDING)
            )
        ).all()
    assert [(r.kind, r.due_at) for r in left] == []


async def test_no_reminder_falls_in_the_quiet_hours(world: World) -> None:
    city_id, recruiter = await _city(world)
    now = world.clock.now()
    for hours in range(3, 51, 5):
        await _book(world, city_id, recruiter, _half_hour_after(now, timedelta(hours=hours)))
    zone = ZoneInfo(world.zone)
    async with world.uows() as uow:
        rows = (
            await uow.session.scalars(
                select(Notification).where(
                    Notification.kind.in_(["reminder_24h", "confirm_6h", "confirm_2h"])
                )
            )
        ).all()
    assert rows
    for row in rows:
        local = row.due_at.astimezone(zone).time()
        assert time(8) <= local < time(22), (row.kind, row.due_at.astimezone(zone))
        assert row.due_at > now


# --- requests waiting for the recruiter ----------------------------------------------------


async def test_an_unanswered_request_expires_at_its_time_and_not_before(world: World) -> None:
    city_id, recruiter = await _city(world, approval=True)
    now = world.clock.now()
    soon = await _book(world, city_id, recruiter, _half_hour_after(now, timedelta(hours=3)))
    later = await _book(world, city_id, recruiter, _half_hour_after(now, timedelta(hours=40)))
    async with world.uows() as uow:
        soon_slot = await uow.slots.get((await uow.bookings.get(soon)).slot_id)  # type: ignore[union-attr]
        assert soon_slot is not None
        soon_starts = soon_slot.starts_at
    # The sooner one expires when its own time begins; the later one after 24 h unanswered.
    deadlines = sorted([(soon_starts, soon), (now + timedelta(hours=24), later)])
    after = timedelta(hours=24)
    for deadline, booking_id in deadlines:
        world.at(deadline - MINUTE)
        await recruiter_jobs.expire_pending(world.uows, world.messaging, after)
        assert await _status(world, booking_id) is BookingStatus.PENDING, deadline
        world.at(deadline)
        await recruiter_jobs.expire_pending(world.uows, world.messaging, after)
        assert await _status(world, booking_id) is BookingStatus.EXPIRED, deadline


async def _status(world: World, booking_id: int) -> BookingStatus:
    async with world.uows() as uow:
        booking = await uow.bookings.get(booking_id)
        assert booking is not None
        return booking.status


# --- the recruiter's prompts ----------------------------------------------------------------


async def test_came_or_no_show_is_asked_fifteen_minutes_after_the_end(world: World) -> None:
    city_id, recruiter = await _city(world, linked=True)
    booking_id = await _book(
        world, city_id, recruiter, _half_hour_after(world.clock.now(), timedelta(hours=2))
    )
    async with world.uows() as uow:
        booking = await uow.bookings.get(booking_id)
        assert booking is not None
        slot = await uow.slots.get(booking.slot_id)
        assert slot is not None
        asked_at = slot.ends_at + timedelta(minutes=15)
    world.at(asked_at - MINUTE)
    assert await recruiter_jobs.queue_attendance_prompts(world.uows, world.messaging) == 0
    world.at(asked_at)
    assert await recruiter_jobs.queue_attendance_prompts(world.uows, world.messaging) == 1
    assert await recruiter_jobs.queue_attendance_prompts(world.uows, world.messaging) == 0


async def test_the_digest_comes_at_eight_on_the_recruiters_clock(world: World) -> None:
    city_id, recruiter = await _city(world, linked=True)
    zone = ZoneInfo(world.zone)
    now = world.clock.now()
    day = now.astimezone(zone).date()
    eight = datetime.combine(day, time(8), tzinfo=zone).astimezone(UTC)
    if eight <= now:
        eight = datetime.combine(day + timedelta(days=1), time(8), tzinfo=zone).astimezone(UTC)
    digest_day = eight.astimezone(zone).date()
    noon = datetime.combine(digest_day, time(12), tzinfo=zone).astimezone(UTC)
    await _book(world, city_id, recruiter, noon)
    world.at(eight - MINUTE)
    assert await recruiter_jobs.queue_daily_digests(world.uows, world.messaging) == 0
    world.at(eight)
    assert await recruiter_jobs.queue_daily_digests(world.uows, world.messaging) == 1
    world.at(eight + timedelta(hours=3))
    assert await recruiter_jobs.queue_daily_digests(world.uows, world.messaging) == 0
    async with world.uows() as uow:
        digest = (
            await uow.session.scalars(
                select(Notification).where(Notification.kind == "daily_digest")
            )
        ).one()
    assert digest.due_at == eight
    assert noon.astimezone(zone).strftime("%H:%M") in digest.payload["text"]


# --- test 2's time limit ---------------------------------------------------------------------


async def test_test2_allows_its_time_limit_and_not_a_second_more(world: World) -> None:
    async with world.uows() as uow:
        uow.tests.add(Test(kind=TestKind.KNOWLEDGE, title="t2", questions=knowledge_questions()))
        city = await make_city(uow, timezone=world.zone)
        person = await make_candidate(uow, city, status=CandidateStatus.INTERVIEWED_PASSED)
        await uow.commit()
    first = await _step(world, person.id)
    world.at(world.clock.now() + timedelta(seconds=first.seconds))  # on the last second
    counted = await _answer(world, person.id, first.question.id)
    assert isinstance(counted, knowledge_test.Test2Question | knowledge_test.Test2Wrong)
    assert not isinstance(counted, knowledge_test.Test2TimeUp)
    second = counted.retry if isinstance(counted, knowledge_test.Test2Wrong) else counted
    world.at(world.clock.now() + timedelta(seconds=second.seconds + 1))  # a second too late
    late = await _answer(world, person.id, second.question.id)
    assert isinstance(late, knowledge_test.Test2TimeUp)


async def _answer(world: World, candidate_id: int, question_id: int) -> object:
    async with world.uows() as uow:
        candidate = await uow.candidates.get(candidate_id)
        assert candidate is not None
        return await knowledge_test.submit_answer(
            uow, candidate, question_id, "no such option", world.clock
        )


async def _step(world: World, candidate_id: int) -> knowledge_test.Test2Question:
    async with world.uows() as uow:
        candidate = await uow.candidates.get(candidate_id)
        assert isinstance(candidate, Candidate)
        step, timed_out = await knowledge_test.current_step(uow, candidate, world.clock)
    assert isinstance(step, knowledge_test.Test2Question)
    assert not timed_out
    return step


# --- the booking window --------------------------------------------------------------------


async def test_times_are_offered_from_the_notice_to_the_horizon(world: World) -> None:
    city_id, recruiter = await _city(world)
    now = world.clock.now()
    starts = {
        "inside the notice": now + RULES.min_notice - MINUTE,
        "at the notice": now + RULES.min_notice,
        "at the horizon": now + RULES.horizon,
        "past the horizon": now + RULES.horizon + MINUTE,
    }
    slots: dict[str, Slot] = {}
    async with world.uows() as uow:
        city = await uow.cities.get(city_id)
        assert city is not None
        for name, starts_at in starts.items():
            slots[name] = await make_slot(uow, recruiter, city, starts_at)
        await uow.commit()
    async with world.uows() as uow:
        offered = await free_slots(uow, city_id, SlotPurpose.INTERVIEW, world.clock, RULES)
    assert {s.id for s in offered} == {slots["at the notice"].id, slots["at the horizon"].id}
    for name, slot in slots.items():
        async with world.uows() as uow:
            city = await uow.cities.get(city_id)
            candidate = await make_candidate(uow, city)
            await uow.commit()
        async with world.uows() as uow:
            booked = await book_slot(
                uow, world.messaging, candidate_id=candidate.id, slot_id=slot.id
            )
        assert isinstance(booked, Success) == (name in ("at the notice", "at the horizon")), name
        if isinstance(booked, Failure):
            assert "outside the booking window" in str(booked.error), name

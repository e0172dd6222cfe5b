"""A booking gets exactly the reminders it should: when approved, moved and cancelled."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import CandidateStatus, NotificationStatus
from core.result import Success
from domain.bookings.booking import Messaging, book_slot, cancel_booking, move_booking
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from storage.models import Notification
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

MSK = ZoneInfo("Europe/Moscow")


def _at(days: int, hour: int) -> datetime:
    return datetime.combine(
        NOW.astimezone(MSK).date() + timedelta(days=days), time(hour), tzinfo=MSK
    ).astimezone(UTC)


async def _reminders(storage: Storage) -> list[tuple[int | None, str, datetime, str]]:
    async with storage.uow() as uow:
        rows = (
            await uow.session.scalars(
                select(Notification)
                .where(Notification.kind.in_(["reminder_24h", "confirm_6h", "confirm_2h"]))
                .order_by(Notification.id)
            )
        ).all()
        return [(r.booking_id, r.kind, r.due_at, r.status.value) for r in rows]


async def test_approved_moved_and_cancelled_bookings_get_exactly_their_reminders(
    storage: Storage,
) -> None:
    messaging = Messaging(Catalog.load("ru"), FrozenClock(NOW), BookingRules())
    async with storage.uow() as uow:
        city = await make_city(uow, timezone="Europe/Moscow", requires_approval=False)
        recruiter = await make_recruiter(uow, city)
        first = await make_slot(uow, recruiter, city, _at(3, 10))
        second = await make_slot(uow, recruiter, city, _at(4, 15))
        candidate = await make_candidate(uow, city, status=CandidateStatus.SCREENING_PASSED)
        await uow.commit()
    async with storage.uow() as uow:
        booked = await book_slot(uow, messaging, candidate_id=candidate.id, slot_id=first.id)
    assert isinstance(booked, Success)
    booking_id = booked.value.id
    assert await _reminders(storage) == [
        (booking_id, "reminder_24h", _at(2, 10), "pending"),
        # 6 h before 10:00 is 04:00, inside the quiet hours: moved to 21:59 the evening before.
        (booking_id, "confirm_6h", _at(2, 22) - timedelta(minutes=1), "pending"),
        (booking_id, "confirm_2h", _at(3, 8), "pending"),
    ]

    async with storage.uow() as uow:
        person = await uow.candidates.get(candidate.id)
        assert person is not None
        moved = await move_booking(uow, messaging, person, booking_id, second.id)
    assert isinstance(moved, Success)
    new_id = moved.value.id
    after_move = await _reminders(storage)
    assert [r[3] for r in after_move if r[0] == booking_id] == ["canceled"] * 3
    assert [(r[1], r[2]) for r in after_move if r[0] == new_id] == [
        ("reminder_24h", _at(3, 15)),
        ("confirm_6h", _at(4, 9)),
        ("confirm_2h", _at(4, 13)),
    ]

    async with storage.uow() as uow:
        person = await uow.candidates.get(candidate.id)
        assert person is not None
        assert isinstance(await cancel_booking(uow, messaging, person, new_id, "plans"), Success)
    pending = [r for r in await _reminders(storage) if r[3] == NotificationStatus.PENDING.value]
    assert pending == []  # nothing after the cancel


async def test_prompts_that_quiet_hours_bring_together_are_sent_once(storage: Storage) -> None:
    messaging = Messaging(Catalog.load("ru"), FrozenClock(NOW), BookingRules())
    async with storage.uow() as uow:
        city = await make_city(uow, timezone="Europe/Moscow", requires_approval=False)
        recruiter = await make_recruiter(uow, city)
        nine = await make_slot(uow, recruiter, city, _at(3, 9))
        candidate = await make_candidate(uow, city, status=CandidateStatus.SCREENING_PASSED)
        await uow.commit()
    async with storage.uow() as uow:
        booked = await book_slot(uow, messaging, candidate_id=candidate.id, slot_id=nine.id)
    assert isinstance(booked, Success)
    # 6 h before 09:00 is 03:00 and 2 h before is 07:00: both quiet, both would move to 21:59
    # the evening before; the candidate is asked "will you come?" once.
    assert [(kind, due) for _, kind, due, _ in await _reminders(storage)] == [
        ("reminder_24h", _at(2, 9)),
        ("confirm_6h", _at(2, 22) - timedelta(minutes=1)),
    ]

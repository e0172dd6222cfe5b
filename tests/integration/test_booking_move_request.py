"""Moving a confirmed interview where the city approves requests: the confirmed time stands
until the new one is approved; a declined, rejected by time or expired request leaves it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import BookingStatus, CandidateStatus, NotificationStatus
from core.result import Success
from domain.bookings.booking import (
    Messaging,
    active_booking,
    approve_booking,
    book_slot,
    move_booking,
    move_request,
)
from domain.bookings.desk import cancel, offer_another_time
from domain.bookings.jobs import expire_pending
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from storage.dto import RecruiterDTO
from storage.models import Booking, Notification
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot


def _messaging() -> tuple[FrozenClock, Messaging]:
    clock = FrozenClock(NOW)
    return clock, Messaging(Catalog.load("en"), clock, BookingRules())


async def _confirmed(
    storage: Storage, m: Messaging, *, requires_approval: bool = True
) -> tuple[RecruiterDTO, int, int, int]:
    """A candidate whose interview was requested and approved; a second free slot."""
    async with storage.uow() as uow:
        city = await make_city(uow, requires_approval=requires_approval)
        recruiter = await make_recruiter(uow, city)
        first = await make_slot(uow, recruiter, city, NOW + timedelta(days=2))
        second = await make_slot(uow, recruiter, city, NOW + timedelta(days=3))
        person = await make_candidate(uow, city, status=CandidateStatus.SCREENING_PASSED)
        await uow.commit()
        dto = await uow.recruiters.get_dto(recruiter.id)
        ids = person.id, first.id, second.id
    assert dto is not None
    async with storage.uow() as uow:
        booked = await book_slot(uow, m, candidate_id=ids[0], slot_id=ids[1])
    assert isinstance(booked, Success)
    if requires_approval:
        async with storage.uow() as uow:
            assert isinstance(
                await approve_booking(uow, m, booked.value.id, actor="recruiter:1"), Success
            )
    return dto, ids[0], booked.value.id, ids[2]


async def _request_move(storage: Storage, m: Messaging, person_id: int, old: int, slot: int) -> int:
    async with storage.uow() as uow:
        person = await uow.candidates.get(person_id)
        assert person is not None
        moved = await move_booking(uow, m, person, old, slot)
    assert isinstance(moved, Success)
    return moved.value.id


async def _status(storage: Storage, booking_id: int) -> BookingStatus:
    async with storage.uow() as uow:
        booking = await uow.session.get(Booking, booking_id)
        assert booking is not None
        await uow.session.refresh(booking)
        return booking.status


async def _told(storage: Storage, kind: str) -> list[Notification]:
    async with storage.uow() as uow:
        rows = await uow.session.scalars(select(Notification).where(Notification.kind == kind))
        return list(rows)


async def _holds(storage: Storage, person_id: int) -> tuple[int | None, int | None]:
    """The booking that stands and the requested move, as /mybooking sees them."""
    async with storage.uow() as uow:
        person = await uow.candidates.get(person_id)
        assert person is not None
        held = await active_booking(uow, person)
        requested = await move_request(uow, held) if held else None
        return (held.id if held else None), (requested.id if requested else None)


async def test_a_move_request_keeps_the_confirmed_time_until_declined(storage: Storage) -> None:
    _, m = _messaging()
    recruiter, person_id, old, second = await _confirmed(storage, m)
    new = await _request_move(storage, m, person_id, old, second)
    assert new != old
    assert await _status(storage, new) is BookingStatus.PENDING
    assert await _status(storage, old) is BookingStatus.APPROVED
    assert await _holds(storage, person_id) == (old, new)
    async with storage.uow() as uow:
        person = await uow.candidates.get(person_id)
        assert person is not None and person.status is CandidateStatus.INTERVIEW_SCHEDULED

    async with storage.uow() as uow:
        assert isinstance(await offer_another_time(uow, m, recruiter, new), Success)
    assert await _status(storage, new) is BookingStatus.DECLINED
    assert await _status(storage, old) is BookingStatus.APPROVED
    assert await _holds(storage, person_id) == (old, None)
    (told,) = await _told(storage, "booking_move_declined")
    assert "still stands" in told.payload["text"]
    async with storage.uow() as uow:
        person = await uow.candidates.get(person_id)
        assert person is not None and person.status is CandidateStatus.INTERVIEW_SCHEDULED
        reminders = await uow.session.scalars(
            select(Notification).where(
                Notification.booking_id == old, Notification.kind.like("reminder%")
            )
        )
        assert all(r.status is NotificationStatus.PENDING for r in reminders)


async def test_an_approved_move_ends_the_old_time_and_its_reminders(storage: Storage) -> None:
    _, m = _messaging()
    _, person_id, old, second = await _confirmed(storage, m)
    async with storage.uow() as uow:
        before = list(
            await uow.session.scalars(select(Notification).where(Notification.booking_id == old))
        )
    assert any(n.kind.startswith("reminder") for n in before)
    new = await _request_move(storage, m, person_id, old, second)
    async with storage.uow() as uow:
        assert isinstance(await approve_booking(uow, m, new, actor="recruiter:1"), Success)
    assert await _status(storage, new) is BookingStatus.APPROVED
    assert await _status(storage, old) is BookingStatus.CANCELED
    assert await _holds(storage, person_id) == (new, None)
    async with storage.uow() as uow:
        old_row = await uow.session.get(Booking, old)
        assert old_row is not None and old_row.reason == "moved"
        reminders = list(
            await uow.session.scalars(
                select(Notification).where(
                    Notification.booking_id == old, Notification.kind.like("reminder%")
                )
            )
        )
        assert reminders and all(r.status is NotificationStatus.CANCELED for r in reminders)
        person = await uow.candidates.get(person_id)
        assert person is not None and person.status is CandidateStatus.INTERVIEW_SCHEDULED
    assert [n.booking_id for n in await _told(storage, "booking_confirmed")][-1] == new


async def test_an_unanswered_move_request_expires_and_the_old_time_stands(
    storage: Storage,
) -> None:
    clock, m = _messaging()
    _, person_id, old, second = await _confirmed(storage, m)
    new = await _request_move(storage, m, person_id, old, second)
    clock.advance(timedelta(hours=30))
    assert await expire_pending(storage.uow, m, timedelta(hours=24)) == 1
    assert await _status(storage, new) is BookingStatus.EXPIRED
    assert await _status(storage, old) is BookingStatus.APPROVED
    assert await _holds(storage, person_id) == (old, None)
    (told,) = await _told(storage, "booking_move_expired")
    assert "still stands" in told.payload["text"]
    assert not await _told(storage, "booking_expired")


async def test_a_recruiter_cancelling_the_request_leaves_the_old_time(storage: Storage) -> None:
    _, m = _messaging()
    recruiter, person_id, old, second = await _confirmed(storage, m)
    new = await _request_move(storage, m, person_id, old, second)
    async with storage.uow() as uow:
        assert isinstance(await cancel(uow, m, recruiter, new, "busy"), Success)
    assert await _status(storage, old) is BookingStatus.APPROVED
    assert await _holds(storage, person_id) == (old, None)


async def test_a_second_move_replaces_the_first_request(storage: Storage) -> None:
    _, m = _messaging()
    recruiter, person_id, old, second = await _confirmed(storage, m)
    first_request = await _request_move(storage, m, person_id, old, second)
    async with storage.uow() as uow:
        city = await uow.slots.get_city(await uow.slots.get(second))  # type: ignore[arg-type]
        third = await make_slot(
            uow,
            await uow.recruiters.get(recruiter.id),  # type: ignore[arg-type]
            city,
            NOW + timedelta(days=4),
        )
        await uow.commit()
        third_id = third.id
    again = await _request_move(storage, m, person_id, old, third_id)
    assert await _status(storage, first_request) is BookingStatus.CANCELED
    assert await _holds(storage, person_id) == (old, again)


async def test_cancelling_the_standing_time_drops_its_move_request(storage: Storage) -> None:
    from domain.bookings.booking import cancel_booking

    _, m = _messaging()
    _, person_id, old, second = await _confirmed(storage, m)
    new = await _request_move(storage, m, person_id, old, second)
    async with storage.uow() as uow:
        person = await uow.candidates.get(person_id)
        assert person is not None
        assert isinstance(await cancel_booking(uow, m, person, old, "changed my mind"), Success)
    assert await _status(storage, new) is BookingStatus.CANCELED
    assert await _holds(storage, person_id) == (None, None)


async def test_without_approval_the_move_is_made_at_once(storage: Storage) -> None:
    _, m = _messaging()
    _, person_id, old, second = await _confirmed(storage, m, requires_approval=False)
    new = await _request_move(storage, m, person_id, old, second)
    assert await _status(storage, new) is BookingStatus.APPROVED
    assert await _status(storage, old) is BookingStatus.CANCELED
    assert await _holds(storage, person_id) == (new, None)


async def test_rejecting_on_a_move_request_refuses_only_the_move(storage: Storage) -> None:
    """Reject pressed on a move request (an old card's button) declines the move; the time the
    candidate holds stands, and so does the candidate (rejecting them is their booking's
    card's): a reschedule never leaves them with nothing (issue 14, item 1)."""
    from domain.bookings.desk import reject

    _, m = _messaging()
    recruiter, person_id, old, second = await _confirmed(storage, m)
    new = await _request_move(storage, m, person_id, old, second)
    async with storage.uow() as uow:
        assert isinstance(await reject(uow, m, recruiter, new, "not_suitable"), Success)
    assert await _status(storage, new) is BookingStatus.DECLINED
    assert await _status(storage, old) is BookingStatus.APPROVED
    assert await _holds(storage, person_id) == (old, None)
    (told,) = await _told(storage, "booking_move_declined")
    assert "still stands" in told.payload["text"]
    async with storage.uow() as uow:
        person = await uow.candidates.get(person_id)
        assert person is not None and person.status is CandidateStatus.INTERVIEW_SCHEDULED


async def _card(
    storage: Storage, m: Messaging, recruiter: RecruiterDTO, booking_id: int, person_id: int
) -> tuple[str, list[list[str]], list[str]]:
    """The booking's card for its recruiter: text, button labels by row, button actions."""
    from domain.bookings.card import recruiter_card

    async with storage.uow() as uow:
        booking = await uow.bookings.get(booking_id)
        person = await uow.candidates.get(person_id)
        assert booking is not None and person is not None
        text, buttons = await recruiter_card(uow, m.catalog, recruiter, booking, person)
    labels = [[b["text"] for b in row] for row in buttons]
    return text, labels, [b["do"] for row in buttons for b in row]


async def test_a_move_requests_card_says_it_is_a_move_and_offers_approve_or_keep(
    storage: Storage,
) -> None:
    _, m = _messaging()
    recruiter, person_id, old, second = await _confirmed(storage, m)
    new = await _request_move(storage, m, person_id, old, second)
    text, labels, actions = await _card(storage, m, recruiter, new, person_id)
    assert "Asks to move from " in text
    assert labels == [["✅ Approve the move"], ["↩ Keep the current time"], ["📝 Note"]]
    assert actions == ["approve", "offer", "note"]  # a private note, as on every card
    standing_text, standing_labels, _ = await _card(storage, m, recruiter, old, person_id)
    assert "Asks to move" not in standing_text
    assert ["❌ Reject"] in standing_labels


async def test_an_expired_move_request_tells_the_recruiter_the_current_time_stands(
    storage: Storage,
) -> None:
    clock, m = _messaging()
    recruiter, person_id, old, second = await _confirmed(storage, m)
    async with storage.uow() as uow:
        row = await uow.recruiters.get(recruiter.id)
        assert row is not None
        row.telegram_chat_id = 900_100
        await uow.commit()
    await _request_move(storage, m, person_id, old, second)
    clock.advance(timedelta(hours=30))
    assert await expire_pending(storage.uow, m, timedelta(hours=24)) == 1
    async with storage.uow() as uow:
        notes = await uow.session.scalars(
            select(Notification).where(Notification.recipient_chat_id == 900_100)
        )
        texts = [n.payload["text"] for n in notes]
    (expired,) = [t for t in texts if "expired" in t]
    assert "their current time stands" in expired
    assert "offered other times" not in expired

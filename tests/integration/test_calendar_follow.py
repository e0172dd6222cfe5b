"""Which endings send the cancelling .ics: a booking whose event the candidate was sent (approved
or confirmed) that ends for good, once, with a sequence above the one sent; never a request that
was never confirmed, and nothing to a person who asked to be forgotten."""

from __future__ import annotations

import base64

from icalendar import Calendar
from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import BookingStatus, CandidateStatus
from core.result import Success
from domain.bookings.booking import Messaging, answer_attendance, book_slot
from domain.messaging.texts import Catalog
from domain.pipeline.actions import cancel_booking
from domain.privacy.erasure import erase_now
from domain.scheduling.picker import BookingRules
from storage.models import Notification
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

messaging = Messaging(Catalog.load("en"), FrozenClock(NOW), BookingRules())


async def _booked(storage: Storage, *, approval: bool) -> tuple[int, int]:
    """(candidate id, booking id): a candidate who booked a time, pending with `approval`."""
    async with storage.uow() as uow:
        city = await make_city(uow, requires_approval=approval)
        recruiter = await make_recruiter(uow, city, meeting_link="https://meet.example/x")
        slot = await make_slot(uow, recruiter, city)
        candidate = await make_candidate(uow, city, status=CandidateStatus.SCREENING_PASSED)
        await uow.commit()
        booked = await book_slot(uow, messaging, candidate_id=candidate.id, slot_id=slot.id)
        assert isinstance(booked, Success)
        expected = BookingStatus.PENDING if approval else BookingStatus.APPROVED
        assert booked.value.status is expected
        return candidate.id, booked.value.id


async def _removals(storage: Storage) -> list[Calendar]:
    async with storage.uow() as uow:
        rows = await uow.session.scalars(
            select(Notification).where(Notification.kind == "calendar_cancel")
        )
        return [
            Calendar.from_ical(base64.b64decode(n.payload["document"]["content_b64"])) for n in rows
        ]


async def _panel_cancel(storage: Storage, candidate_id: int, booking_id: int) -> None:
    async with storage.uow() as uow:
        done = await cancel_booking(
            uow, messaging, candidate_id, booking_id, "no longer needed", actor="system"
        )
    assert isinstance(done, Success)


async def test_a_cancelled_approved_booking_is_removed_once_with_a_higher_sequence(
    storage: Storage,
) -> None:
    candidate_id, booking_id = await _booked(storage, approval=False)
    async with storage.uow() as uow:
        booking = await uow.bookings.get(booking_id)
        assert booking is not None
        uid, sent = booking.calendar_uid, booking.calendar_sequence
    await _panel_cancel(storage, candidate_id, booking_id)
    (removal,) = await _removals(storage)
    (event,) = removal.walk("VEVENT")
    assert str(removal["method"]) == "CANCEL"
    assert (str(event["uid"]), int(event["sequence"])) == (uid, sent + 1)
    async with storage.uow() as uow:
        booking = await uow.bookings.get(booking_id)
        assert booking is not None
        assert booking.calendar_sequence == sent + 1  # a later change goes higher still


async def test_a_request_never_confirmed_sends_no_removal(storage: Storage) -> None:
    candidate_id, booking_id = await _booked(storage, approval=True)
    await _panel_cancel(storage, candidate_id, booking_id)
    assert await _removals(storage) == []


async def test_i_cannot_come_removes_the_event(storage: Storage) -> None:
    candidate_id, booking_id = await _booked(storage, approval=False)
    async with storage.uow() as uow:
        candidate = await uow.candidates.get(candidate_id)
        assert candidate is not None
        answered = await answer_attendance(uow, messaging, candidate, booking_id, coming=False)
    assert isinstance(answered, Success)
    (removal,) = await _removals(storage)
    assert str(removal["method"]) == "CANCEL"


async def test_erasure_sends_nothing_to_the_calendar(storage: Storage) -> None:
    candidate_id, _booking_id = await _booked(storage, approval=False)
    async with storage.uow() as uow:
        candidate = await uow.candidates.get(candidate_id)
        assert candidate is not None
        assert await erase_now(uow, messaging, candidate, actor="system", reason="asked")
        await uow.commit()
    assert await _removals(storage) == []

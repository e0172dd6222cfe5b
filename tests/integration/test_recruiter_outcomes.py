"""Attendance and outcomes from the recruiter's buttons: at the right time, and only once."""

from __future__ import annotations

from datetime import timedelta

from core.clock import FrozenClock
from core.enums import BookingStatus, CandidateStatus, SlotPurpose
from core.result import Failure, Success
from domain.bookings.booking import Messaging
from domain.bookings.desk import NotBegun, OutcomeRecorded, record_attendance, record_result
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from storage.dto import RecruiterDTO
from storage.models import Booking
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot


async def _held(storage: Storage) -> tuple[RecruiterDTO, int, int]:
    """A recruiter, and a confirmed interview of theirs starting an hour after NOW."""
    async with storage.uow() as uow:
        city = await make_city(uow)
        recruiter = await make_recruiter(uow, city)
        slot = await make_slot(uow, recruiter, city, NOW + timedelta(hours=1))
        person = await make_candidate(uow, city, status=CandidateStatus.INTERVIEW_CONFIRMED)
        booking = Booking(
            slot_id=slot.id,
            candidate_id=person.id,
            purpose=SlotPurpose.INTERVIEW,
            status=BookingStatus.CONFIRMED,
        )
        uow.session.add(booking)
        await uow.commit()
        dto = await uow.recruiters.get_dto(recruiter.id)
    assert dto is not None
    return dto, booking.id, person.id


async def test_attendance_waits_for_the_start_and_an_outcome_is_given_once(
    storage: Storage,
) -> None:
    recruiter, booking_id, person_id = await _held(storage)
    clock = FrozenClock(NOW)
    m = Messaging(Catalog.load("en"), clock, BookingRules())
    async with storage.uow() as uow:
        early = await record_attendance(uow, m, recruiter, booking_id, came=True)
    assert isinstance(early, Failure) and isinstance(early.error, NotBegun)
    clock.advance(timedelta(hours=2))
    async with storage.uow() as uow:
        assert isinstance(
            await record_attendance(uow, m, recruiter, booking_id, came=True), Success
        )
    async with storage.uow() as uow:
        assert isinstance(await record_result(uow, m, recruiter, booking_id, passed=True), Success)
    async with storage.uow() as uow:  # the "Not passed" button pressed later, from the agenda
        replayed = await record_result(uow, m, recruiter, booking_id, passed=False)
    assert isinstance(replayed, Failure) and isinstance(replayed.error, OutcomeRecorded)
    async with storage.uow() as uow:
        person = await uow.candidates.get(person_id)
        assert person is not None and person.status is CandidateStatus.INTERVIEWED_PASSED

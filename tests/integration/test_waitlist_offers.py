"""Freed slots offered to the waiting list: only those that can still be booked."""

from __future__ import annotations

from datetime import timedelta

from core.clock import FrozenClock
from core.enums import BookingStatus, CandidateStatus, SlotPurpose
from core.errors import AlreadyBooked
from core.result import Failure, Success
from domain.bookings.booking import Messaging, book_slot, take_offered_slot
from domain.bookings.waitlist import offer_freed_slot
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from storage.models import WaitlistEntry
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

NOTICE = timedelta(hours=2)


async def test_a_slot_inside_the_booking_notice_is_offered_to_no_one(storage: Storage) -> None:
    catalog, clock = Catalog.load("en"), FrozenClock(NOW)
    async with storage.uow() as uow:
        city = await make_city(uow)
        recruiter = await make_recruiter(uow, city)
        soon = await make_slot(uow, recruiter, city, NOW + timedelta(hours=1))
        later = await make_slot(uow, recruiter, city, NOW + timedelta(hours=3))
        for n in range(2):
            person = await make_candidate(uow, city, full_name=f"Waiting {n}")
            uow.waitlist.add(
                WaitlistEntry(
                    candidate_id=person.id, city_id=city.id, purpose=SlotPurpose.INTERVIEW
                )
            )
        await uow.commit()
        # 1 h away with 2 h notice: "take it" could only answer "too late".
        assert await offer_freed_slot(uow, catalog, clock, soon, NOTICE) == 0
        assert await offer_freed_slot(uow, catalog, clock, later, NOTICE) == 2


async def test_taking_an_offer_while_holding_a_booking_moves_it(storage: Storage) -> None:
    """Someone who wanted another time found none, joined the list, and is offered one."""
    catalog, clock = Catalog.load("en"), FrozenClock(NOW)
    m = Messaging(catalog, clock, BookingRules())
    async with storage.uow() as uow:
        city = await make_city(uow, requires_approval=False)
        recruiter = await make_recruiter(uow, city)
        held = await make_slot(uow, recruiter, city, NOW + timedelta(days=2))
        wanted = await make_slot(uow, recruiter, city, NOW + timedelta(days=1))
        person = await make_candidate(uow, city, status=CandidateStatus.SCREENING_PASSED)
        await uow.commit()
    async with storage.uow() as uow:
        first = await book_slot(uow, m, candidate_id=person.id, slot_id=held.id)
    assert isinstance(first, Success)
    async with storage.uow() as uow:
        uow.waitlist.add(
            WaitlistEntry(candidate_id=person.id, city_id=city.id, purpose=SlotPurpose.INTERVIEW)
        )
        await uow.commit()
    async with storage.uow() as uow:
        slot = await uow.slots.get(wanted.id)
        assert slot is not None
        assert await offer_freed_slot(uow, catalog, clock, slot) == 1
        await uow.commit()
    async with storage.uow() as uow:
        candidate = await uow.candidates.get(person.id)
        assert candidate is not None
        taken = await take_offered_slot(uow, m, candidate, wanted.id)
    assert isinstance(taken, Success), taken
    async with storage.uow() as uow:
        old = await uow.bookings.get(first.value.id)
        assert old is not None and old.status is BookingStatus.CANCELED  # moved, not doubled
        new = await uow.bookings.active_for_candidate(person.id, SlotPurpose.INTERVIEW)
        assert new is not None and new.slot_id == wanted.id
        assert await uow.waitlist.entry_for(person.id, SlotPurpose.INTERVIEW) is None


async def test_an_old_offer_tapped_after_booking_another_way_does_not_move(
    storage: Storage,
) -> None:
    catalog, clock = Catalog.load("en"), FrozenClock(NOW)
    m = Messaging(catalog, clock, BookingRules())
    async with storage.uow() as uow:
        city = await make_city(uow, requires_approval=False)
        recruiter = await make_recruiter(uow, city)
        booked = await make_slot(uow, recruiter, city, NOW + timedelta(days=2))
        offered = await make_slot(uow, recruiter, city, NOW + timedelta(days=1))
        person = await make_candidate(uow, city, status=CandidateStatus.SCREENING_PASSED)
        await uow.commit()
    async with storage.uow() as uow:  # booked through the picker: no longer on the list
        first = await book_slot(uow, m, candidate_id=person.id, slot_id=booked.id)
    assert isinstance(first, Success)
    async with storage.uow() as uow:
        candidate = await uow.candidates.get(person.id)
        assert candidate is not None
        taken = await take_offered_slot(uow, m, candidate, offered.id)
    assert isinstance(taken, Failure) and isinstance(taken.error, AlreadyBooked)
    async with storage.uow() as uow:
        still = await uow.bookings.active_for_candidate(person.id, SlotPurpose.INTERVIEW)
        assert still is not None and still.slot_id == booked.id

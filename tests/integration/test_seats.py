"""Seats of a group event: each booking takes the lowest free seat in the INSERT itself, and the
database's unique index on (slot, seat) decides every race."""

from __future__ import annotations

import asyncio

from sqlalchemy import select, update

from core.clock import FrozenClock
from core.enums import ACTIVE_BOOKING_STATUSES, BookingStatus, SlotPurpose
from core.errors import SlotTaken
from core.result import Failure, Success
from domain.bookings import desk
from domain.bookings.attendees import change_seats
from domain.bookings.booking import Messaging, book_slot, cancel_booking, take_offered_slot
from domain.bookings.card import recruiter_card
from domain.bookings.waitlist import join_waitlist
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules, free_slots
from storage.models import Booking, Candidate, Notification, Slot
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

clock = FrozenClock(NOW)
messaging = Messaging(Catalog.load("en"), clock, BookingRules())


async def _event(storage: Storage, candidates: int, capacity: int) -> tuple[list[int], int, int]:
    async with storage.uow() as uow:
        city = await make_city(uow)
        recruiter = await make_recruiter(uow, city)
        slot = await make_slot(uow, recruiter, city, capacity=capacity)
        candidate_ids = [(await make_candidate(uow, city)).id for _ in range(candidates)]
        await uow.commit()
    return candidate_ids, slot.id, city.id


async def _attempt(storage: Storage, candidate_id: int, slot_id: int) -> object:
    async with storage.uow() as uow:
        return await book_slot(uow, messaging, candidate_id=candidate_id, slot_id=slot_id)


async def _seats(storage: Storage, slot_id: int) -> list[int]:
    async with storage.uow() as uow:
        stmt = select(Booking.seat).where(
            Booking.slot_id == slot_id, Booking.status.in_(ACTIVE_BOOKING_STATUSES)
        )
        return sorted((await uow.session.scalars(stmt)).all())


async def test_two_hundred_taps_on_a_ten_seat_event_seat_exactly_ten(storage: Storage) -> None:
    candidates, slot, _city = await _event(storage, candidates=200, capacity=10)
    results = await asyncio.gather(*(_attempt(storage, c, slot) for c in candidates))
    winners = [r for r in results if isinstance(r, Success)]
    losers = [r for r in results if isinstance(r, Failure)]
    assert len(winners) == 10
    assert len(losers) == 190
    assert all(isinstance(r.error, SlotTaken) for r in losers)
    assert await _seats(storage, slot) == list(range(1, 11))


async def test_a_freed_seat_is_the_next_one_taken_and_a_full_event_is_not_offered(
    storage: Storage,
) -> None:
    candidates, slot, city = await _event(storage, candidates=4, capacity=3)
    first, second, third, fourth = candidates
    booked = [await _attempt(storage, c, slot) for c in (first, second, third)]
    assert all(isinstance(b, Success) for b in booked)
    async with storage.uow() as uow:
        assert await free_slots(uow, city, SlotPurpose.INTERVIEW, clock, BookingRules()) == []
    refused = await _attempt(storage, fourth, slot)
    assert isinstance(refused, Failure) and isinstance(refused.error, SlotTaken)
    async with storage.uow() as uow:
        second_booking = booked[1]
        assert isinstance(second_booking, Success)
        row = await uow.bookings.get(second_booking.value.id)
        assert row is not None and row.seat == 2
        assert await uow.bookings.change_status(row, BookingStatus.CANCELED, actor="candidate")
        await uow.commit()
    async with storage.uow() as uow:
        (offered,) = await free_slots(uow, city, SlotPurpose.INTERVIEW, clock, BookingRules())
        assert (offered.id, offered.capacity, offered.seats_left) == (slot, 3, 1)
    taken = await _attempt(storage, fourth, slot)
    assert isinstance(taken, Success) and taken.value.seat == 2
    assert await _seats(storage, slot) == [1, 2, 3]


async def test_a_seat_freed_on_a_full_event_is_offered_to_the_waiting_list_and_taken(
    storage: Storage,
) -> None:
    candidates, slot, _city = await _event(storage, candidates=3, capacity=2)
    first, second, waiting = candidates
    booked = [await _attempt(storage, c, slot) for c in (first, second)]
    assert all(isinstance(b, Success) for b in booked)
    async with storage.uow() as uow:
        person = await uow.candidates.get(waiting)
        assert person is not None
        await join_waitlist(uow, person, SlotPurpose.INTERVIEW)
    async with storage.uow() as uow:
        person = await uow.candidates.get(first)
        held = booked[0]
        assert person is not None and isinstance(held, Success)
        canceled = await cancel_booking(uow, messaging, person, held.value.id, "ill")
        assert isinstance(canceled, Success)
    async with storage.uow() as uow:
        offers = await uow.session.scalars(
            select(Notification.candidate_id).where(Notification.kind == "waitlist_offer")
        )
        assert list(offers.all()) == [waiting]
        person = await uow.candidates.get(waiting)
        assert person is not None
        taken = await take_offered_slot(uow, messaging, person, slot)
    assert isinstance(taken, Success) and taken.value.seat == 1
    assert await _seats(storage, slot) == [1, 2]


async def test_a_seat_of_an_event_has_a_card_that_lists_the_attendees(storage: Storage) -> None:
    (candidate,), slot, _city = await _event(storage, candidates=1, capacity=4)
    booked = await _attempt(storage, candidate, slot)
    assert isinstance(booked, Success)
    async with storage.uow() as uow:
        booking = await uow.bookings.get(booked.value.id)
        person = await uow.candidates.get(candidate)
        row = await uow.slots.get(slot)
        assert booking is not None and person is not None and row is not None
        recruiter = await uow.recruiters.get_dto(row.recruiter_id)
        assert recruiter is not None
        _text, buttons = await recruiter_card(uow, messaging.catalog, recruiter, booking, person)
    assert {"text": "👥 Attendees", "action": "attendees", "slot_id": slot} in [
        b for line in buttons for b in line
    ]


async def test_a_recruiter_who_cannot_make_it_gives_up_the_event_at_its_first_seat(
    storage: Storage,
) -> None:
    candidates, slot, _city = await _event(storage, candidates=2, capacity=5)
    booked = [await _attempt(storage, c, slot) for c in candidates]
    ids = [b.value.id for b in booked if isinstance(b, Success)]
    assert len(ids) == 2
    for booking_id, withdrawn in zip(ids, (True, True), strict=True):
        async with storage.uow() as uow:
            row = await uow.slots.get(slot)
            assert row is not None
            recruiter = await uow.recruiters.get_dto(row.recruiter_id)
            assert recruiter is not None
            canceled = await desk.cancel(
                uow, messaging, recruiter, booking_id, "ill", withdraw_slot=True
            )
            assert isinstance(canceled, Success)
        async with storage.uow() as uow:
            row = await uow.slots.get(slot)
            assert row is not None and row.withdrawn is withdrawn
    assert await _seats(storage, slot) == []


async def test_a_seat_freed_on_a_given_up_event_is_offered_to_nobody(storage: Storage) -> None:
    candidates, slot, _city = await _event(storage, candidates=3, capacity=5)
    *seated, waiting = candidates
    booked = [await _attempt(storage, c, slot) for c in seated]
    ids = [b.value.id for b in booked if isinstance(b, Success)]
    async with storage.uow() as uow:
        person = await uow.candidates.get(waiting)
        assert person is not None
        await join_waitlist(uow, person, SlotPurpose.INTERVIEW)
        row = await uow.slots.get(slot)
        assert row is not None
        recruiter = await uow.recruiters.get_dto(row.recruiter_id)
        assert recruiter is not None
        gave_up = await desk.cancel(uow, messaging, recruiter, ids[0], "ill", withdraw_slot=True)
        assert isinstance(gave_up, Success)
    async with storage.uow() as uow:  # then the other seat is given back, by its holder
        holder = await uow.candidates.get(seated[1])
        assert holder is not None
        assert isinstance(await cancel_booking(uow, messaging, holder, ids[1], "plans"), Success)
    async with storage.uow() as uow:
        offers = await uow.session.scalars(
            select(Notification.id).where(Notification.kind == "waitlist_offer")
        )
        assert list(offers.all()) == []


async def test_seats_added_to_a_full_event_are_offered_to_the_waiting_list(
    storage: Storage,
) -> None:
    candidates, slot, _city = await _event(storage, candidates=3, capacity=2)
    *seated, waiting = candidates
    booked = [await _attempt(storage, c, slot) for c in seated]
    assert all(isinstance(b, Success) for b in booked)
    async with storage.uow() as uow:
        person = await uow.candidates.get(waiting)
        assert person is not None
        await join_waitlist(uow, person, SlotPurpose.INTERVIEW)
    async with storage.uow() as uow:
        row = await uow.slots.get(slot)
        assert row is not None
        smaller = await change_seats(uow, messaging, row, 1, actor="system")
        assert isinstance(smaller, Failure) and smaller.error.values == {"taken": 2}
        assert isinstance(await change_seats(uow, messaging, row, 3, actor="system"), Success)
    async with storage.uow() as uow:
        offers = await uow.session.scalars(
            select(Notification.candidate_id).where(Notification.kind == "waitlist_offer")
        )
        assert list(offers.all()) == [waiting]


async def test_a_smaller_event_never_seats_more_than_its_capacity(storage: Storage) -> None:
    """Five seats, all taken, three given back (seats 1 and 5 held), made two: the one held
    above moves down, and a sixth person finds no seat."""
    candidates, slot, _city = await _event(storage, candidates=6, capacity=5)
    booked = [await _attempt(storage, c, slot) for c in candidates[:5]]
    ids = [b.value.id for b in booked if isinstance(b, Success)]
    async with storage.uow() as uow:
        for booking_id in ids[1:4]:
            row = await uow.bookings.get(booking_id)
            assert row is not None
            assert await uow.bookings.change_status(row, BookingStatus.CANCELED, actor="candidate")
        await uow.commit()
    assert await _seats(storage, slot) == [1, 5]
    async with storage.uow() as uow:
        row = await uow.slots.get(slot)
        assert row is not None
        assert isinstance(await change_seats(uow, messaging, row, 2, actor="system"), Success)
    assert await _seats(storage, slot) == [1, 2]
    refused = await _attempt(storage, candidates[5], slot)
    assert isinstance(refused, Failure) and isinstance(refused.error, SlotTaken)
    assert await _seats(storage, slot) == [1, 2]


async def test_a_seat_held_above_the_capacity_still_counts(storage: Storage) -> None:
    """However a seat above the capacity came to be held (data from before a change), the
    seats are counted, not only numbered: a full event takes nobody."""
    candidates, slot, _city = await _event(storage, candidates=3, capacity=5)
    booked = [await _attempt(storage, c, slot) for c in candidates[:2]]
    assert all(isinstance(b, Success) for b in booked)
    async with storage.uow() as uow:
        await uow.session.execute(
            update(Booking).where(Booking.slot_id == slot, Booking.seat == 2).values(seat=5)
        )
        await uow.session.execute(update(Slot).where(Slot.id == slot).values(capacity=2))
        await uow.commit()
    refused = await _attempt(storage, candidates[2], slot)
    assert isinstance(refused, Failure) and isinstance(refused.error, SlotTaken)
    assert await _seats(storage, slot) == [1, 5]


async def test_one_person_holds_one_seat_at_a_time_whatever_the_application(
    storage: Storage,
) -> None:
    """Two applications of one person (two vacancies) cannot take two seats of one event."""
    (first,), slot, _city = await _event(storage, candidates=1, capacity=5)
    async with storage.uow() as uow:
        person = await uow.candidates.get(first)
        assert person is not None
        person.is_current = False
        second = uow.candidates.add(
            Candidate(
                telegram_id=person.telegram_id,
                city_id=person.city_id,
                locale="en",
                status=person.status,
                is_current=True,
            )
        )
        await uow.commit()
    assert isinstance(await _attempt(storage, first, slot), Success)
    refused = await _attempt(storage, second.id, slot)
    assert isinstance(refused, Failure) and "another booking" in str(refused.error)
    assert await _seats(storage, slot) == [1]

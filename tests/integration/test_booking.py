"""Booking a slot: the rules, and the database deciding every race."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from core.clock import FrozenClock
from core.enums import BookingStatus, CandidateStatus, SlotPurpose
from core.errors import AlreadyBooked, SlotTaken, SlotUnavailable
from core.result import Failure, Success
from domain.bookings.booking import Messaging, book_slot
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from storage.models import Booking, WaitlistEntry
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

clock = FrozenClock(NOW)
messaging = Messaging(Catalog.load("en"), clock, BookingRules())


async def _world(
    storage: Storage, candidates: int, slots: int = 1, **city_kw: object
) -> tuple[list[int], list[int]]:
    async with storage.uow() as uow:
        city = await make_city(uow, **city_kw)
        recruiter = await make_recruiter(uow, city)
        slot_ids = [(await make_slot(uow, recruiter, city)).id for _ in range(slots)]
        candidate_ids = [(await make_candidate(uow, city)).id for _ in range(candidates)]
        await uow.commit()
    return candidate_ids, slot_ids


async def _attempt(storage: Storage, candidate_id: int, slot_id: int) -> object:
    async with storage.uow() as uow:
        return await book_slot(uow, messaging, candidate_id=candidate_id, slot_id=slot_id)


async def _active_bookings(storage: Storage) -> int:
    async with storage.uow() as uow:
        stmt = (
            select(func.count())
            .select_from(Booking)
            .where(Booking.status.in_(["pending", "approved", "confirmed"]))
        )
        return int(await uow.session.scalar(stmt) or 0)


async def test_fifty_candidates_racing_for_one_slot_leave_exactly_one_booking(
    storage: Storage,
) -> None:
    candidates, (slot,) = await _world(storage, candidates=50)
    results = await asyncio.gather(*(_attempt(storage, c, slot) for c in candidates))
    winners = [r for r in results if isinstance(r, Success)]
    losers = [r for r in results if isinstance(r, Failure)]
    assert len(winners) == 1
    assert len(losers) == 49
    assert all(isinstance(r.error, SlotTaken) for r in losers)
    assert await _active_bookings(storage) == 1


async def test_one_candidate_tapping_two_slots_at_once_gets_one_booking(storage: Storage) -> None:
    (candidate,), slots = await _world(storage, candidates=1, slots=10)
    results = await asyncio.gather(*(_attempt(storage, candidate, s) for s in slots))
    assert sum(isinstance(r, Success) for r in results) == 1
    assert all(isinstance(r.error, AlreadyBooked) for r in results if isinstance(r, Failure))
    assert await _active_bookings(storage) == 1


async def test_booking_moves_the_candidate_and_records_history(storage: Storage) -> None:
    (candidate,), (slot,) = await _world(storage, candidates=1, requires_approval=True)
    result = await _attempt(storage, candidate, slot)
    assert isinstance(result, Success)
    assert result.value.status is BookingStatus.PENDING
    async with storage.uow() as uow:
        history = await uow.candidates.status_history(candidate)
        assert [h.to_status for h in history] == [CandidateStatus.INTERVIEW_REQUESTED]
        assert history[0].from_status is CandidateStatus.SCREENING_PASSED
        booking_history = await uow.bookings.history(result.value.id)
        assert [h.to_status for h in booking_history] == [BookingStatus.PENDING]


async def test_a_city_without_approval_books_at_once(storage: Storage) -> None:
    (candidate,), (slot,) = await _world(storage, candidates=1, requires_approval=False)
    result = await _attempt(storage, candidate, slot)
    assert isinstance(result, Success)
    assert result.value.status is BookingStatus.APPROVED
    async with storage.uow() as uow:
        row = await uow.candidates.get(candidate)
        assert row is not None and row.status is CandidateStatus.INTERVIEW_SCHEDULED


async def test_a_freed_slot_can_be_booked_again(storage: Storage) -> None:
    (first, second), (slot,) = await _world(storage, candidates=2)
    booked = await _attempt(storage, first, slot)
    assert isinstance(booked, Success)
    assert isinstance(await _attempt(storage, second, slot), Failure)
    async with storage.uow() as uow:
        booking = await uow.bookings.get(booked.value.id)
        assert booking is not None
        assert await uow.bookings.change_status(booking, BookingStatus.CANCELED, actor="candidate")
        await uow.commit()
    assert isinstance(await _attempt(storage, second, slot), Success)


async def test_a_status_change_loses_to_a_concurrent_one(postgres_storage: Storage) -> None:
    # PostgreSQL only: SQLite takes the write lock at BEGIN, so its transactions never overlap.
    storage = postgres_storage
    (candidate,), (slot,) = await _world(storage, candidates=1)
    booked = await _attempt(storage, candidate, slot)
    assert isinstance(booked, Success)
    async with storage.uow() as first, storage.uow() as second:
        a = await first.bookings.get(booked.value.id)
        b = await second.bookings.get(booked.value.id)
        assert a is not None and b is not None
        assert await first.bookings.change_status(a, BookingStatus.APPROVED, actor="recruiter:1")
        await first.commit()
        assert not await second.bookings.change_status(b, BookingStatus.CANCELED, actor="candidate")
        assert b.status is BookingStatus.APPROVED


async def test_slots_too_soon_or_in_another_city_are_refused(storage: Storage) -> None:
    async with storage.uow() as uow:
        city, other = await make_city(uow), await make_city(uow)
        recruiter = await make_recruiter(uow, city, other)
        soon = await make_slot(uow, recruiter, city, starts_at=NOW + timedelta(minutes=90))
        elsewhere = await make_slot(uow, recruiter, other)
        candidate = await make_candidate(uow, city)
        await uow.commit()
    for slot in (soon, elsewhere):
        result = await _attempt(storage, candidate.id, slot.id)
        assert isinstance(result, Failure) and isinstance(result.error, SlotUnavailable)
    assert await _active_bookings(storage) == 0


async def _overlapping(storage: Storage) -> tuple[list[int], int, int, int]:
    """Two candidates, and one recruiter's slots at 10:00 and 10:15 (30 minutes each, made
    before overlaps were refused) plus a free one at 12:00."""
    base = (NOW + timedelta(days=2)).replace(hour=10, minute=0)
    async with storage.uow() as uow:
        city = await make_city(uow, requires_approval=False)
        recruiter = await make_recruiter(uow, city)
        ten = await make_slot(uow, recruiter, city, base)
        quarter_past = await make_slot(uow, recruiter, city, base + timedelta(minutes=15))
        noon = await make_slot(uow, recruiter, city, base + timedelta(hours=2))
        candidates = [(await make_candidate(uow, city)).id for _ in range(2)]
        await uow.commit()
    return candidates, ten.id, quarter_past.id, noon.id


async def test_a_recruiter_is_never_booked_twice_at_once(storage: Storage) -> None:
    (ann, bob), ten, quarter_past, _noon = await _overlapping(storage)
    assert isinstance(await _attempt(storage, ann, ten), Success)
    refused = await _attempt(storage, bob, quarter_past)
    assert isinstance(refused, Failure)
    assert isinstance(refused.error, SlotUnavailable)
    assert "another booking at that time" in str(refused.error)
    assert await _active_bookings(storage) == 1


async def test_racing_for_overlapping_slots_leaves_one_booking(storage: Storage) -> None:
    (ann, bob), ten, quarter_past, _noon = await _overlapping(storage)
    results = await asyncio.gather(
        _attempt(storage, ann, ten), _attempt(storage, bob, quarter_past)
    )
    assert sum(isinstance(r, Success) for r in results) == 1
    assert await _active_bookings(storage) == 1


async def test_moving_or_taking_an_offer_onto_a_busy_time_is_refused(storage: Storage) -> None:
    from domain.bookings.booking import move_booking, take_offered_slot
    from domain.bookings.waitlist import offer_freed_slot

    (ann, bob), ten, quarter_past, noon = await _overlapping(storage)
    assert isinstance(await _attempt(storage, ann, ten), Success)
    bobs = await _attempt(storage, bob, noon)
    assert isinstance(bobs, Success)
    async with storage.uow() as uow:
        person = await uow.candidates.get(bob)
        assert person is not None
        moved = await move_booking(uow, messaging, person, bobs.value.id, quarter_past)
    assert isinstance(moved, Failure) and isinstance(moved.error, SlotUnavailable)
    async with storage.uow() as uow:
        person = await uow.candidates.get(bob)
        assert person is not None
        uow.waitlist.add(WaitlistEntry(candidate_id=bob, city_id=person.city_id))
        await uow.commit()
    async with storage.uow() as uow:  # offered (only a live offer can be taken)
        slot = await uow.slots.get(quarter_past)
        assert slot is not None
        await offer_freed_slot(uow, messaging.catalog, messaging.clock, slot)
        await uow.commit()
    async with storage.uow() as uow:
        person = await uow.candidates.get(bob)
        assert person is not None
        taken = await take_offered_slot(uow, messaging, person, quarter_past)
    assert isinstance(taken, Failure) and isinstance(taken.error, SlotUnavailable)
    # Ann's own booking does not stand in her way: she may move to 10:15.
    async with storage.uow() as uow:
        person = await uow.candidates.get(ann)
        assert person is not None
        own = await uow.bookings.active_for_candidate(ann, SlotPurpose.INTERVIEW)
        assert own is not None
        assert isinstance(await move_booking(uow, messaging, person, own.id, quarter_past), Success)

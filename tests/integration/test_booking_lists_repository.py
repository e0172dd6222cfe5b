"""storage.repositories.booking_lists: the bookings list's criteria, order, pages and count, on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.enums import BookingStatus, SlotPurpose
from storage.models import Booking
from storage.repositories.booking_lists import BookingCriteria
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

B = BookingStatus
HOUR = timedelta(hours=1)


async def _bookings(storage: Storage) -> dict[str, Any]:
    """Four bookings: three in Kazan (two recruiters), one in Samara, an hour apart."""
    async with storage.uow() as uow:
        kazan = await make_city(uow, "Kazan")
        samara = await make_city(uow, "Samara")
        anna = await make_recruiter(uow, kazan, samara, name="Anna")
        oleg = await make_recruiter(uow, kazan, name="Oleg")
        ids: dict[str, Any] = {
            "kazan": kazan.id,
            "samara": samara.id,
            "anna": anna.id,
            "oleg": oleg.id,
        }
        plan = (
            ("first", anna, kazan, B.ATTENDED, SlotPurpose.INTERVIEW),
            ("second", oleg, kazan, B.CONFIRMED, SlotPurpose.INTERVIEW),
            ("third", anna, samara, B.CONFIRMED, SlotPurpose.INTERVIEW),
            ("fourth", anna, kazan, B.PENDING, SlotPurpose.INTRO_DAY),
        )
        for n, (name, recruiter, city, status, purpose) in enumerate(plan):
            slot = await make_slot(uow, recruiter, city, NOW + n * HOUR, purpose)
            person = await make_candidate(uow, city, full_name=name)
            booking = uow.bookings.add(
                Booking(slot_id=slot.id, candidate_id=person.id, purpose=purpose, status=status)
            )
            await uow.session.flush()
            ids[name] = booking.id
            ids[f"{name} candidate"] = person.id
        await uow.commit()
    return ids


async def _names(storage: Storage, criteria: BookingCriteria) -> tuple[list[str | None], int]:
    async with storage.uow() as uow:
        rows = await uow.booking_lists.page(criteria, limit=50, offset=0)
        total = await uow.booking_lists.count_matching(criteria)
    return [row["candidate_name"] for row in rows], total


async def test_each_criterion_narrows_the_list_and_the_count(storage: Storage) -> None:
    p = await _bookings(storage)
    cases: list[tuple[BookingCriteria, list[str]]] = [
        (BookingCriteria(), ["fourth", "third", "second", "first"]),  # newest slot first
        (BookingCriteria(booking_id=p["second"]), ["second"]),
        (BookingCriteria(city_ids=frozenset({p["samara"]})), ["third"]),
        (BookingCriteria(city_ids=frozenset()), []),
        (BookingCriteria(own_recruiter_id=p["oleg"]), ["second"]),
        (BookingCriteria(status=B.CONFIRMED), ["third", "second"]),
        (BookingCriteria(purpose=SlotPurpose.INTRO_DAY), ["fourth"]),
        (BookingCriteria(recruiter_id=p["anna"], city_id=p["kazan"]), ["fourth", "first"]),
        (BookingCriteria(candidate_id=p["third candidate"]), ["third"]),
        # from (included) the second slot's start to (excluded) the fourth's
        (BookingCriteria(starts_from=NOW + HOUR, starts_to=NOW + 3 * HOUR), ["third", "second"]),
        # who is looking and what they filter by both hold
        (BookingCriteria(own_recruiter_id=p["oleg"], recruiter_id=p["anna"]), []),
    ]
    for criteria, expected in cases:
        assert await _names(storage, criteria) == (expected, len(expected)), criteria


async def test_a_page_carries_the_names_and_the_count_covers_every_page(storage: Storage) -> None:
    p = await _bookings(storage)
    async with storage.uow() as uow:
        page = await uow.booking_lists.page(BookingCriteria(), limit=2, offset=1)
        total = await uow.booking_lists.count_matching(BookingCriteria())
    assert total == 4
    assert [row["id"] for row in page] == [p["third"], p["second"]]
    assert page[0] == {
        "id": p["third"],
        "status": B.CONFIRMED,
        "purpose": SlotPurpose.INTERVIEW,
        "created_at": NOW,
        "starts_at": NOW + 2 * HOUR,
        "duration_minutes": 30,
        "candidate_id": p["third candidate"],
        "candidate_name": "third",
        "recruiter_id": p["anna"],
        "recruiter_name": "Anna",
        "city_id": p["samara"],
        "city_name": "Samara",
    }

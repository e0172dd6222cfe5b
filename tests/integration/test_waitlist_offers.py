"""Freed slots offered to the waiting list: only those that can still be booked."""

from __future__ import annotations

from datetime import timedelta

from core.clock import FrozenClock
from services.texts import Catalog
from services.waitlist import offer_freed_slot
from storage.models import WaitlistEntry
from storage.models.enums import SlotPurpose
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

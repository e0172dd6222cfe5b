"""The slot rule's use cases on SQLite and on PostgreSQL: the queries they moved into the slot
repository (the times a recruiter's slots take up, the insert that skips taken starts, the
delete that only goes through while a slot is free)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from core.enums import BookingStatus, SlotPurpose
from core.errors import Conflict
from core.result import Failure, Success
from domain.scheduling.picker import BookingRules
from domain.scheduling.series import SeriesSpec
from domain.scheduling.slots import (
    ChatRecruiter,
    NewSeries,
    SlotOverlaps,
    create_series,
    create_slot,
    delete_slot,
    plan_series,
    recruiter_slots,
)
from storage.models import Booking, Slot
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

RULES = BookingRules()
MONDAY = date(2026, 12, 7)


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


async def test_slots_series_and_deletes_keep_the_rule_on_each_database(storage: Storage) -> None:
    async with storage.uow() as uow:
        kazan = await make_city(uow, "Kazan")
        samara = await make_city(uow, "Samara", timezone="Europe/Samara")
        anna = await make_recruiter(uow, kazan, samara)
        ten = await make_slot(uow, anna, kazan, utc(7, 7))  # 10:00-10:30 in Kazan
        await uow.commit()
        anna_id, kazan_id, samara_id, ten_id = anna.id, kazan.id, samara.id, ten.id
    editor = ChatRecruiter(anna_id)

    async with storage.uow() as uow:  # 11:15 in Samara is 10:15 in Kazan
        refused = await create_slot(
            uow,
            recruiter_id=anna_id,
            city_id=samara_id,
            starts_at=utc(7, 7, 15),
            now=NOW,
            rules=RULES,
            editor=editor,
        )
    assert isinstance(refused, Failure) and isinstance(refused.error, SlotOverlaps)

    async with storage.uow() as uow:  # the same start, as a racing insert would find it
        twin = Slot(recruiter_id=anna_id, city_id=kazan_id, starts_at=utc(7, 7))
        assert not await uow.slots.add_unless_taken(twin)
        assert await uow.slots.add_unless_taken(
            Slot(recruiter_id=anna_id, city_id=kazan_id, starts_at=utc(7, 11))
        )
        await uow.commit()  # the refused insert left the unit of work usable

    spec = SeriesSpec(
        weekdays=frozenset(range(7)),
        start=time(10, 0),
        end=time(11, 0),
        step_minutes=15,
        break_start=None,
        break_end=None,
        first_day=MONDAY,
        last_day=MONDAY,
    )
    series = NewSeries(anna_id, kazan_id, spec)
    async with storage.uow() as uow:
        planned = await plan_series(uow, series, now=NOW, rules=RULES)
        assert isinstance(planned, Success)
        # 10:00, 10:15 and 10:30 (30 minutes each, ending by 11:00): the first two overlap
        # 10:00-10:30.
        assert (planned.value.starts, planned.value.skipped) == ([utc(7, 7, 30)], 2)
        created = await create_series(uow, series, now=NOW, rules=RULES, editor=editor)
    assert isinstance(created, Success) and created.value == 1

    async with storage.uow() as uow:
        candidate = await make_candidate(uow, kazan, full_name="Ivan Petrov")
        uow.bookings.add(
            Booking(
                slot_id=ten_id,
                candidate_id=candidate.id,
                purpose=SlotPurpose.INTERVIEW,
                status=BookingStatus.PENDING,
            )
        )
        await uow.commit()
    async with storage.uow() as uow:
        assert not await uow.slots.delete_if_free(ten_id)
        held = await delete_slot(uow, ten_id, now=NOW, editor=editor)
    assert isinstance(held, Failure) and isinstance(held.error, Conflict)
    # Refused with the booking's holder named (the reason is a catalog key, said per reader).
    assert held.error.detail == "reason.slot.booked_by"
    assert held.error.values["name"] == "Ivan Petrov"

    async with storage.uow() as uow:
        rows = await recruiter_slots(uow, anna_id, NOW, utc(8, 0))
        assert [(r.slot.starts_at, r.candidate_name) for r in rows] == [
            (utc(7, 7), "Ivan Petrov"),
            (utc(7, 7, 30), None),
            (utc(7, 11), None),
        ]
        assert rows[0].booking_status is BookingStatus.PENDING
        free_id = rows[1].slot.id
        gone = await delete_slot(uow, free_id, now=NOW, editor=editor)
    assert isinstance(gone, Success)
    async with storage.uow() as uow:
        assert await uow.slots.get(free_id) is None
        actions = [e.action for e in await uow.audit.list(limit=10) if e.entity == "slot"]
    assert actions == ["create_series", "delete"]

"""The panel's page of one slot: its seats, the attendees with their status, came / no-show per
person, its capacity changed (never below the seats taken), one message to all attendees; a
recruiter's account sees only its own recruiter's slots."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from core.enums import BookingStatus, CandidateStatus, SlotPurpose
from storage.models import Booking, Notification, Slot
from tests.admin.conftest import Panel
from tests.admin.test_slots_page import one_slot
from tests.support.factories import NOW, make_candidate, make_slot


async def _seat(panel: Panel, slot_id: int, names: list[str], status: BookingStatus) -> list[int]:
    ids = []
    async with panel.storage.uow() as uow:
        city = await uow.cities.get(panel.kazan_id)
        for seat, name in enumerate(names, start=1):
            candidate = await make_candidate(
                uow, city, full_name=name, status=CandidateStatus.INTRO_DAY_SCHEDULED
            )
            booking = uow.bookings.add(
                Booking(
                    slot_id=slot_id,
                    candidate_id=candidate.id,
                    seat=seat,
                    purpose=SlotPurpose.INTRO_DAY,
                    status=status,
                )
            )
            await uow.session.flush()
            ids.append(booking.id)
        await uow.commit()
    return ids


async def test_an_event_added_with_seats_lists_its_attendees_and_messages_them(
    panel: Panel,
) -> None:
    await panel.login()
    form = one_slot(panel, purpose="intro_day", capacity="5")
    assert (await panel.post("/slots", form, allow_redirects=False)).status == 303
    async with panel.storage.uow() as uow:
        (slot,) = (await uow.session.scalars(select(Slot))).all()
    assert slot.capacity == 5
    await _seat(panel, slot.id, ["Ann Lee", "Bob Ray", "Cy Po"], BookingStatus.APPROVED)
    week = await (
        await panel.client.get(f"/slots?recruiter_id={panel.anna_id}&week=2026-12-10")
    ).text()
    assert "3/5 seats" in week
    page = await (await panel.client.get(f"/slots/{slot.id}")).text()
    assert "3 of 5" in page and "2 left" in page
    assert all(name in page for name in ("Ann Lee", "Bob Ray", "Cy Po"))
    assert "Came" not in page  # not begun: nothing to mark yet

    smaller = await panel.post(f"/slots/{slot.id}/capacity", {"capacity": "2"})
    assert smaller.status == 422 and "3 seats are taken" in await smaller.text()
    empty = await panel.post(f"/slots/{slot.id}/message", {"text": "  "})
    assert empty.status == 422
    sent = await panel.post(f"/slots/{slot.id}/message", {"text": "Bring a pen"})
    assert sent.status == 200 and "Sent to 3 attendees." in await sent.text()
    async with panel.storage.uow() as uow:
        kinds = (await uow.session.scalars(select(Notification.kind))).all()
    assert list(kinds).count("panel_message") == 3


async def test_attendance_is_marked_per_person_and_other_recruiters_slots_are_hidden(
    panel: Panel,
) -> None:
    async with panel.storage.uow() as uow:
        anna = await uow.recruiters.get(panel.anna_id)
        boris = await uow.recruiters.get(panel.boris_id)
        kazan = await uow.cities.get(panel.kazan_id)
        samara = await uow.cities.get(panel.samara_id)
        assert anna and boris and kazan and samara
        begun = await make_slot(
            uow, anna, kazan, NOW - timedelta(hours=1), SlotPurpose.INTRO_DAY, capacity=3
        )
        theirs = await make_slot(uow, boris, samara, NOW + timedelta(days=1), capacity=3)
        await uow.commit()
    came, missed = await _seat(panel, begun.id, ["Ann Lee", "Bob Ray"], BookingStatus.APPROVED)
    await panel.login("rec")
    assert (await panel.client.get(f"/slots/{theirs.id}")).status == 404
    page = await (await panel.client.get(f"/slots/{begun.id}")).text()
    assert "Came" in page and "No-show" in page
    url = f"/slots/{begun.id}/bookings/{{}}/attendance"
    assert (await panel.post(url.format(came), {"came": "1"})).status == 200
    refused = await panel.post(url.format(missed), {"came": "0"})
    assert refused.status == 200, re.findall(r"class=\"error\"[^<]*<", await refused.text())
    async with panel.storage.uow() as uow:
        statuses = {b.id: b.status for b in (await uow.session.scalars(select(Booking))).all()}
    assert statuses == {came: BookingStatus.ATTENDED, missed: BookingStatus.NO_SHOW}

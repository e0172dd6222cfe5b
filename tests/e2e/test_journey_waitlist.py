"""Point 10 (and 7's "a freed slot goes first to the waiting list"): first tap wins."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.enums import BookingStatus, CandidateStatus
from storage.models import Booking, Candidate, City, Recruiter, Slot, WaitlistEntry
from tests.e2e.chat import Chat
from tests.e2e.conftest import RunningApp
from tests.e2e.journey import (
    SAYS,
    book_first_time,
    button_texts,
    linked_recruiter,
    wait_for,
    wait_for_message,
)


async def _city_with_one_slot(app: RunningApp, chats: list[Chat]) -> None:
    async with app.app.uow_factory() as uow:
        city = uow.cities.add(
            City(name="Ожидание", timezone="Europe/Moscow", requires_approval=False)
        )
        await uow.session.flush()
        recruiter = uow.recruiters.add(
            Recruiter(name="Waiter", timezone="Europe/Moscow", cities=[city])
        )
        await uow.session.flush()
        day = app.clock.now().astimezone(ZoneInfo("Europe/Moscow")).date() + timedelta(days=2)
        uow.slots.add(
            Slot(
                recruiter_id=recruiter.id,
                city_id=city.id,
                starts_at=datetime.combine(
                    day, time(15), tzinfo=ZoneInfo("Europe/Moscow")
                ).astimezone(UTC),
            )
        )
        for chat in chats:
            uow.candidates.add(
                Candidate(
                    telegram_id=chat.id,
                    full_name=f"C{chat.id}",
                    locale=chat.persona.data["language_code"],
                    city_id=city.id,
                    status=CandidateStatus.SCREENING_PASSED,
                )
            )
        await uow.commit()


@pytest.mark.parametrize("locale", ["en", "ru"])
async def test_waiting_candidates_are_offered_a_freed_time_and_the_first_tap_takes_it(
    running_app: RunningApp, locale: str
) -> None:
    says = SAYS[locale]
    holder, first, second = [
        Chat(await running_app.sandbox.persona(name, language=locale)) for name in ("H", "A", "B")
    ]
    await _city_with_one_slot(running_app, [holder, first, second])
    await holder.start()
    await book_first_time(holder, locale)
    for chat in (first, second):
        _welcome, none_free = await chat.start()
        assert none_free["text"].startswith(says["none_free"])
        (joined,) = await chat.press(says["waitlist"])
        assert joined["text"].startswith(says["joined"])
    async with running_app.app.uow_factory() as uow:
        line = (await uow.session.scalars(select(WaitlistEntry).order_by(WaitlistEntry.id))).all()
        assert len(line) == 2

    await holder.say("/mybooking")
    await holder.navigate(says["cancel"])
    await holder.press(says["plans"], expect=2)
    await running_app.deliver_outbox()
    for chat in (first, second):
        offer = await wait_for_message(chat, says["offer"])
        assert button_texts(offer) == [says["take"]]
    confirmation, _ics = await second.press(says["take"], expect=2)
    assert says["confirmed"] in confirmation["text"]
    (gone,) = await first.press(says["take"])
    assert gone["text"].startswith(says["gone"])
    async with running_app.app.uow_factory() as uow:
        active = (
            await uow.session.scalars(
                select(Booking).where(Booking.status == BookingStatus.APPROVED)
            )
        ).all()
        assert [b.candidate_id for b in active] == [
            (await uow.candidates.get_by_telegram_id(second.id)).id  # type: ignore[union-attr]
        ]
        remaining = (await uow.session.scalars(select(WaitlistEntry))).all()
        assert len(remaining) == 1  # A still waits; B left the line by booking


async def test_asking_to_be_contacted_reaches_the_citys_recruiters(running_app: RunningApp) -> None:
    chat = Chat(await running_app.sandbox.persona("Ann", language="en"))
    await _city_with_one_slot(running_app, [chat])
    recruiter_chat = await linked_recruiter(running_app, "Waiter")
    async with running_app.app.uow_factory() as uow:  # the city's only slot goes away
        for slot in (await uow.session.scalars(select(Slot))).all():
            if (await uow.slots.get_city(slot)).name == "Ожидание":
                await uow.session.delete(slot)
        await uow.commit()
    await chat.start()
    (thanks,) = await chat.press("Please contact me")
    assert thanks["text"].startswith("Thank you! A recruiter will contact you soon.")
    await running_app.deliver_outbox()
    (request,) = await wait_for(recruiter_chat, 1)
    assert "просит связаться" in request["text"]

"""Point 8: the reminders' "I'm coming / I can't" buttons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from storage.models import Booking, Notification, Slot
from storage.models.enums import BookingStatus, CandidateStatus, NotificationStatus
from tests.e2e.chat import Chat
from tests.e2e.conftest import RunningApp
from tests.e2e.journey import (
    SAYS,
    book_first_time,
    button_texts,
    linked_recruiter,
    screened,
    wait_for,
    wait_for_message,
)


async def _to_six_hours_before(app: RunningApp, chat: Chat) -> Booking:
    async with app.app.uow_factory() as uow:
        booking = (await uow.session.scalars(select(Booking))).one()
        slot = await uow.session.get(Slot, booking.slot_id)
        assert slot is not None
        starts_at = slot.starts_at
    app.clock.advance(starts_at - app.clock.now() - timedelta(hours=6) + timedelta(minutes=1))
    return booking


@pytest.mark.parametrize("locale", ["en", "ru"])
async def test_im_coming_confirms_sends_the_place_and_tells_the_recruiter(
    running_app: RunningApp, locale: str
) -> None:
    says = SAYS[locale]
    recruiter = await linked_recruiter(running_app)
    chat = await screened(running_app, locale)
    await book_first_time(chat, locale)
    booking = await _to_six_hours_before(running_app, chat)
    before = len(await chat.bot_messages())
    await running_app.deliver_outbox()
    reminder, prompt = (await wait_for(chat, before + 2))[before:]
    assert reminder["text"].startswith(says["reminder"])
    assert prompt["text"].endswith(says["will_you"])
    assert button_texts(prompt) == [says["coming"], says["cant"]]

    (ack,) = await chat.press(says["coming"])
    assert ack["text"].startswith(says["coming_ack"])
    assert "https://meet.example.com/anna" in ack["text"]
    async with running_app.app.uow_factory() as uow:
        fresh = await uow.bookings.get(booking.id)
        candidate = await uow.candidates.get_by_telegram_id(chat.id)
        assert fresh is not None
        assert candidate is not None
        assert fresh.status is BookingStatus.CONFIRMED
        assert candidate.status is CandidateStatus.INTERVIEW_CONFIRMED
    await running_app.deliver_outbox()
    await wait_for_message(recruiter, "Ann Smith подтвердил(а), что придёт")


async def test_i_cant_frees_the_slot_tells_the_recruiter_and_offers_others(
    running_app: RunningApp,
) -> None:
    recruiter = await linked_recruiter(running_app)
    chat = await screened(running_app, "ru")
    await book_first_time(chat, "ru")
    booking = await _to_six_hours_before(running_app, chat)
    before = len(await chat.bot_messages())
    await running_app.deliver_outbox()
    await wait_for(chat, before + 2)

    ack, picker = await chat.press("❌ Не смогу", expect=2)
    assert ack["text"].startswith("Спасибо, что предупредили")
    assert picker["text"].startswith("Выберите рекрутера") or picker["text"].startswith(
        "Сейчас в городе"
    )
    async with running_app.app.uow_factory() as uow:
        fresh = await uow.bookings.get(booking.id)
        assert fresh is not None
        assert (fresh.status, fresh.reason) == (BookingStatus.CANCELED, "can't come")
        assert await uow.slots.is_free(booking.slot_id)
        left = (
            await uow.session.scalars(
                select(Notification).where(
                    Notification.booking_id == booking.id, Notification.kind == "confirm_2h"
                )
            )
        ).one()
        assert left.status is NotificationStatus.CANCELED  # no reminder after the cancel
    await running_app.deliver_outbox()
    await wait_for_message(recruiter, "Ann Smith не сможет прийти")


async def test_a_candidate_who_blocked_the_bot_is_marked_unreachable(
    running_app: RunningApp,
) -> None:
    chat = await screened(running_app, "en")
    await book_first_time(chat, "en")
    booking = await _to_six_hours_before(running_app, chat)
    await chat.persona.block()
    await running_app.deliver_outbox()  # the sandbox answers 403: bot was blocked by the user
    async with running_app.app.uow_factory() as uow:
        candidate = await uow.candidates.get_by_telegram_id(chat.id)
        assert candidate is not None
        assert candidate.reachable is False
        rows = (
            await uow.session.scalars(
                select(Notification).where(Notification.booking_id == booking.id)
            )
        ).all()
    statuses = {
        r.kind: r.status for r in rows if r.kind in ("reminder_24h", "confirm_6h", "confirm_2h")
    }
    assert NotificationStatus.UNREACHABLE in statuses.values()
    assert NotificationStatus.PENDING not in statuses.values()  # the rest were cancelled

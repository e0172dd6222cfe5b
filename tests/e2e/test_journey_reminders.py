"""Point 8: the reminders' "I'm coming / I can't" buttons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.enums import BookingStatus, CandidateStatus, NotificationStatus
from storage.models import Booking, City, Notification, Slot
from tests.e2e.chat import Chat
from tests.e2e.conftest import RunningApp
from tests.e2e.journey import (
    SAYS,
    book_first_time,
    button_texts,
    linked_recruiter,
    screened,
    wait_for_message,
    wait_for_text,
)
from tests.support.reminder_schedule import expected_reminders
from tests.support.waiting import eventually

MINUTE = timedelta(minutes=1)


# Instants the candidate books at (the first demo time is the next day, 10:00 in
# Kaliningrad): with the 24 h reminder due, after it (evening: only prompts), and at night.
MORNING = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
EVENING = datetime(2026, 11, 30, 19, 30, tzinfo=UTC)
NIGHT = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)


async def _booked(app: RunningApp) -> tuple[Booking, list[tuple[str, datetime]]]:
    """The one booking, and the reminders it should get, worked out from its time."""
    async with app.app.uow_factory() as uow:
        booking = (await uow.session.scalars(select(Booking))).one()
        slot = await uow.session.get(Slot, booking.slot_id)
        assert slot is not None
        city = await uow.session.get(City, slot.city_id)
        assert city is not None
        expected = expected_reminders(slot.starts_at, city.timezone, booking.created_at)
    return booking, expected


REMINDER_KINDS = ("reminder_24h", "confirm_6h", "confirm_2h")


async def _sent_reminders(app: RunningApp, booking_id: int) -> list[str]:
    async with app.app.uow_factory() as uow:
        rows = await uow.session.scalars(
            select(Notification)
            .where(
                Notification.booking_id == booking_id,
                Notification.kind.in_(REMINDER_KINDS),
                Notification.status == NotificationStatus.SENT,
            )
            .order_by(Notification.due_at)
        )
        return [r.kind for r in rows]


async def _reminders_until_prompt(app: RunningApp, chat: Chat, says: dict[str, str]) -> Booking:
    """Step the clock to each reminder's time in turn: a minute early it has not gone out, on
    time it goes out and reaches the chat, until the first "will you come?" prompt has come.
    (Other messages, such as the confirmation, may still be on their way meanwhile.)"""
    booking, expected = await _booked(app)
    assert any(kind != "reminder_24h" for kind, _ in expected), expected
    start = len(await chat.bot_messages())
    done: list[str] = []
    for kind, due in expected:
        app.clock.advance(due - MINUTE - app.clock.now())
        await app.deliver_outbox()
        assert await _sent_reminders(app, booking.id) == done, f"{kind} came before {due}"
        app.clock.advance(MINUTE)
        await app.deliver_outbox()
        done.append(kind)

        async def gone_out() -> bool:
            return await _sent_reminders(app, booking.id) == done

        await eventually(gone_out, f"{kind} sent at {due}")
        if kind == "reminder_24h":
            await wait_for_text(chat, says["reminder"], after=start)
            continue
        message = await wait_for_text(chat, says["will_you"], after=start)
        assert button_texts(message) == [says["coming"], says["cant"]]
        return booking
    raise AssertionError(f"no prompt among {expected}")


@pytest.mark.parametrize(("locale", "e2e_now"), [("en", MORNING), ("ru", EVENING), ("en", NIGHT)])
async def test_im_coming_confirms_sends_the_place_and_tells_the_recruiter(
    running_app: RunningApp, locale: str
) -> None:
    says = SAYS[locale]
    recruiter = await linked_recruiter(running_app)
    chat = await screened(running_app, locale)
    await book_first_time(chat, locale)
    booking = await _reminders_until_prompt(running_app, chat, says)

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
    booking = await _reminders_until_prompt(running_app, chat, SAYS["ru"])

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
    booking, expected = await _booked(running_app)
    await chat.persona.block()
    running_app.clock.advance(expected[0][1] - running_app.clock.now())
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

"""The recruiter's buttons on a booking say what is true of it. The Outcome button asks
"came?" only of a booking that awaits one: a booking declined, cancelled or expired since, or
one not begun yet, is refused at once with its state. "Offer another time" tells the candidate
what happened to their time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiogram.methods import AnswerCallbackQuery
from sqlalchemy import select

from bot.callbacks import DeskAction
from core.enums import BookingStatus, CandidateStatus
from storage.models import Notification
from tests.bot.conftest import BotHarness, button_update
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

RECRUITER_CHAT = 555


async def _booking(harness: BotHarness, status: BookingStatus, starts_in: timedelta) -> int:
    async with harness.storage.uow() as uow:
        city = await make_city(uow)
        recruiter = await make_recruiter(uow, city, telegram_chat_id=RECRUITER_CHAT, active=True)
        slot = await make_slot(uow, recruiter, city, NOW + starts_in)
        person = await make_candidate(uow, city, status=CandidateStatus.INTERVIEW_SCHEDULED)
        booking = await uow.bookings.try_create(slot, person.id, status, actor="test")
        assert booking is not None
        await uow.commit()
        return booking.id


def _answers(harness: BotHarness) -> list[AnswerCallbackQuery]:
    return [m for m in harness.session.requests if isinstance(m, AnswerCallbackQuery)]


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (BookingStatus.DECLINED, "отклонена"),
        (BookingStatus.CANCELED, "отменена"),
        (BookingStatus.EXPIRED, "без ответа"),
        (BookingStatus.PENDING, "не подтверждена"),
    ],
)
async def test_a_booking_with_no_outcome_to_record_is_refused_at_once(
    harness: BotHarness, status: BookingStatus, said: str
) -> None:
    booking_id = await _booking(harness, status, -timedelta(hours=2))
    press = button_update(DeskAction(do="outcome", booking_id=booking_id), user_id=RECRUITER_CHAT)
    await harness.dispatcher.feed_update(harness.bot, press)
    (answer,) = _answers(harness)
    assert answer.show_alert and answer.text is not None and said in answer.text
    assert harness.session.sent() == []  # no "came?" that would end in "not found"


async def test_an_interview_not_begun_is_refused_at_once(harness: BotHarness) -> None:
    booking_id = await _booking(harness, BookingStatus.APPROVED, timedelta(hours=2))
    press = button_update(DeskAction(do="outcome", booking_id=booking_id), user_id=RECRUITER_CHAT)
    await harness.dispatcher.feed_update(harness.bot, press)
    (answer,) = _answers(harness)
    assert answer.show_alert and answer.text is not None and "не началось" in answer.text
    assert harness.session.sent() == []


async def test_a_booking_awaiting_its_outcome_is_asked_about(harness: BotHarness) -> None:
    booking_id = await _booking(harness, BookingStatus.CONFIRMED, -timedelta(hours=2))
    press = button_update(DeskAction(do="outcome", booking_id=booking_id), user_id=RECRUITER_CHAT)
    await harness.dispatcher.feed_update(harness.bot, press)
    (prompt,) = harness.session.sent()
    assert prompt.reply_markup is not None  # came / did not come


@pytest.mark.parametrize(
    ("status", "kind", "said"),
    [
        (BookingStatus.PENDING, "booking_declined", "could not be confirmed"),
        (BookingStatus.APPROVED, "booking_another_time", "asks you to choose another time"),
        (BookingStatus.CONFIRMED, "booking_another_time", "asks you to choose another time"),
    ],
)
async def test_offer_another_time_says_what_happened_to_the_time(
    harness: BotHarness, status: BookingStatus, kind: str, said: str
) -> None:
    """A request not confirmed "could not be confirmed"; a time confirmed already (at once, in
    a city without approval, or approved) is one the recruiter asks to change."""
    booking_id = await _booking(harness, status, timedelta(days=2))
    press = button_update(DeskAction(do="offer", booking_id=booking_id), user_id=RECRUITER_CHAT)
    await harness.dispatcher.feed_update(harness.bot, press)
    async with harness.storage.uow() as uow:
        stmt = select(Notification.kind, Notification.payload).where(
            Notification.booking_id.is_(None), Notification.kind.like("booking_%")
        )
        told = (await uow.session.execute(stmt)).all()
    assert [k for k, _ in told] == [kind]
    assert said in told[0][1]["text"]


@pytest.mark.parametrize(
    ("status", "do", "said"),
    [
        (BookingStatus.EXPIRED, "approve", "без ответа"),
        (BookingStatus.DECLINED, "approve", "отклонена"),
        (BookingStatus.CANCELED, "approve", "отменена"),
        (BookingStatus.APPROVED, "approve", "уже подтверждена"),
        (BookingStatus.EXPIRED, "offer", "без ответа"),
        (BookingStatus.CANCELED, "offer", "отменена"),
    ],
)
async def test_a_decision_on_a_booking_ended_since_says_its_state(
    harness: BotHarness, status: BookingStatus, do: str, said: str
) -> None:
    """An old card's Approve or Offer another time, pressed after its request expired or the
    candidate cancelled, says so instead of "could not find it"."""
    booking_id = await _booking(harness, status, timedelta(days=2))
    press = button_update(DeskAction(do=do, booking_id=booking_id), user_id=RECRUITER_CHAT)
    await harness.dispatcher.feed_update(harness.bot, press)
    (answer,) = _answers(harness)
    assert answer.show_alert and answer.text is not None and said in answer.text
    assert harness.session.sent() == []

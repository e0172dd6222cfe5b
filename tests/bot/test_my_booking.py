"""`/mybooking` shows where to go (the meeting link or the address); with no booking, at a
stage where one can be made, it offers the "choose a time" button."""

from __future__ import annotations

import pytest

from bot.callbacks import RecruiterChoice
from core.enums import BookingStatus, CandidateStatus, SlotPurpose
from tests.bot.conftest import BotHarness
from tests.support.bot import text_update
from tests.support.factories import make_candidate, make_city, make_recruiter, make_slot

USER = 4343


async def _booked(harness: BotHarness, purpose: SlotPurpose, status: CandidateStatus) -> None:
    async with harness.storage.uow() as uow:
        city = await make_city(uow, intro_day_address="12 Lenin St, office 3")
        recruiter = await make_recruiter(uow, city, meeting_link="https://meet.example/abc")
        slot = await make_slot(uow, recruiter, city, purpose=purpose)
        person = await make_candidate(uow, city, telegram_id=USER, status=status)
        booking = await uow.bookings.try_create(
            slot, person.id, BookingStatus.APPROVED, actor="test"
        )
        assert booking is not None
        await uow.commit()


@pytest.mark.parametrize(
    ("purpose", "status", "place"),
    [
        (SlotPurpose.INTERVIEW, CandidateStatus.INTERVIEW_SCHEDULED, "https://meet.example/abc"),
        (SlotPurpose.INTRO_DAY, CandidateStatus.INTRO_DAY_SCHEDULED, "12 Lenin St, office 3"),
    ],
)
async def test_my_booking_shows_where_to_go(
    harness: BotHarness, purpose: SlotPurpose, status: CandidateStatus, place: str
) -> None:
    await _booked(harness, purpose, status)
    await harness.dispatcher.feed_update(harness.bot, text_update("/mybooking", user_id=USER))
    (shown,) = harness.session.sent()
    assert f"📍 {place}" in shown.text


@pytest.mark.parametrize(
    ("status", "purpose"),
    [
        (CandidateStatus.SCREENING_PASSED, SlotPurpose.INTERVIEW),
        (CandidateStatus.TEST2_PASSED, SlotPurpose.INTRO_DAY),
    ],
)
async def test_no_booking_offers_to_choose_a_time(
    harness: BotHarness, status: CandidateStatus, purpose: SlotPurpose
) -> None:
    async with harness.storage.uow() as uow:
        await make_candidate(uow, await make_city(uow), telegram_id=USER, status=status)
        await uow.commit()
    await harness.dispatcher.feed_update(harness.bot, text_update("/mybooking", user_id=USER))
    (shown,) = harness.session.sent()
    assert shown.text.startswith("You have no booking")
    assert shown.reply_markup is not None
    (row,) = shown.reply_markup.inline_keyboard  # type: ignore[union-attr]
    assert row[0].text == "Choose a time"
    assert row[0].callback_data == RecruiterChoice(purpose=purpose.value, recruiter_id=-1).pack()


async def test_no_booking_and_nothing_to_book_offers_no_button(harness: BotHarness) -> None:
    async with harness.storage.uow() as uow:
        city = await make_city(uow)
        await make_candidate(uow, city, telegram_id=USER, status=CandidateStatus.HIRED)
        await uow.commit()
    await harness.dispatcher.feed_update(harness.bot, text_update("/mybooking", user_id=USER))
    (shown,) = harness.session.sent()
    assert shown.reply_markup is None

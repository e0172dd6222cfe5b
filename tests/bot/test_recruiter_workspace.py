"""The recruiter's workspace: the cards waiting when the chat is linked, the card after a
decision, and the recruiter's own language."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import BookingStatus, CandidateStatus
from domain.organisation.invites import create_invite
from storage.models import Notification
from tests.bot.conftest import BotHarness
from tests.support.bot import text_update
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

RECRUITER_CHAT = 555


async def _cards(harness: BotHarness) -> list[Notification]:
    async with harness.storage.uow() as uow:
        stmt = select(Notification).where(Notification.kind == "booking_card")
        return list((await uow.session.scalars(stmt)).all())


async def test_linking_sends_the_cards_still_waiting(harness: BotHarness) -> None:
    """Requests made before the recruiter linked the chat reach it on linking; a past or
    finished one does not."""
    async with harness.storage.uow() as uow:
        city = await make_city(uow, requires_approval=True)
        recruiter = await make_recruiter(uow, city, active=True)
        waiting = []
        for starts_in, status in [
            (timedelta(days=1), BookingStatus.PENDING),
            (timedelta(days=2), BookingStatus.APPROVED),
            (-timedelta(days=1), BookingStatus.PENDING),
            (timedelta(days=3), BookingStatus.DECLINED),
        ]:
            slot = await make_slot(uow, recruiter, city, NOW + starts_in)
            person = await make_candidate(uow, city, status=CandidateStatus.INTERVIEW_SCHEDULED)
            booking = await uow.bookings.try_create(slot, person.id, status, actor="test")
            assert booking is not None
            waiting.append(booking.id)
        await uow.commit()
        payload = (await create_invite(uow, recruiter.id, FrozenClock(NOW))).unwrap()
    assert await _cards(harness) == []
    await harness.dispatcher.feed_update(
        harness.bot, text_update(f"/start {payload}", user_id=RECRUITER_CHAT)
    )
    cards = await _cards(harness)
    assert sorted(c.booking_id or 0 for c in cards) == waiting[:2]
    assert {c.recipient_chat_id for c in cards} == {RECRUITER_CHAT}

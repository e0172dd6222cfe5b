""" "Please contact me" always reaches someone: the city's recruiters in their chat, else the
admins' inbox in the panel; the candidate is thanked either way."""

from __future__ import annotations

from bot import callbacks
from core.enums import CandidateStatus
from domain.pipeline.contact import InboxFilter, inbox_page
from tests.bot.conftest import BotHarness, button_update
from tests.bot.test_final_answers import RECRUITER_CHAT, recruiter_notes
from tests.support.factories import make_candidate, make_city, make_recruiter

USER = 4343


async def _ask(harness: BotHarness, *, linked: bool) -> None:
    async with harness.storage.uow() as uow:
        city = await make_city(uow)
        chat = RECRUITER_CHAT if linked else None
        await make_recruiter(uow, city, telegram_chat_id=chat, active=True)
        await make_candidate(
            uow, city, telegram_id=USER, status=CandidateStatus.SCREENING_PASSED, locale="en"
        )
        await uow.commit()
    press = button_update(callbacks.WaitlistAction(action="contact"), user_id=USER)
    await harness.dispatcher.feed_update(harness.bot, press)
    assert harness.session.sent()[-1].text == "Thank you! A recruiter will contact you soon."


async def test_with_no_linked_recruiter_the_request_waits_in_the_admins_inbox(
    harness: BotHarness,
) -> None:
    await _ask(harness, linked=False)
    assert await recruiter_notes(harness) == []
    async with harness.storage.uow() as uow:
        (row,) = (await inbox_page(uow, InboxFilter(admins_only=True), 1)).rows
    assert row.telegram_id == USER and row.request.recruiters_told == 0


async def test_a_linked_recruiter_is_told_and_the_admins_are_not_asked(
    harness: BotHarness,
) -> None:
    await _ask(harness, linked=True)
    (note,) = await recruiter_notes(harness)
    assert "просит связаться" in note  # the recruiter's language
    async with harness.storage.uow() as uow:
        assert (await inbox_page(uow, InboxFilter(admins_only=True), 1)).rows == []
        (row,) = (await inbox_page(uow, InboxFilter(), 1)).rows
    assert row.request.recruiters_told == 1

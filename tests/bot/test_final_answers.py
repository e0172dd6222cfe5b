"""A candidate whose journey has ended gets the honest answer for how it ended, with no
welcome; a no-show who writes back has their words passed on to the city's recruiters."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.enums import CandidateStatus
from storage.models import Notification
from tests.bot.conftest import BotHarness
from tests.support.bot import text_update
from tests.support.factories import make_candidate, make_city, make_recruiter

USER = 4242
RECRUITER_CHAT = 556


async def candidate_with_status(
    harness: BotHarness, status: CandidateStatus, locale: str = "en"
) -> None:
    async with harness.storage.uow() as uow:
        city = await make_city(uow)
        await make_recruiter(uow, city, telegram_chat_id=RECRUITER_CHAT, active=True)
        await make_candidate(uow, city, telegram_id=USER, status=status, locale=locale)
        await uow.commit()


async def recruiter_notes(harness: BotHarness) -> list[str]:
    async with harness.storage.uow() as uow:
        stmt = select(Notification.payload).where(Notification.recipient_chat_id == RECRUITER_CHAT)
        return [p["text"] for p in (await uow.session.execute(stmt)).scalars()]


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (CandidateStatus.SCREENING_FAILED, "You have already answered our questions"),
        (CandidateStatus.NO_SHOW, "You missed your interview"),
        (CandidateStatus.INTERVIEWED_FAILED, "after the interview we could not offer"),
        (CandidateStatus.TEST2_FAILED, "You have already taken the test"),
        (CandidateStatus.HIRED, "You have been hired"),
        (CandidateStatus.NOT_HIRED, "Your application is closed"),
        (CandidateStatus.WITHDRAWN, "Your application has been withdrawn"),
    ],
)
async def test_start_after_the_journey_ended_gets_its_own_answer_and_no_welcome(
    harness: BotHarness, status: CandidateStatus, said: str
) -> None:
    await candidate_with_status(harness, status)
    await harness.dispatcher.feed_update(harness.bot, text_update("/start", user_id=USER))
    (answer,) = harness.session.sent()
    assert said in answer.text
    assert "recruiter will be in touch" not in answer.text
    assert await recruiter_notes(harness) == []  # /start says nothing to pass on


async def test_the_final_answer_is_in_the_candidates_language(harness: BotHarness) -> None:
    await candidate_with_status(harness, CandidateStatus.NOT_HIRED, locale="ru")
    update = text_update("/start", user_id=USER, language_code="ru")
    await harness.dispatcher.feed_update(harness.bot, update)
    (answer,) = harness.session.sent()
    assert answer.text.startswith("Ваша заявка закрыта")

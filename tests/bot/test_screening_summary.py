"""The summary a city's recruiters get when a candidate finishes the screening test: in the
recruiter's language whatever the candidate's, each answer under its question."""

from __future__ import annotations

from sqlalchemy import select

from bot import callbacks
from core.enums import CandidateStatus, QuestionKind, TestKind
from storage.models import Notification, Test, TestQuestion
from tests.bot.conftest import BotHarness, button_update
from tests.support.bot import text_update
from tests.support.factories import make_candidate, make_city, make_recruiter

OPTIONS = [
    {"value": "working", "label": {"ru": "Работаю", "en": "Working"}},
    {"value": "studying", "label": {"ru": "Учусь", "en": "Studying"}},
]


async def _summary(harness: BotHarness, recruiter_locale: str) -> str:
    async with harness.storage.uow() as uow:
        city = await make_city(uow, name="Тверь")
        await make_recruiter(uow, city, telegram_chat_id=555, locale=recruiter_locale)
        await make_candidate(
            uow, city, telegram_id=777, status=CandidateStatus.NEW, locale="en", full_name=None
        )
        choice = TestQuestion(
            position=1,
            key="status",
            kind=QuestionKind.SINGLE_CHOICE,
            prompt={"ru": "Чем вы сейчас заняты?", "en": "What are you doing now?"},
            options=OPTIONS,
        )
        about = TestQuestion(
            position=2,
            key="experience",
            kind=QuestionKind.TEXT,
            prompt={"ru": "Расскажите о вашем опыте.", "en": "Tell us about your experience."},
        )
        test = Test(kind=TestKind.SCREENING, title="T", pass_percent=0, questions=[choice, about])
        await uow.tests.add_many([test])
        await uow.commit()
        choice_id = choice.id
    await harness.dispatcher.feed_update(
        harness.bot, button_update(callbacks.AnswerChoice(question_id=choice_id, value="working"))
    )
    await harness.dispatcher.feed_update(harness.bot, text_update("Two years <in> sales"))
    async with harness.storage.uow() as uow:
        stmt = select(Notification).where(Notification.kind == "screening_summary")
        (summary,) = (await uow.session.scalars(stmt)).all()
        return str(summary.payload["text"])


async def test_the_summary_is_in_the_recruiters_language_not_the_candidates(
    harness: BotHarness,
) -> None:
    text = await _summary(harness, "ru")
    assert "Новый кандидат" in text
    assert "Чем вы сейчас заняты?" in text and "Работаю" in text
    assert "What are you doing" not in text and "Working" not in text
    assert "Two years &lt;in&gt; sales" in text  # what the candidate wrote, as written


async def test_each_answer_stands_under_its_question(harness: BotHarness) -> None:
    text = await _summary(harness, "en")
    assert "What are you doing now?" in text and "Working" in text
    assert "?:" not in text and ".:" not in text

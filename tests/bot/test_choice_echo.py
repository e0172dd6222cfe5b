"""A choice answered by a button stays visible in the chat: the question shows the answer
chosen under it, in place of its buttons (test 1 and test 2)."""

from __future__ import annotations

from aiogram.methods import EditMessageText
from aiogram.types import InlineKeyboardMarkup

from bot import callbacks
from bot.candidate import questions
from core.enums import CandidateStatus, QuestionKind, TestKind
from domain.messaging.texts import Catalog
from storage.dto import QuestionDTO
from storage.models import Test, TestQuestion
from tests.bot.conftest import BotHarness, button_update
from tests.support.factories import make_candidate, make_city

CATALOG = Catalog.load("ru")
OPTIONS = [
    {"value": "working", "label": {"ru": "Работаю", "en": "Working <full time>"}},
    {"value": "studying", "label": {"ru": "Учусь", "en": "Studying"}, "correct": True},
]


async def _setup(harness: BotHarness, kind: TestKind, status: CandidateStatus) -> int:
    async with harness.storage.uow() as uow:
        city = await make_city(uow)
        await make_candidate(uow, city, telegram_id=777, status=status, locale="en")
        choice = TestQuestion(
            position=1,
            key="status",
            kind=QuestionKind.SINGLE_CHOICE,
            prompt={"ru": "Чем заняты?", "en": "What are you doing?"},
            options=OPTIONS,
        )
        after = TestQuestion(
            position=2, key="name", kind=QuestionKind.TEXT, prompt={"ru": "Имя?", "en": "Name?"}
        )
        if kind is TestKind.KNOWLEDGE:
            after.kind, after.options = QuestionKind.SINGLE_CHOICE, OPTIONS
        test = Test(kind=kind, title="T", pass_percent=0, questions=[choice, after])
        await uow.tests.add_many([test])
        await uow.commit()
        return choice.id


def _keyboard(question_id: int, kind: TestKind) -> InlineKeyboardMarkup:
    dto = QuestionDTO(
        id=question_id,
        position=1,
        key="status",
        kind=QuestionKind.SINGLE_CHOICE,
        prompt={"en": "?"},
        options=OPTIONS,
        min_value=None,
        max_value=None,
        max_attempts=None,
        time_limit_seconds=None,
        parent_id=None,
        show_if_answer=None,
    )
    if kind is TestKind.KNOWLEDGE:
        return questions.test2_markup(dto, "en")
    markup = questions.question_markup(dto, CATALOG, "en")
    assert isinstance(markup, InlineKeyboardMarkup)
    return markup


def _edits(harness: BotHarness) -> list[EditMessageText]:
    return [r for r in harness.session.requests if isinstance(r, EditMessageText)]


async def test_a_screening_choice_is_shown_under_its_question(harness: BotHarness) -> None:
    question_id = await _setup(harness, TestKind.SCREENING, CandidateStatus.NEW)
    press = button_update(
        callbacks.AnswerChoice(question_id=question_id, value="working"),
        text="Question 1 of 2\nWhat are you doing?",
        markup=_keyboard(question_id, TestKind.SCREENING),
    )
    await harness.dispatcher.feed_update(harness.bot, press)
    [edit] = _edits(harness)
    assert edit.text.startswith("Question 1 of 2\nWhat are you doing?")
    assert edit.text.endswith("Your answer: Working &lt;full time&gt;")
    assert edit.reply_markup is None
    assert harness.session.sent()[-1].text.endswith("Name?")


async def test_a_test2_answer_is_shown_under_its_question(harness: BotHarness) -> None:
    question_id = await _setup(harness, TestKind.KNOWLEDGE, CandidateStatus.INTERVIEWED_PASSED)
    press = button_update(
        callbacks.Test2Choice(question_id=question_id, value="studying"),
        text="What are you doing?",
        markup=_keyboard(question_id, TestKind.KNOWLEDGE),
    )
    await harness.dispatcher.feed_update(harness.bot, press)
    [edit] = _edits(harness)
    assert edit.text == "What are you doing?\n\nYour answer: Studying"
    assert edit.reply_markup is None

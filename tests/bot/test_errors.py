"""A failing handler never leaves the user without an answer, and is logged with context.

Domain errors reach one place, the error router: a polite text in the person's language, on the
button as an alert when they pressed one."""

from __future__ import annotations

import json

import pytest
from aiogram import Router
from aiogram.filters import Command
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import CallbackQuery, Message

from bot.callbacks import BookingAction, DeskAction, LanguageMenu
from core.errors import SlotTaken
from core.logging import configure_logging
from core.settings import LogFormat
from tests.bot.conftest import BotHarness, button_update
from tests.support.bot import text_update
from tests.support.factories import make_candidate, make_city, make_recruiter


def _failing_router() -> Router:
    router = Router(name="failing")

    @router.message(Command("taken"))
    async def taken(_message: Message) -> None:
        raise SlotTaken("slot 1")

    @router.message(Command("crash"))
    async def crash(_message: Message) -> None:
        raise ZeroDivisionError("boom")

    @router.callback_query(LanguageMenu.filter())
    async def taken_by_button(_query: CallbackQuery) -> None:
        raise SlotTaken("slot 1")

    return router


def _include_first(harness: BotHarness, router: Router) -> None:
    """Ahead of the candidate routers, which would otherwise take every message."""
    harness.dispatcher.include_router(router)
    harness.dispatcher.sub_routers.insert(0, harness.dispatcher.sub_routers.pop())


def _answers(harness: BotHarness) -> list[AnswerCallbackQuery]:
    return [m for m in harness.session.requests if isinstance(m, AnswerCallbackQuery)]


async def test_a_domain_error_gets_its_polite_message(harness: BotHarness) -> None:
    _include_first(harness, _failing_router())
    await harness.dispatcher.feed_update(harness.bot, text_update("/taken", language_code="en"))
    await harness.dispatcher.feed_update(harness.bot, text_update("/taken", language_code="ru"))
    texts = [m.text for m in harness.session.sent()]
    assert texts == [
        "Sorry, that time has just been taken by someone else.",
        "Извините, это время только что занял кто-то другой.",
    ]


async def test_a_domain_error_on_a_button_is_the_buttons_one_answer(harness: BotHarness) -> None:
    _include_first(harness, _failing_router())
    # Handled, not raised: Telegram would otherwise deliver it again, and be dropped as a copy.
    await harness.dispatcher.feed_update(harness.bot, button_update(LanguageMenu()))
    (answer,) = _answers(harness)
    assert answer.text == "Sorry, that time has just been taken by someone else."
    assert answer.show_alert
    assert harness.session.sent() == []


async def test_a_refused_booking_change_is_told_in_the_candidates_own_language(
    harness: BotHarness,
) -> None:
    """A real handler: moving a booking that is no longer theirs. The candidate chose Russian
    although their Telegram speaks English."""
    async with harness.storage.uow() as uow:
        await make_candidate(uow, telegram_id=4321, locale="ru")
        await uow.commit()
    press = button_update(BookingAction(action="move", booking_id=999), user_id=4321)
    await harness.dispatcher.feed_update(harness.bot, press)
    (answer,) = _answers(harness)
    assert (answer.text, answer.show_alert) == ("Не удалось это найти.", True)
    assert harness.session.sent() == []


async def test_a_recruiter_pressing_on_someone_elses_booking_is_refused(
    harness: BotHarness,
) -> None:
    async with harness.storage.uow() as uow:
        city = await make_city(uow)
        await make_recruiter(uow, city, telegram_chat_id=555, active=True)
        await uow.commit()
    press = button_update(DeskAction(do="approve", booking_id=999), user_id=555)
    await harness.dispatcher.feed_update(harness.bot, press)
    (answer,) = _answers(harness)
    # Recruiters read the bot in the default language (Russian here), whatever Telegram says.
    assert (answer.text, answer.show_alert) == ("Эта запись не на ваш слот.", True)


async def test_an_unexpected_error_is_apologised_for_and_logged_with_the_update(
    harness: BotHarness, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", LogFormat.JSON)
    try:
        _include_first(harness, _failing_router())
        update = text_update("/crash", user_id=4242)
        await harness.dispatcher.feed_update(harness.bot, update)
    finally:
        configure_logging("INFO", LogFormat.CONSOLE)
    sent = harness.session.sent()
    assert isinstance(sent[0], SendMessage)
    assert sent[0].text.startswith("Sorry, something went wrong")
    lines = [
        json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")
    ]
    (error,) = [line for line in lines if line["event"] == "bot.unhandled_error"]
    assert error["update_id"] == update.update_id
    assert error["user_id"] == 4242
    assert "ZeroDivisionError" in error["exception"]
    # aiogram's own stdlib log lines come out as JSON too, with the same context bound.
    handled = [line for line in lines if line.get("logger") == "aiogram.event"]
    assert handled
    assert handled[0]["user_id"] == 4242

"""A failing handler never leaves the user without an answer, and is logged with context."""

from __future__ import annotations

import json

import pytest
from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from core.errors import SlotTaken
from core.logging import configure_logging
from core.settings import LogFormat
from tests.bot.conftest import BotHarness
from tests.support.bot import text_update


def _failing_router() -> Router:
    router = Router(name="failing")

    @router.message(Command("taken"))
    async def taken(_message: Message) -> None:
        raise SlotTaken("slot 1")

    @router.message(Command("crash"))
    async def crash(_message: Message) -> None:
        raise ZeroDivisionError("boom")

    return router


def _include_first(harness: BotHarness, router: Router) -> None:
    """Ahead of the candidate routers, which would otherwise take every message."""
    harness.dispatcher.include_router(router)
    harness.dispatcher.sub_routers.insert(0, harness.dispatcher.sub_routers.pop())


async def test_a_domain_error_gets_its_polite_message(harness: BotHarness) -> None:
    _include_first(harness, _failing_router())
    await harness.dispatcher.feed_update(harness.bot, text_update("/taken", language_code="en"))
    await harness.dispatcher.feed_update(harness.bot, text_update("/taken", language_code="ru"))
    texts = [m.text for m in harness.session.sent()]
    assert texts == [
        "Sorry, that time has just been taken by someone else.",
        "Извините, это время только что занял кто-то другой.",
    ]


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
    assert harness.session.sent()[0].text.startswith("Sorry, something went wrong")
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

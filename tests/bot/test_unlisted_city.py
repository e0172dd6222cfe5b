"""A city that is not listed: "my city is not here" asks for its name, notes it on the
candidate and says honestly what happens next; the list stays there to choose from."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot import callbacks
from core.enums import CandidateStatus
from tests.bot.conftest import BotHarness, button_update
from tests.support.bot import text_update
from tests.support.factories import make_candidate, make_city


async def _candidate_without_city(harness: BotHarness) -> None:
    async with harness.storage.uow() as uow:
        await make_city(uow, name="Казань")
        await make_candidate(uow, telegram_id=777, locale="en", status=CandidateStatus.NEW)
        await uow.commit()


def _buttons(markup: object) -> list[str]:
    assert isinstance(markup, InlineKeyboardMarkup)
    return [b.text for row in markup.inline_keyboard for b in row]


async def test_the_city_list_offers_my_city_is_not_here(harness: BotHarness) -> None:
    await _candidate_without_city(harness)
    await harness.dispatcher.feed_update(harness.bot, text_update("/start"))
    asked = harness.session.sent()[-1]
    assert "🏙 My city is not here" in _buttons(asked.reply_markup)


async def test_an_unlisted_city_is_noted_and_the_candidate_told_what_happens(
    harness: BotHarness,
) -> None:
    await _candidate_without_city(harness)
    await harness.dispatcher.feed_update(harness.bot, button_update(callbacks.CityMissing()))
    assert harness.session.sent()[-1].text == "Which city do you live in? Please type its name."
    await harness.dispatcher.feed_update(harness.bot, text_update("  Тула "))
    told = harness.session.sent()[-1]
    assert "Тула" in told.text and "write to you here" in told.text
    assert "Казань" in _buttons(told.reply_markup)  # a listed city can still be chosen
    async with harness.storage.uow() as uow:
        candidate = await uow.candidates.get_by_telegram_id(777)
        assert candidate is not None
        assert (candidate.wanted_city, candidate.city_id) == ("Тула", None)


async def test_a_listed_city_typed_after_all_is_simply_chosen(harness: BotHarness) -> None:
    await _candidate_without_city(harness)
    await harness.dispatcher.feed_update(harness.bot, button_update(callbacks.CityMissing()))
    await harness.dispatcher.feed_update(harness.bot, text_update("казань"))
    async with harness.storage.uow() as uow:
        candidate = await uow.candidates.get_by_telegram_id(777)
        assert candidate is not None
        assert candidate.city_id is not None and candidate.wanted_city is None

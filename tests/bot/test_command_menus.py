"""The "/" menu: the candidates' per language, the recruiters' own in each linked chat."""

from __future__ import annotations

from aiogram.methods import SetMyCommands
from aiogram.types import BotCommandScopeChat, BotCommandScopeDefault

from bot.callbacks import LanguageChoice
from bot.commands import set_command_menus
from core.clock import FrozenClock
from domain.messaging.texts import Catalog
from domain.organisation.invites import create_invite
from tests.bot.conftest import BotHarness, button_update
from tests.support.bot import text_update
from tests.support.factories import NOW, make_city, make_recruiter


def _menus(harness: BotHarness) -> dict[tuple[str, str | None], list[tuple[str, str]]]:
    menus = {}
    for call in harness.session.requests:
        if isinstance(call, SetMyCommands):
            scope = call.scope
            key = (
                f"chat:{scope.chat_id}" if isinstance(scope, BotCommandScopeChat) else "default",
                call.language_code,
            )
            assert scope is None or isinstance(scope, BotCommandScopeChat | BotCommandScopeDefault)
            menus[key] = [(c.command, c.description) for c in call.commands]
    return menus


async def test_start_up_sets_each_languages_menu_and_each_recruiters(
    harness: BotHarness,
) -> None:
    await set_command_menus(harness.bot, Catalog.load("ru"), [(501, "ru"), (502, None)])
    menus = _menus(harness)
    assert [c for c, _ in menus[("default", None)]] == [
        "start",
        "mybooking",
        "vacancies",
        "lang",
        "mydata",
        "forgetme",
    ]
    assert menus[("default", "ru")][1] == ("mybooking", "Моя запись")
    assert menus[("default", "en")][1] == ("mybooking", "My booking")
    assert menus[("default", "ru")][2] == ("vacancies", "Вакансии и мои отклики")
    assert menus[("default", "en")][2] == ("vacancies", "Vacancies and my applications")
    assert [c for c, _ in menus[("chat:501", None)]] == ["today", "week", "slots", "calendar"]
    assert menus[("chat:501", None)][0] == ("today", "Собеседования сегодня")
    assert ("chat:502", None) in menus


async def test_start_up_sets_each_recruiters_menu_in_their_own_language(
    harness: BotHarness,
) -> None:
    """A recruiter who speaks English keeps an English menu across a restart."""
    await set_command_menus(harness.bot, Catalog.load("ru"), [(501, "en"), (502, "ru")])
    menus = _menus(harness)
    assert menus[("chat:501", None)][0] == ("today", "Today's interviews")
    assert menus[("chat:502", None)][0][0] == "today"
    assert menus[("chat:502", None)][0][1] != "Today's interviews"


async def test_lang_in_a_recruiters_chat_changes_its_menu(harness: BotHarness) -> None:
    async with harness.storage.uow() as uow:
        city = await make_city(uow)
        anna = await make_recruiter(uow, city, name="Anna")
        await uow.commit()
        payload = (await create_invite(uow, anna.id, FrozenClock(NOW))).unwrap()
    linking = text_update(f"/start {payload}", user_id=4242, language_code="en")
    await harness.dispatcher.feed_update(harness.bot, linking)
    assert _menus(harness)[("chat:4242", None)][0] == ("today", "Today's interviews")
    await harness.dispatcher.feed_update(
        harness.bot, button_update(LanguageChoice(code="ru"), user_id=4242)
    )
    assert _menus(harness)[("chat:4242", None)][0][1] != "Today's interviews"


async def test_linking_a_chat_gives_it_the_recruiters_menu(harness: BotHarness) -> None:
    async with harness.storage.uow() as uow:
        city = await make_city(uow)
        anna = await make_recruiter(uow, city, name="Anna")
        await uow.commit()
        payload = (await create_invite(uow, anna.id, FrozenClock(NOW))).unwrap()
    update = text_update(f"/start {payload}", user_id=4242, language_code="en")
    await harness.dispatcher.feed_update(harness.bot, update)
    assert harness.session.sent()[0].text.startswith("You are linked")
    assert _menus(harness)[("chat:4242", None)][0] == ("today", "Today's interviews")


async def test_a_refused_menu_never_stops_the_start(harness: BotHarness) -> None:
    async def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError("Telegram is away")

    harness.session.make_request = refuse  # type: ignore[method-assign]
    await set_command_menus(harness.bot, Catalog.load("ru"), [(501, "ru")])  # logged, not raised

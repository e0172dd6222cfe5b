"""The bot's command menus (the "/" button): the candidates' in each language, and in each
linked recruiter's chat the recruiters' own, in the recruiter's language. Set at start-up, when
a chat is linked and when its recruiter changes language; a failure is logged, never fatal (the
commands work typed all the same)."""

from __future__ import annotations

from collections.abc import Iterable

import structlog
from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from domain.messaging.texts import Catalog

log = structlog.get_logger(__name__)

CANDIDATE_COMMANDS = ("start", "mybooking", "vacancies", "lang", "mydata", "forgetme")
RECRUITER_COMMANDS = ("today", "week", "slots", "calendar")


def menu(catalog: Catalog, names: Iterable[str], locale: str) -> list[BotCommand]:
    return [
        BotCommand(command=name, description=catalog.text(f"command.{name}", locale))
        for name in names
    ]


async def set_candidate_menus(bot: Bot, catalog: Catalog) -> None:
    """The default menu in the default language, and one per language the bot speaks (Telegram
    picks it by the user's app language)."""
    default = catalog.default_locale
    await bot.set_my_commands(
        menu(catalog, CANDIDATE_COMMANDS, default), scope=BotCommandScopeDefault()
    )
    for locale in sorted(catalog.ui):
        await bot.set_my_commands(
            menu(catalog, CANDIDATE_COMMANDS, locale),
            scope=BotCommandScopeDefault(),
            language_code=locale,
        )


async def set_recruiter_menu(bot: Bot, catalog: Catalog, chat_id: int, locale: str) -> None:
    """A recruiter's chat: their commands instead of the candidates'."""
    await bot.set_my_commands(
        menu(catalog, RECRUITER_COMMANDS, locale), scope=BotCommandScopeChat(chat_id=chat_id)
    )


async def refresh_recruiter_menu(bot: Bot, catalog: Catalog, chat_id: int, locale: str) -> None:
    """A recruiter's menu after linking or a change of language: a failure is only logged."""
    try:
        await set_recruiter_menu(bot, catalog, chat_id, locale)
    except Exception as exc:
        log.warning("bot.recruiter_commands_not_set", error=repr(exc))


async def set_command_menus(
    bot: Bot, catalog: Catalog, recruiter_chats: Iterable[tuple[int, str | None]]
) -> None:
    """Every menu, at start-up; each recruiter's (chat, language) in that language. Telegram
    away or refusing: logged, start-up goes on."""
    try:
        await set_candidate_menus(bot, catalog)
        for chat_id, locale in recruiter_chats:
            await set_recruiter_menu(bot, catalog, chat_id, catalog.locale_for(locale))
    except Exception as exc:
        log.warning("bot.commands_not_set", error=repr(exc))

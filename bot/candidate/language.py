"""`/lang` and the language button: the candidate's language, changeable at any time."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.buttons import button
from bot.callbacks import LanguageChoice, LanguageMenu
from bot.candidate.journey import show_step
from bot.candidate.texts import text
from bot.filters import IsCandidate
from bot.reply import Reply
from domain.bookings.booking import Messaging
from domain.messaging.texts import Catalog
from domain.pipeline.arrival import choose_language
from domain.records import Candidate
from storage.uow import UnitOfWork


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button("Русский", LanguageChoice(code="ru")),
                button("English", LanguageChoice(code="en")),
            ]
        ]
    )


def language_button(catalog: Catalog, locale: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[button(catalog.text("button.language", locale), LanguageMenu())]]
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(IsCandidate())
    router.callback_query.filter(IsCandidate())

    @router.message(Command("lang"))
    async def ask(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        await Reply.to_message(bot, message).send(
            await text(uow, messaging, candidate, "choose_language"), language_keyboard()
        )

    @router.callback_query(LanguageMenu.filter())
    async def ask_by_button(
        query: CallbackQuery, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        await Reply.to_callback(bot, query).send(
            await text(uow, messaging, candidate, "choose_language"), language_keyboard()
        )

    @router.callback_query(LanguageChoice.filter())
    async def choose(
        query: CallbackQuery,
        callback_data: LanguageChoice,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
    ) -> None:
        if not await choose_language(uow, candidate, callback_data.code):
            return
        reply = Reply.to_callback(bot, query)
        await reply.drop_buttons()
        await reply.send(messaging.catalog.text("language.chosen", candidate.locale))
        await show_step(reply, uow, candidate, messaging)

    return router

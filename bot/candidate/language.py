"""`/lang` and the language button: the candidate's language, changeable at any time."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.callbacks import LanguageChoice, LanguageMenu
from bot.candidate.journey import show_step, text
from bot.candidate.picker_keyboards import language_keyboard
from bot.filters import IsCandidate
from bot.reply import Reply
from core.settings import SUPPORTED_LOCALES
from domain.bookings.booking import Messaging
from storage.models import Candidate
from storage.uow import UnitOfWork


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
        if callback_data.code not in SUPPORTED_LOCALES:
            return
        candidate.locale = callback_data.code
        await uow.commit()
        reply = Reply.to_callback(bot, query)
        await reply.drop_buttons()
        await reply.send(messaging.catalog.text("language.chosen", candidate.locale))
        await show_step(reply, uow, candidate, messaging)

    return router

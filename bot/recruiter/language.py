"""`/lang` in a recruiter's chat: the recruiter's language, changeable like a candidate's."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.callbacks import LanguageChoice
from bot.candidate.language import language_keyboard
from bot.commands import refresh_recruiter_menu
from bot.filters import IsRecruiter
from bot.recruiter.texts import say
from bot.reply import Reply
from domain.bookings.booking import Messaging
from domain.organisation.places import choose_recruiter_language, recruiter_by_id
from storage.dto import RecruiterDTO
from storage.uow import UnitOfWork


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(IsRecruiter())
    router.callback_query.filter(IsRecruiter())

    @router.message(Command("lang"))
    async def ask(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, recruiter: RecruiterDTO
    ) -> None:
        await Reply.to_message(bot, message).send(
            await say(uow, messaging, recruiter, "choose_language"), language_keyboard()
        )

    @router.callback_query(LanguageChoice.filter())
    async def choose(
        query: CallbackQuery,
        callback_data: LanguageChoice,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        if not await choose_recruiter_language(uow, recruiter.id, callback_data.code):
            return
        now = await recruiter_by_id(uow, recruiter.id) or recruiter
        reply = Reply.to_callback(bot, query)
        await reply.drop_buttons()
        locale = messaging.catalog.locale_for(now.locale)
        await reply.send(messaging.catalog.text("language.chosen", locale))
        await reply.send(await say(uow, messaging, now, "recruiter_linked", name=now.name))
        if query.message is not None:  # the "/" menu follows the language too
            await refresh_recruiter_menu(bot, messaging.catalog, query.message.chat.id, locale)

    return router

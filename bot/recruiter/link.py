"""`/start rec_<token>`: the one way a chat becomes a recruiter's."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message

from bot.commands import refresh_recruiter_menu
from bot.reply import Reply
from domain.bookings.booking import Messaging
from domain.bookings.card import queue_waiting_cards
from domain.messaging.texts import render_message
from domain.organisation.invites import INVITE_PREFIX, redeem_invite
from storage.uow import UnitOfWork


def create_router() -> Router:
    router = Router(name=__name__)

    @router.message(CommandStart(deep_link=True, magic=F.args.startswith(INVITE_PREFIX)))
    async def link(
        message: Message, command: CommandObject, bot: Bot, uow: UnitOfWork, messaging: Messaging
    ) -> None:
        assert message.from_user is not None
        assert command.args is not None
        reply = Reply.to_message(bot, message)
        locale = messaging.catalog.locale_for(message.from_user.language_code)
        result = await redeem_invite(
            uow, command.args, message.from_user.id, messaging.clock, locale
        )
        recruiter = result.unwrap()  # a refused invite: the error router says why
        await reply.send(
            await render_message(
                uow, messaging.catalog, "recruiter_linked", locale, None, name=recruiter.name
            )
        )
        await queue_waiting_cards(uow, messaging, recruiter.id)
        # their own menu in this chat; the commands work typed even if this fails
        await refresh_recruiter_menu(bot, messaging.catalog, message.chat.id, locale)

    return router

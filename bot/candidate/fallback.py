"""Whatever no other handler took: a message no flow was waiting for is kept in the candidate's
thread, relayed to their recruiters and acknowledged, and their step shown again where the
flow waits for one or has ended (`step_follows_a_message`); a command shows where they are;
stale buttons are told so."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.candidate.inbound import keep_and_relay
from bot.candidate.journey import show_step
from bot.filters import IsCandidate
from bot.reply import Reply, tell
from domain.bookings.booking import Messaging
from domain.pipeline.journey import step_follows_a_message
from domain.records import Candidate
from storage.uow import UnitOfWork


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(IsCandidate())

    @router.message(F.text.startswith("/"))
    async def command(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        await show_step(Reply.to_message(bot, message), uow, candidate, messaging)

    @router.message()
    async def wrote(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        ack = await keep_and_relay(message, uow, messaging, candidate)
        reply = Reply.to_message(bot, message)
        await reply.send(ack)
        if step_follows_a_message(candidate):
            await show_step(reply, uow, candidate, messaging)

    @router.callback_query()
    async def stale_button(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        messaging: Messaging,
        candidate: Candidate | None = None,
    ) -> None:
        locale = (
            candidate.locale
            if candidate
            else messaging.catalog.locale_for(query.from_user.language_code)
        )
        tell(callback_answer, messaging.catalog.text("error.outdated_button", locale))

    return router

"""Whatever no other handler took: show where the candidate is; tell stale buttons so."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.candidate.journey import show_step
from bot.filters import IsCandidate
from bot.reply import Reply, tell
from domain.bookings.booking import Messaging
from domain.records import Candidate
from storage.uow import UnitOfWork


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(IsCandidate())

    @router.message(~F.text)
    async def not_text(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        reply = Reply.to_message(bot, message)
        await reply.send(messaging.catalog.text("input.text_expected", candidate.locale))
        await show_step(reply, uow, candidate, messaging)

    @router.message()
    async def anything(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        said = message.text
        wrote = None if said is None or said.startswith("/") else said
        await show_step(Reply.to_message(bot, message), uow, candidate, messaging, wrote)

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

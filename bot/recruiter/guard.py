"""Recruiters' buttons pressed by anyone else are refused and logged; a recruiter's messages
never fall through to the candidate's journey."""

from __future__ import annotations

import structlog
from aiogram import Bot, F, Router
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer

from bot.filters import IsRecruiter
from bot.reply import Reply, tell
from domain.bookings.booking import Messaging
from domain.messaging.texts import render_message
from storage.dto import RecruiterDTO
from storage.uow import UnitOfWork

log = structlog.get_logger(__name__)


class SwitchedOff(Filter):
    """A chat linked to a recruiter an admin has deactivated: their commands stop at once."""

    async def __call__(self, event: TelegramObject, recruiter_switched_off: bool = False) -> bool:
        return recruiter_switched_off


def create_router() -> Router:
    router = Router(name=__name__)

    @router.callback_query(F.data.regexp(r"^(ra|rm|rp|rn|rd|rc|rv):"), ~IsRecruiter())
    async def not_a_recruiter(
        query: CallbackQuery, callback_answer: CallbackAnswer, messaging: Messaging
    ) -> None:
        log.warning("recruiter.button_refused", user_id=query.from_user.id, data=query.data)
        locale = messaging.catalog.locale_for(query.from_user.language_code)
        tell(callback_answer, messaging.catalog.text("recruiter.not_allowed", locale), alert=True)

    @router.message(SwitchedOff())
    async def switched_off(message: Message, bot: Bot, messaging: Messaging) -> None:
        user = message.from_user
        locale = messaging.catalog.locale_for(user.language_code if user else None)
        await Reply.to_message(bot, message).send(
            messaging.catalog.text("recruiter.switched_off", locale)
        )

    @router.message(IsRecruiter())
    async def recruiter_help(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, recruiter: RecruiterDTO
    ) -> None:
        text = await render_message(
            uow,
            messaging.catalog,
            "recruiter_linked",
            messaging.catalog.locale_for(recruiter.locale),
            None,
            name=recruiter.name,
        )
        await Reply.to_message(bot, message).send(text)

    @router.callback_query(IsRecruiter())
    async def stale(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        tell(
            callback_answer,
            messaging.catalog.text(
                "error.outdated_button", messaging.catalog.locale_for(recruiter.locale)
            ),
        )

    return router

"""`/mybooking`: see the booking, move it (the old time kept until a new one is taken), cancel."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.callbacks import BookingAction
from bot.candidate.journey import show_booking, show_recruiters, show_step, text
from bot.candidate.picker_keyboards import REASONS, reasons_keyboard
from bot.filters import IsCandidate
from bot.reply import Reply, tell
from core.result import Failure
from domain.bookings.booking import Messaging, cancel_booking, change_allowed
from storage.models import Candidate
from storage.uow import UnitOfWork


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(IsCandidate())
    router.callback_query.filter(IsCandidate())

    @router.message(Command("mybooking"))
    async def show(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        await show_booking(Reply.to_message(bot, message), uow, candidate, messaging)

    @router.callback_query(BookingAction.filter())
    async def act(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: BookingAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        locale = candidate.locale
        if callback_data.action == "show":
            await show_booking(reply, uow, candidate, messaging)
            return
        allowed = await change_allowed(uow, messaging, candidate, callback_data.booking_id)
        if isinstance(allowed, Failure):
            tell(
                callback_answer,
                messaging.catalog.text(allowed.error.message_key, locale),
                alert=True,
            )
            return
        if callback_data.action == "move":
            await reply.send(await text(uow, messaging, candidate, "reschedule_pick"))
            await show_recruiters(
                reply, uow, candidate, messaging, allowed.value.purpose, allowed.value.id
            )
        elif callback_data.action == "cancel":
            await reply.edit_or_send(
                await text(uow, messaging, candidate, "ask_cancel_reason"),
                reasons_keyboard(allowed.value.id, messaging.catalog, locale),
            )
        elif callback_data.action == "keep":
            await reply.drop_buttons()
            await show_booking(reply, uow, candidate, messaging)
        elif callback_data.action == "reason" and callback_data.reason in REASONS:
            reason = messaging.catalog.text(
                f"reason.{callback_data.reason}", messaging.catalog.default_locale
            )
            result = await cancel_booking(uow, messaging, candidate, allowed.value.id, reason)
            if isinstance(result, Failure):
                tell(
                    callback_answer,
                    messaging.catalog.text(result.error.message_key, locale),
                    alert=True,
                )
                return
            await reply.drop_buttons()
            await reply.send(await text(uow, messaging, candidate, "booking_canceled"))
            await show_step(reply, uow, candidate, messaging)

    return router

"""The booking's buttons: show it, move it (the old time kept until a new one is taken), or
cancel it with a reason. A change no longer allowed is refused by the error router."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer

from bot.buttons import button
from bot.callbacks import BookingAction
from bot.candidate.booking import show_booking
from bot.candidate.journey import show_step
from bot.candidate.picker import show_recruiters
from bot.candidate.texts import text
from bot.filters import IsCandidate
from bot.reply import Reply, tell_outdated
from domain.bookings.booking import Messaging, cancel_booking, change_allowed
from domain.messaging.texts import Catalog
from domain.records import Candidate
from storage.dto import BookingDTO
from storage.uow import UnitOfWork

REASONS = ("plans_changed", "found_job", "not_interested", "other")


def reasons_keyboard(booking_id: int, catalog: Catalog, locale: str) -> InlineKeyboardMarkup:
    def choice(action: str, reason: str = "") -> BookingAction:
        return BookingAction(action=action, booking_id=booking_id, reason=reason)

    rows = [[button(catalog.text(f"reason.{r}", locale), choice("reason", r))] for r in REASONS]
    rows.append([button(catalog.text("button.keep_booking", locale), choice("keep"))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def _changeable(
    uow: UnitOfWork, m: Messaging, candidate: Candidate, data: BookingAction
) -> BookingDTO:
    """The booking, if it may still change; otherwise the refusal goes to the error router."""
    return (await change_allowed(uow, m, candidate, data.booking_id)).unwrap()


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(IsCandidate())

    @router.callback_query(BookingAction.filter(F.action == "show"))
    async def show(
        query: CallbackQuery, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        await show_booking(Reply.to_callback(bot, query), uow, candidate, messaging)

    @router.callback_query(BookingAction.filter(F.action == "move"))
    async def move(
        query: CallbackQuery,
        callback_data: BookingAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
    ) -> None:
        booking = await _changeable(uow, messaging, candidate, callback_data)
        reply = Reply.to_callback(bot, query)
        await reply.send(await text(uow, messaging, candidate, "reschedule_pick"))
        await show_recruiters(reply, uow, candidate, messaging, booking.purpose, booking.id)

    @router.callback_query(BookingAction.filter(F.action == "cancel"))
    async def ask_reason(
        query: CallbackQuery,
        callback_data: BookingAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
    ) -> None:
        booking = await _changeable(uow, messaging, candidate, callback_data)
        await Reply.to_callback(bot, query).edit_or_send(
            await text(uow, messaging, candidate, "ask_cancel_reason"),
            reasons_keyboard(booking.id, messaging.catalog, candidate.locale),
        )

    @router.callback_query(BookingAction.filter(F.action == "keep"))
    async def keep(
        query: CallbackQuery,
        callback_data: BookingAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
    ) -> None:
        await _changeable(uow, messaging, candidate, callback_data)
        reply = Reply.to_callback(bot, query)
        await reply.drop_buttons()
        await show_booking(reply, uow, candidate, messaging)

    @router.callback_query(BookingAction.filter(F.action == "reason"))
    async def cancel(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: BookingAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
    ) -> None:
        booking = await _changeable(uow, messaging, candidate, callback_data)
        if callback_data.reason not in REASONS:  # not one the question offers: forged
            tell_outdated(callback_answer, messaging.catalog, candidate.locale)
            return
        catalog = messaging.catalog
        reason = catalog.text(f"reason.{callback_data.reason}", catalog.default_locale)
        (await cancel_booking(uow, messaging, candidate, booking.id, reason)).unwrap()
        reply = Reply.to_callback(bot, query)
        await reply.drop_buttons()
        await reply.send(await text(uow, messaging, candidate, "booking_canceled"))
        await show_step(reply, uow, candidate, messaging)

    return router

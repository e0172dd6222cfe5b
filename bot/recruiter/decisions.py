"""A request's card and a booking's buttons: approve, offer another time, reject with a reason,
cancel with a reason (the recruiter's own unavailability withdraws the time)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer

from bot.buttons import button
from bot.callbacks import DeskAction
from bot.filters import IsRecruiter
from bot.recruiter.desk import decided, owned, show_card
from bot.reply import Reply, tell_outdated
from domain.bookings import desk
from domain.bookings.booking import Messaging
from domain.bookings.desk import REJECT_REASONS
from domain.messaging.texts import Catalog
from storage.dto import RecruiterDTO
from storage.uow import UnitOfWork

CANCEL_REASONS = ("recruiter_unavailable", "candidate_asked", "other")


def reasons(
    catalog: Catalog, locale: str, booking_id: int, *, cancel: bool
) -> InlineKeyboardMarkup:
    """The reasons to choose from, and Back: to the card's buttons (reject, asked on the card)
    or away from the question (cancel, asked in a message of its own)."""
    kind, do = ("cancel", "cancel_reason") if cancel else ("reject", "reject_reason")
    back = "keep" if cancel else "card"
    choices = CANCEL_REASONS if cancel else REJECT_REASONS
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(
                    catalog.text(f"{kind}.{r}", locale),
                    DeskAction(do=do, booking_id=booking_id, reason=r),
                )
            ]
            for r in choices
        ]
        + [
            [
                button(
                    catalog.text("button.back", locale), DeskAction(do=back, booking_id=booking_id)
                )
            ]
        ]
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(IsRecruiter())

    @router.callback_query(DeskAction.filter(F.do == "approve"))
    async def approve(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: DeskAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        booking_id = callback_data.booking_id
        outcome = await desk.approve(uow, messaging, recruiter, booking_id)
        await decided(
            Reply.to_callback(bot, query), callback_answer, uow, messaging, recruiter, outcome
        )

    @router.callback_query(DeskAction.filter(F.do == "offer"))
    async def offer(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: DeskAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        booking_id = callback_data.booking_id
        outcome = await desk.offer_another_time(uow, messaging, recruiter, booking_id)
        await decided(
            Reply.to_callback(bot, query), callback_answer, uow, messaging, recruiter, outcome
        )

    @router.callback_query(DeskAction.filter(F.do == "reject"))
    async def ask_reject_reason(
        query: CallbackQuery,
        callback_data: DeskAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        booking_id = callback_data.booking_id
        await owned(uow, recruiter, booking_id)
        markup = reasons(
            messaging.catalog,
            messaging.catalog.locale_for(recruiter.locale),
            booking_id,
            cancel=False,
        )
        await Reply.to_callback(bot, query).replace_buttons(markup)

    @router.callback_query(DeskAction.filter(F.do == "reject_reason"))
    async def reject(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: DeskAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        booking_id = callback_data.booking_id
        catalog = messaging.catalog
        if callback_data.reason not in REJECT_REASONS:  # not one the card offers: forged
            tell_outdated(callback_answer, catalog, catalog.locale_for(recruiter.locale))
            return
        label = catalog.text(f"reject.{callback_data.reason}", catalog.default_locale)
        outcome = await desk.reject(uow, messaging, recruiter, booking_id, label)
        await decided(
            Reply.to_callback(bot, query), callback_answer, uow, messaging, recruiter, outcome
        )

    @router.callback_query(DeskAction.filter(F.do == "card"))
    async def back_to_card(
        query: CallbackQuery,
        callback_data: DeskAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        await show_card(
            Reply.to_callback(bot, query), uow, messaging, recruiter, callback_data.booking_id
        )

    @router.callback_query(DeskAction.filter(F.do == "keep"))
    async def keep(
        query: CallbackQuery,
        callback_data: DeskAction,
        bot: Bot,
        uow: UnitOfWork,
        recruiter: RecruiterDTO,
    ) -> None:
        await owned(uow, recruiter, callback_data.booking_id)
        await Reply.to_callback(bot, query).drop_buttons()

    @router.callback_query(DeskAction.filter(F.do == "cancel"))
    async def ask_cancel_reason(
        query: CallbackQuery,
        callback_data: DeskAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        booking_id = callback_data.booking_id
        await owned(uow, recruiter, booking_id)
        catalog = messaging.catalog
        locale = catalog.locale_for(recruiter.locale)
        await Reply.to_callback(bot, query).send(
            catalog.text("button.cancel_short", locale) + "?",
            reasons(catalog, locale, booking_id, cancel=True),
        )

    @router.callback_query(DeskAction.filter(F.do == "cancel_reason"))
    async def cancel(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: DeskAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        booking_id = callback_data.booking_id
        await owned(uow, recruiter, booking_id)
        catalog = messaging.catalog
        if callback_data.reason not in CANCEL_REASONS:  # not one the question offers: forged
            tell_outdated(callback_answer, catalog, catalog.locale_for(recruiter.locale))
            return
        label = catalog.text(f"cancel.{callback_data.reason}", catalog.default_locale)
        unavailable = callback_data.reason == "recruiter_unavailable"
        outcome = await desk.cancel(
            uow, messaging, recruiter, booking_id, label, withdraw_slot=unavailable
        )
        await decided(
            Reply.to_callback(bot, query), callback_answer, uow, messaging, recruiter, outcome
        )

    return router

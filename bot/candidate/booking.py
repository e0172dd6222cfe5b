"""The candidate's booking: `/mybooking` shows it with its buttons (and a requested move still
waiting for approval); a new one is confirmed (with an .ics) or noted as a request."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import InlineKeyboardMarkup, Message

from bot.buttons import button
from bot.callbacks import BookingAction
from bot.candidate.texts import text
from bot.filters import IsCandidate
from bot.outbox_buttons import keyboard_from_intents
from bot.reply import Reply
from core.enums import BookingStatus, SlotPurpose
from domain.bookings.booking import (
    Messaging,
    active_booking,
    booking_by_id,
    move_request,
    standing_values,
)
from domain.bookings.calendar_file import calendar_file, calendar_file_name
from domain.bookings.calendar_follow import calendar_buttons
from domain.bookings.texts import booking_text, view_of
from domain.messaging.outbox import pick_time_button
from domain.messaging.texts import Catalog
from domain.pipeline.journey import booking_purpose
from domain.records import Candidate
from storage.uow import UnitOfWork


def my_booking_button(booking_id: int, catalog: Catalog, locale: str) -> InlineKeyboardMarkup:
    show = BookingAction(action="show", booking_id=booking_id)
    return InlineKeyboardMarkup(
        inline_keyboard=[[button(catalog.text("button.my_booking", locale), show)]]
    )


def booking_keyboard(booking_id: int, catalog: Catalog, locale: str) -> InlineKeyboardMarkup:
    move = BookingAction(action="move", booking_id=booking_id)
    cancel = BookingAction(action="cancel", booking_id=booking_id)
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [button(catalog.text("button.reschedule", locale), move)],
            [button(catalog.text("button.cancel_booking", locale), cancel)],
        ]
    )


async def show_booking(reply: Reply, uow: UnitOfWork, candidate: Candidate, m: Messaging) -> None:
    booking = await active_booking(uow, candidate)
    if booking is None:
        purpose = booking_purpose(candidate)
        choose = pick_time_button(m.catalog, candidate.locale, purpose.value) if purpose else None
        markup = keyboard_from_intents(choose) if choose else None
        await reply.send(await text(uow, m, candidate, "no_booking"), markup)
        return
    view = await view_of(uow, booking)
    body = await booking_text(uow, m.catalog, "booking_summary", candidate.locale, view)
    requested = await move_request(uow, booking)
    if requested is not None:  # the time above stands until the requested one is approved
        wanted = await view_of(uow, requested)
        pending = await booking_text(
            uow, m.catalog, "booking_move_pending", candidate.locale, wanted
        )
        body = f"{body}\n\n{pending}"
    await reply.send(body, booking_keyboard(booking.id, m.catalog, candidate.locale))


async def send_booked(
    reply: Reply, uow: UnitOfWork, candidate: Candidate, m: Messaging, booking_id: int
) -> None:
    """After a booking: the request note, or the confirmation (with buttons saving it in Google
    Calendar or Outlook) and an .ics when approved (after a move, the same event updated)."""
    booking = await booking_by_id(uow, booking_id)
    assert booking is not None
    view = await view_of(uow, booking)
    locale = candidate.locale
    markup = my_booking_button(booking.id, m.catalog, locale)
    if booking.replaces_booking_id is not None:  # a move request: the old time stands
        standing = await standing_values(uow, m, booking, locale)
        await reply.send(
            await booking_text(uow, m.catalog, "booking_move_requested", locale, view, **standing),
            markup,
        )
        return
    if booking.status is BookingStatus.PENDING:
        await reply.send(
            await booking_text(uow, m.catalog, "booking_requested", locale, view), markup
        )
        return
    key = "intro_day_booked" if booking.purpose is SlotPurpose.INTRO_DAY else "booking_confirmed"
    saving = keyboard_from_intents(calendar_buttons(view, m.catalog, locale))
    markup = InlineKeyboardMarkup(inline_keyboard=markup.inline_keyboard + saving.inline_keyboard)
    await reply.send(await booking_text(uow, m.catalog, key, locale, view), markup)
    ics = calendar_file(view, m.catalog, locale, m.clock.now())
    await reply.send_file(calendar_file_name(view), ics)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(IsCandidate())

    @router.message(Command("mybooking"))
    async def show(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        await show_booking(Reply.to_message(bot, message), uow, candidate, messaging)

    return router

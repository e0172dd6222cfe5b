"""The recruiter's bookings: the card's buttons, the agenda, and outcomes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.callbacks import DeskAction
from bot.filters import IsRecruiter
from bot.outbox_buttons import keyboard_from_intents
from bot.recruiter.new_slot import CANCEL_REASONS, agenda_actions, attendance, reasons, result
from bot.reply import Reply, tell
from core.result import Failure, Result
from domain.bookings import desk
from domain.bookings.booking import Messaging
from domain.bookings.card import card_buttons, card_text
from domain.bookings.texts import view_of
from domain.messaging.dates import day_label, local, time_label
from domain.messaging.texts import render_message
from storage.dto import RecruiterDTO
from storage.uow import UnitOfWork


async def _agenda(
    reply: Reply, uow: UnitOfWork, m: Messaging, recruiter: RecruiterDTO, days: int
) -> None:
    locale = m.catalog.default_locale
    zone = ZoneInfo(recruiter.timezone)
    today = m.clock.now().astimezone(zone).date()
    start = datetime.combine(today, time(0), tzinfo=zone)
    items = await desk.agenda(uow, recruiter, start, start + timedelta(days=days))
    title_key = "agenda_today" if days == 1 else "agenda_week"
    lines = [
        await render_message(uow, m.catalog, title_key, locale, None, date=day_label(today, locale))
    ]
    for item in items:
        lines.append(
            await render_message(
                uow,
                m.catalog,
                "agenda_line",
                locale,
                None,
                mark=m.catalog.text(f"booking_status.{item.status.value}", locale),
                date=day_label(local(item.starts_at, recruiter.timezone).date(), locale),
                time=time_label(item.starts_at, recruiter.timezone),
                name=item.candidate,
            )
        )
    if not items:
        lines.append(await render_message(uow, m.catalog, "agenda_empty", locale, None))
    labels = [
        (i.booking_id, f"{time_label(i.starts_at, recruiter.timezone)} {i.candidate}")
        for i in items
    ]
    await reply.send("\n".join(lines), agenda_actions(m.catalog, labels) if items else None)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(IsRecruiter())
    router.callback_query.filter(IsRecruiter())

    @router.message(Command("today"))
    async def today(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, recruiter: RecruiterDTO
    ) -> None:
        await _agenda(Reply.to_message(bot, message), uow, messaging, recruiter, 1)

    @router.message(Command("week"))
    async def week(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, recruiter: RecruiterDTO
    ) -> None:
        await _agenda(Reply.to_message(bot, message), uow, messaging, recruiter, 7)

    @router.callback_query(DeskAction.filter())
    async def act(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: DeskAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        catalog, locale = messaging.catalog, messaging.catalog.default_locale
        booking_id, do = callback_data.booking_id, callback_data.do
        owned = await desk.own_booking(uow, recruiter, booking_id)
        if owned is None:
            tell(callback_answer, catalog.text("recruiter.not_yours", locale), alert=True)
            return
        outcome: Result[int, desk.DeskError] | None = None
        if do == "approve":
            outcome = await desk.approve(uow, messaging, recruiter, booking_id)
        elif do == "offer":
            outcome = await desk.offer_another_time(uow, messaging, recruiter, booking_id)
        elif do == "reject":
            await reply.replace_buttons(reasons(catalog, booking_id, cancel=False))
            return
        elif do == "reject_reason":
            label = catalog.text(f"reject.{callback_data.reason}", locale)
            outcome = await desk.reject(uow, messaging, recruiter, booking_id, label)
        elif do == "cancel":
            await reply.send(
                catalog.text("button.cancel_short", locale) + "?",
                reasons(catalog, booking_id, cancel=True),
            )
            return
        elif do == "cancel_reason" and callback_data.reason in CANCEL_REASONS:
            label = catalog.text(f"cancel.{callback_data.reason}", locale)
            outcome = await desk.cancel(
                uow,
                messaging,
                recruiter,
                booking_id,
                label,
                withdraw_slot=callback_data.reason == "recruiter_unavailable",
            )
        elif do == "open":
            booking, _slot, candidate = owned
            view = replace(await view_of(uow, booking), zone=recruiter.timezone)
            text = await card_text(uow, catalog, booking, candidate, view)
            buttons = card_buttons(booking, catalog)
            await reply.send(text, keyboard_from_intents(buttons) if buttons else None)
            return
        elif do == "outcome":
            booking, _slot, candidate = owned
            view = replace(await view_of(uow, booking), zone=recruiter.timezone)
            values = view.values(catalog, locale)
            name = candidate.full_name or str(candidate.telegram_id)
            if booking.status.value == "attended":
                text = await render_message(uow, catalog, "result_prompt", locale, None, name=name)
                await reply.send(text, result(catalog, booking_id))
            else:
                text = await render_message(
                    uow,
                    catalog,
                    "attendance_prompt",
                    locale,
                    None,
                    name=name,
                    date=values["date"],
                    time=values["time"],
                )
                await reply.send(text, attendance(catalog, booking_id))
            return
        elif do in ("came", "noshow"):
            outcome = await desk.record_attendance(
                uow, messaging, recruiter, booking_id, came=do == "came"
            )
            if not isinstance(outcome, Failure) and do == "came":
                await reply.drop_buttons()
                _booking, _slot, candidate = owned
                name = candidate.full_name or str(candidate.telegram_id)
                text = await render_message(uow, catalog, "result_prompt", locale, None, name=name)
                await reply.send(text, result(catalog, booking_id))
                tell(callback_answer, catalog.text("recruiter.done", locale))
                return
        elif do in ("passed", "failed"):
            outcome = await desk.record_result(
                uow, messaging, recruiter, booking_id, passed=do == "passed"
            )
        if outcome is None:
            return
        if isinstance(outcome, Failure):
            tell(callback_answer, catalog.text(outcome.error.message_key, locale), alert=True)
            return
        await reply.drop_buttons()
        tell(callback_answer, catalog.text("recruiter.done", locale))

    return router

"""`/today` and `/week`: the recruiter's bookings, each with buttons to open its card, give its
outcome or cancel it; and the card itself."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.buttons import button
from bot.callbacks import DeskAction, SlotAttendees
from bot.filters import IsRecruiter
from bot.outbox_buttons import keyboard_from_intents
from bot.recruiter.desk import owned
from bot.recruiter.texts import say
from bot.reply import Reply
from domain.bookings import desk
from domain.bookings.booking import Messaging
from domain.bookings.card import recruiter_card
from domain.messaging.dates import day_label, local, time_label
from domain.messaging.texts import Catalog
from storage.dto import RecruiterDTO
from storage.uow import UnitOfWork


def agenda_actions(
    catalog: Catalog, locale: str, entries: Sequence[tuple[int, str, bool]]
) -> InlineKeyboardMarkup:
    """Per entry (booking id or, for a group event, slot id; label; whether an event): open the
    card, give the outcome, cancel; an event's attendees."""

    def action(key: str, do: str, booking_id: int, label: str = "") -> InlineKeyboardButton:
        text = f"{catalog.text(key, locale)}{label}"
        return button(text, DeskAction(do=do, booking_id=booking_id))

    rows = []
    for entry_id, label, event in entries[:10]:
        if event:
            attendees = f"{catalog.text('button.attendees', locale)} · {label}"
            rows.append([button(attendees, SlotAttendees(slot_id=entry_id))])
            continue
        rows.append(
            [
                action("button.open_card", "open", entry_id, f" · {label}"),
                action("button.outcome", "outcome", entry_id),
                action("button.cancel_short", "cancel", entry_id),
            ]
        )
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def _agenda(
    reply: Reply, uow: UnitOfWork, m: Messaging, recruiter: RecruiterDTO, days: int
) -> None:
    locale, zone = m.catalog.locale_for(recruiter.locale), recruiter.timezone
    today = m.clock.now().astimezone(ZoneInfo(zone)).date()
    start = datetime.combine(today, time(0), tzinfo=ZoneInfo(zone))
    items = desk.by_event(await desk.agenda(uow, recruiter, start, start + timedelta(days=days)))
    title_key = "agenda_today" if days == 1 else "agenda_week"
    lines = [await say(uow, m, recruiter, title_key, date=day_label(today, locale))]
    entries: list[tuple[int, str, bool]] = []
    for item in items:
        if isinstance(item, desk.EventItem):
            mark = "👥"
            name = m.catalog.text(
                "agenda.event", locale, people=item.people, capacity=item.capacity
            )
            entries.append((item.slot_id, f"{time_label(item.starts_at, zone)} {name}", True))
        else:
            mark = m.catalog.text(f"booking_status.{item.status.value}", locale)
            name = item.candidate
            entries.append((item.booking_id, f"{time_label(item.starts_at, zone)} {name}", False))
        line = await say(
            uow,
            m,
            recruiter,
            "agenda_line",
            mark=mark,
            date=day_label(local(item.starts_at, zone).date(), locale),
            time=time_label(item.starts_at, zone),
            name=name,
        )
        lines.append(line)
    if not items:
        lines.append(await say(uow, m, recruiter, "agenda_empty"))
    await reply.send(
        "\n".join(lines), agenda_actions(m.catalog, locale, entries) if items else None
    )


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

    @router.callback_query(DeskAction.filter(F.do == "open"))
    async def open_card(
        query: CallbackQuery,
        callback_data: DeskAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        booking, _slot, candidate = await owned(uow, recruiter, callback_data.booking_id)
        text, buttons = await recruiter_card(uow, messaging.catalog, recruiter, booking, candidate)
        markup = keyboard_from_intents(buttons) if buttons else None
        await Reply.to_callback(bot, query).send(text, markup)

    return router

"""The recruiter's coming slots: a free one can be deleted, a booked one's booking cancelled,
a withdrawn one (the recruiter could not make it) is marked and can be deleted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aiogram import Bot, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer

from bot.buttons import button
from bot.callbacks import DeskAction, SlotDelete
from bot.filters import IsRecruiter
from bot.recruiter.texts import say
from bot.reply import Reply, tell
from core.result import Failure
from domain.bookings.booking import Messaging
from domain.messaging.dates import day_label, local, time_label
from domain.messaging.texts import Catalog
from domain.scheduling.slots import (
    ChatRecruiter,
    SlotHeld,
    coming_slots,
    delete_slot,
    refuse_deletion,
)
from storage.dto import RecruiterDTO
from storage.uow import UnitOfWork

# Each row: (label, slot id to delete if free, booking id to cancel if booked).
Row = tuple[str, int | None, int | None]


def moment_label(moment: datetime, zone: str, locale: str) -> str:
    return f"{day_label(local(moment, zone).date(), locale)} {time_label(moment, zone)}"


def slot_list(rows: Sequence[Row], catalog: Catalog, locale: str) -> InlineKeyboardMarkup:
    delete = catalog.text("button.delete", locale)
    keyboard = []
    for label, free_slot, booking_id in rows[:30]:
        if free_slot is not None:
            keyboard.append([button(f"{delete} {label}", SlotDelete(slot_id=free_slot))])
        elif booking_id is not None:
            cancel = DeskAction(do="cancel", booking_id=booking_id)
            keyboard.append([button(f"✖ {label}", cancel)])
    return InlineKeyboardMarkup(inline_keyboard=keyboard)


async def show_slots(
    reply: Reply, uow: UnitOfWork, m: Messaging, recruiter: RecruiterDTO, *, edit: bool = False
) -> None:
    locale = m.catalog.locale_for(recruiter.locale)
    items: list[Row] = []
    for slot, booking_id, candidate_name, zone in await coming_slots(
        uow, recruiter.id, m.clock.now()
    ):
        label = moment_label(slot.starts_at, zone, locale)
        if slot.withdrawn:  # given up ("I cannot make it"): offered to no one; 🗑 frees the time
            label += " · " + m.catalog.text("recruiter.withdrawn_mark", locale)
        if booking_id is None:
            items.append((label, slot.id, None))
        else:
            items.append((f"{label} · {candidate_name}", None, booking_id))
    text = await say(uow, m, recruiter, "free_slots" if items else "free_slots_empty")
    await reply.show(text, slot_list(items, m.catalog, locale) if items else None, edit=edit)


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(IsRecruiter())

    @router.callback_query(SlotDelete.filter())
    async def delete(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: SlotDelete,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        refused = await refuse_deletion(uow, recruiter.id, callback_data.slot_id)
        if refused is not None:
            raise refused
        deleted = await delete_slot(
            uow,
            callback_data.slot_id,
            now=messaging.clock.now(),
            editor=ChatRecruiter(recruiter.id),
        )
        if isinstance(deleted, Failure):  # booked or begun a moment ago
            raise SlotHeld(f"slot {callback_data.slot_id}")
        tell(callback_answer, await say(uow, messaging, recruiter, "slot_deleted"))
        await show_slots(Reply.to_callback(bot, query), uow, messaging, recruiter, edit=True)

    return router

"""The recruiter's coming slots: a free one can be deleted, a booked one's booking cancelled,
a withdrawn one (the recruiter could not make it) is marked and can be deleted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from aiogram import Bot, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer

from bot.buttons import button
from bot.callbacks import DeskAction, SlotAttendees, SlotDelete, SlotsMenu
from bot.filters import IsRecruiter
from bot.recruiter.texts import say
from bot.reply import Reply, tell
from core.result import Failure
from domain.bookings.booking import Messaging
from domain.calendars.busy_sources import busy_slot_ids
from domain.messaging.dates import day_label, local, time_label
from domain.messaging.texts import Catalog
from domain.scheduling.slots import (
    ChatRecruiter,
    SlotHeld,
    SlotRow,
    coming_slot,
    delete_slot,
    recruiter_slots,
    refuse_deletion,
)
from storage.dto import RecruiterDTO
from storage.uow import UnitOfWork

PAGE = 30  # slots a page of the list

# Each row: (label, slot id to delete if free, booking id to cancel if booked, slot id of a
# group event whose attendees to list).
Row = tuple[str, int | None, int | None] | tuple[str, int | None, int | None, int]


def moment_label(moment: datetime, zone: str, locale: str) -> str:
    return f"{day_label(local(moment, zone).date(), locale)} {time_label(moment, zone)}"


def slot_list(
    rows: Sequence[Row], catalog: Catalog, locale: str, page: int = 0, more: bool = False
) -> InlineKeyboardMarkup:
    delete = catalog.text("button.delete", locale)
    keyboard = []
    for label, free_slot, booking_id, *group in rows[:PAGE]:
        if group:  # a group event: its attendees, its seats, one message to all
            keyboard.append([button(f"👥 {label}", SlotAttendees(slot_id=group[0]))])
        if free_slot is not None:  # nobody holds a seat: it can go
            ask = SlotDelete(slot_id=free_slot, page=page)
            keyboard.append([button(f"{delete} {label}", ask)])
        elif booking_id is not None:
            cancel = DeskAction(do="cancel", booking_id=booking_id)
            keyboard.append([button(f"✖ {label}", cancel)])
    pages = []
    if page > 0:
        pages.append(
            button(catalog.text("button.prev", locale), SlotsMenu(do="page", page=page - 1))
        )
    if more:
        pages.append(
            button(catalog.text("button.next", locale), SlotsMenu(do="page", page=page + 1))
        )
    if pages:
        keyboard.append(pages)
    return InlineKeyboardMarkup(inline_keyboard=keyboard)


def slot_label(row: SlotRow, zone: str, locale: str) -> str:
    """A slot as the recruiter's chat shows it: their own time (the list says the zone), and
    the city it is in."""
    return f"{moment_label(row.slot.starts_at, zone, locale)} · {row.city_name}"


async def show_slots(
    reply: Reply,
    uow: UnitOfWork,
    m: Messaging,
    recruiter: RecruiterDTO,
    *,
    edit: bool = False,
    page: int = 0,
    step_back: bool = True,
) -> None:
    """A page of the recruiter's coming slots (the next 14 days), in the recruiter's time."""
    locale, zone, now = m.catalog.locale_for(recruiter.locale), recruiter.timezone, m.clock.now()
    page = max(page, 0)
    found = await recruiter_slots(
        uow,
        recruiter.id,
        now,
        now + timedelta(days=14),
        limit=PAGE + 1,
        offset=page * PAGE,
        locale=locale,
    )
    items: list[Row] = []
    busy = await busy_slot_ids(uow, [row.slot for row in found[:PAGE]])
    for row in found[:PAGE]:
        label = slot_label(row, zone, locale)
        if row.slot.withdrawn:  # given up ("I cannot make it"): offered to no one; 🗑 frees it
            label += " · " + m.catalog.text("recruiter.withdrawn_mark", locale)
        if row.slot.id in busy:  # their own calendar has something else then: not offered
            label += " · " + m.catalog.text("recruiter.busy_mark", locale)
        if row.group:
            seats = f"{row.seats_taken}/{row.slot.capacity}"
            empty = row.slot.id if row.seats_taken == 0 else None
            items.append((f"{label} · {seats}", empty, None, row.slot.id))
        elif row.booking_id is None:
            items.append((label, row.slot.id, None))
        else:
            items.append((f"{label} · {row.candidate_name}", None, row.booking_id))
    if not items and page > 0:  # the page emptied meanwhile: the one before it; a page that
        # was never there (a forged button) goes back to the first, never page by page
        back = page - 1 if step_back else 0
        await show_slots(reply, uow, m, recruiter, edit=edit, page=back, step_back=False)
        return
    text = await say(uow, m, recruiter, "free_slots" if items else "free_slots_empty", zone=zone)
    markup = slot_list(items, m.catalog, locale, page, more=len(found) > PAGE) if items else None
    await reply.show(text, markup, edit=edit)


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
        if not callback_data.sure:  # one tap asks; the second deletes
            await _ask(Reply.to_callback(bot, query), uow, messaging, recruiter, callback_data)
            return
        deleted = await delete_slot(
            uow,
            callback_data.slot_id,
            now=messaging.clock.now(),
            editor=ChatRecruiter(recruiter.id),
        )
        if isinstance(deleted, Failure):  # booked or begun a moment ago
            raise SlotHeld(f"slot {callback_data.slot_id}")
        tell(callback_answer, await say(uow, messaging, recruiter, "slot_deleted"))
        reply = Reply.to_callback(bot, query)
        await show_slots(reply, uow, messaging, recruiter, edit=True, page=callback_data.page)

    return router


async def _ask(
    reply: Reply, uow: UnitOfWork, m: Messaging, recruiter: RecruiterDTO, pressed: SlotDelete
) -> None:
    """Which slot, asked to confirm: Delete, or back to the list."""
    catalog, locale = m.catalog, m.catalog.locale_for(recruiter.locale)
    row = await coming_slot(uow, recruiter.id, pressed.slot_id, locale)
    label = slot_label(row, recruiter.timezone, locale) if row else str(pressed.slot_id)
    text = catalog.text("recruiter.slot_delete_ask", locale, slot=label, zone=recruiter.timezone)
    sure = SlotDelete(slot_id=pressed.slot_id, sure=True, page=pressed.page)
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(catalog.text("button.delete_sure", locale), sure),
                button(
                    catalog.text("button.back", locale), SlotsMenu(do="page", page=pressed.page)
                ),
            ]
        ]
    )
    await reply.edit_or_send(text, markup)

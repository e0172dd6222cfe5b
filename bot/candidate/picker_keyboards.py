"""The picker's keyboards: recruiters, days, times, and what to do when nothing is free."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from aiogram.types import InlineKeyboardMarkup

from bot.buttons import button
from bot.callbacks import DayChoice, RecruiterChoice, SlotChoice, WaitlistAction
from domain.messaging.dates import day_label, time_label
from domain.messaging.texts import Catalog
from storage.dto import RecruiterDTO, SlotDTO


def recruiter_keyboard(
    recruiters: Sequence[RecruiterDTO], purpose: str, move: int, catalog: Catalog, locale: str
) -> InlineKeyboardMarkup:
    def choice(recruiter_id: int) -> RecruiterChoice:
        return RecruiterChoice(purpose=purpose, recruiter_id=recruiter_id, move=move)

    rows = [[button(catalog.text("button.any_recruiter", locale), choice(0))]]
    rows += [[button(r.name, choice(r.id))] for r in recruiters]
    rows.append([button(catalog.text("button.refresh", locale), choice(-1))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def day_keyboard(
    days: Sequence[date], purpose: str, recruiter_id: int, move: int, catalog: Catalog, locale: str
) -> InlineKeyboardMarkup:
    buttons = [
        button(
            day_label(d, locale),
            DayChoice(purpose=purpose, recruiter_id=recruiter_id, day=d.toordinal(), move=move),
        )
        for d in days
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    back = RecruiterChoice(purpose=purpose, recruiter_id=-1, move=move)
    again = RecruiterChoice(purpose=purpose, recruiter_id=recruiter_id, move=move)
    rows.append(
        [
            button(catalog.text("button.back", locale), back),
            button(catalog.text("button.refresh", locale), again),
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _time_choice(slot: SlotDTO, zone: str, catalog: Catalog, locale: str) -> str:
    """A time to pick; for an event of several seats, with how many are left."""
    label = time_label(slot.starts_at, zone)
    if slot.capacity > 1:
        label += " · " + catalog.text("picker.seats_left", locale, count=slot.seats_left)
    return label


def time_keyboard(
    slots: Sequence[SlotDTO],
    zone: str,
    purpose: str,
    recruiter_id: int,
    day: date,
    move: int,
    catalog: Catalog,
    locale: str,
) -> InlineKeyboardMarkup:
    buttons = [
        button(_time_choice(s, zone, catalog, locale), SlotChoice(slot_id=s.id, move=move))
        for s in slots
    ]
    width = 2 if any(s.capacity > 1 for s in slots) else 4  # "10:00 · 3 seats left" is longer
    rows = [buttons[i : i + width] for i in range(0, len(buttons), width)]
    back = RecruiterChoice(purpose=purpose, recruiter_id=recruiter_id, move=move)
    again = DayChoice(purpose=purpose, recruiter_id=recruiter_id, day=day.toordinal(), move=move)
    rows.append(
        [
            button(catalog.text("button.back", locale), back),
            button(catalog.text("button.refresh", locale), again),
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def no_slots_keyboard(
    purpose: str, catalog: Catalog, locale: str, move: int = 0
) -> InlineKeyboardMarkup:
    """Wait, ask to be contacted, or look again (still moving booking `move`, when one is)."""
    join = WaitlistAction(action="join", purpose=purpose)
    contact = WaitlistAction(action="contact", purpose=purpose)
    again = RecruiterChoice(purpose=purpose, recruiter_id=-1, move=move)
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [button(catalog.text("button.join_waitlist", locale), join)],
            [button(catalog.text("button.contact_me", locale), contact)],
            [button(catalog.text("button.refresh", locale), again)],
        ]
    )

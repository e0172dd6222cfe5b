"""Keyboards for the recruiter's screens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import DeskAction, SeriesDecision, SlotCreate, SlotDelete, SlotPick, SlotsMenu
from domain.bookings.desk import REJECT_REASONS
from domain.messaging.dates import day_label
from domain.messaging.texts import Catalog
from storage.dto import CityDTO

CANCEL_REASONS = ("recruiter_unavailable", "candidate_asked", "other")


def _b(text: str, data: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())  # type: ignore[attr-defined]


def reasons(catalog: Catalog, booking_id: int, *, cancel: bool) -> InlineKeyboardMarkup:
    locale = catalog.default_locale
    if cancel:
        keys = [(r, catalog.text(f"cancel.{r}", locale)) for r in CANCEL_REASONS]
        do = "cancel_reason"
    else:
        keys = [(r, catalog.text(f"reject.{r}", locale)) for r in REJECT_REASONS]
        do = "reject_reason"
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_b(label, DeskAction(do=do, booking_id=booking_id, reason=r))] for r, label in keys
        ]
    )


def attendance(catalog: Catalog, booking_id: int) -> InlineKeyboardMarkup:
    locale = catalog.default_locale
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _b(
                    catalog.text("button.came", locale),
                    DeskAction(do="came", booking_id=booking_id),
                ),
                _b(
                    catalog.text("button.no_show", locale),
                    DeskAction(do="noshow", booking_id=booking_id),
                ),
            ]
        ]
    )


def result(catalog: Catalog, booking_id: int) -> InlineKeyboardMarkup:
    locale = catalog.default_locale
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _b(
                    catalog.text("button.passed", locale),
                    DeskAction(do="passed", booking_id=booking_id),
                ),
                _b(
                    catalog.text("button.not_passed", locale),
                    DeskAction(do="failed", booking_id=booking_id),
                ),
            ]
        ]
    )


def agenda_actions(
    catalog: Catalog, booking_ids: Sequence[tuple[int, str]]
) -> InlineKeyboardMarkup:
    locale = catalog.default_locale
    rows = []
    for booking_id, label in booking_ids[:10]:
        rows.append(
            [
                _b(
                    f"{catalog.text('button.open_card', locale)} · {label}",
                    DeskAction(do="open", booking_id=booking_id),
                ),
                _b(
                    catalog.text("button.outcome", locale),
                    DeskAction(do="outcome", booking_id=booking_id),
                ),
                _b(
                    catalog.text("button.cancel_short", locale),
                    DeskAction(do="cancel", booking_id=booking_id),
                ),
            ]
        )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def slots_menu(catalog: Catalog) -> InlineKeyboardMarkup:
    locale = catalog.default_locale
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_b(catalog.text("button.add_slot", locale), SlotsMenu(do="one"))],
            [_b(catalog.text("button.add_series", locale), SlotsMenu(do="series"))],
            [_b(catalog.text("button.free_slots", locale), SlotsMenu(do="list"))],
        ]
    )


def city_choice(cities: Sequence[CityDTO], *, series: bool = False) -> InlineKeyboardMarkup:
    """A button per city: to pick one slot's day in it, or (`series`) to type a series for it."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_b(c.name, SlotsMenu(do="series", city_id=c.id) if series else SlotPick(city_id=c.id))]
            for c in cities
        ]
    )


def day_choice(city_id: int, today: date, locale: str, days: int = 14) -> InlineKeyboardMarkup:
    buttons = [
        _b(
            day_label(today + timedelta(days=i), locale),
            SlotPick(city_id=city_id, day=(today + timedelta(days=i)).toordinal()),
        )
        for i in range(days)
    ]
    return InlineKeyboardMarkup(
        inline_keyboard=[buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    )


def hour_choice(city_id: int, day: int) -> InlineKeyboardMarkup:
    buttons = [_b(f"{h:02d}:…", SlotPick(city_id=city_id, day=day, hour=h)) for h in range(8, 21)]
    return InlineKeyboardMarkup(
        inline_keyboard=[buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    )


def minute_choice(city_id: int, day: int, hour: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _b(f"{hour:02d}:{m:02d}", SlotCreate(city_id=city_id, day=day, hour=hour, minute=m))
                for m in (0, 15, 30, 45)
            ]
        ]
    )


def series_decision(catalog: Catalog) -> InlineKeyboardMarkup:
    locale = catalog.default_locale
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _b(catalog.text("button.confirm", locale), SeriesDecision(do="create")),
                _b(catalog.text("button.discard", locale), SeriesDecision(do="discard")),
            ]
        ]
    )


def slot_list(
    rows: Sequence[tuple[str, int | None, int | None]], catalog: Catalog
) -> InlineKeyboardMarkup:
    """Each row: (label, slot id to delete if free, booking id to cancel if booked)."""
    locale = catalog.default_locale
    keyboard = []
    for label, free_slot, booking_id in rows[:30]:
        if free_slot is not None:
            keyboard.append(
                [
                    _b(
                        f"{catalog.text('button.delete', locale)} {label}",
                        SlotDelete(slot_id=free_slot),
                    )
                ]
            )
        elif booking_id is not None:
            keyboard.append([_b(f"✖ {label}", DeskAction(do="cancel", booking_id=booking_id))])
    return InlineKeyboardMarkup(inline_keyboard=keyboard)

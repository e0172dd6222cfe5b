"""Turns the button intents that services queue ({"text", "action", ...}) into real buttons."""

from __future__ import annotations

from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import (
    Attendance,
    ConversationAction,
    DeskAction,
    RecruiterChoice,
    SlotAttendees,
    Test2Start,
    WaitlistAction,
)


def _data(intent: dict[str, Any]) -> CallbackData:
    action = intent["action"]
    if action == "attendance":
        return Attendance(booking_id=int(intent["booking_id"]), coming=bool(intent["coming"]))
    if action == "waitlist_take":
        return WaitlistAction(action="take", slot_id=int(intent["slot_id"]))
    if action == "test2_start":
        return Test2Start()
    if action == "recruiter":
        return DeskAction(do=str(intent["do"]), booking_id=int(intent["booking_id"]))
    if action == "conversation":
        return ConversationAction(do=str(intent["do"]), candidate_id=int(intent["candidate_id"]))
    if action == "attendees":
        return SlotAttendees(slot_id=int(intent["slot_id"]))
    if action == "pick_time":
        return RecruiterChoice(purpose=str(intent["purpose"]), recruiter_id=-1)
    raise ValueError(f"unknown button action {action!r}")


def _button(intent: dict[str, Any]) -> InlineKeyboardButton:
    if "url" in intent:  # a link (the candidate's page in the panel)
        return InlineKeyboardButton(text=intent["text"], url=intent["url"])
    return InlineKeyboardButton(text=intent["text"], callback_data=_data(intent).pack())


def keyboard_from_intents(rows: list[list[dict[str, Any]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[_button(b) for b in row] for row in rows])

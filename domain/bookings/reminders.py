"""Reminders before a booking, queued when it is approved and cancelled when it changes."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.clock import Clock
from domain.bookings.texts import BookingView, booking_text
from domain.messaging.outbox import queue_message
from domain.messaging.quiet_hours import earlier_if_quiet
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from storage.models import Candidate
from storage.uow import UnitOfWork

# (kind, how long before the start, whether it asks "coming / can't")
REMINDERS = (
    ("reminder_24h", timedelta(hours=24), False),
    ("confirm_6h", timedelta(hours=6), True),
    ("confirm_2h", timedelta(hours=2), True),
)
# Prompts closer together than this would read as the same question asked twice.
PROMPTS_APART = timedelta(hours=1)


async def queue_reminders(
    uow: UnitOfWork,
    catalog: Catalog,
    clock: Clock,
    candidate: Candidate,
    view: BookingView,
    rules: BookingRules,
) -> None:
    """Queue the reminders still ahead; one falling in the candidate's quiet hours moves
    earlier, and one whose time has passed is not sent late. Two "will you come?" prompts that
    quiet hours would bring together (the 6 h and 2 h ones of a morning slot both move to the
    evening before) are sent once."""
    now = clock.now()
    asked_at: datetime | None = None
    for kind, before, asks in REMINDERS:
        due = earlier_if_quiet(
            view.starts_at - before, view.zone, rules.quiet_start, rules.quiet_end
        )
        if due <= now:
            continue
        if asks and asked_at is not None and abs(due - asked_at) < PROMPTS_APART:
            continue
        if asks:
            asked_at = due
        buttons = None
        if asks:
            buttons = [
                [
                    {
                        "text": catalog.text("button.coming", candidate.locale),
                        "action": "attendance",
                        "booking_id": view.booking_id,
                        "coming": True,
                    },
                    {
                        "text": catalog.text("button.cant_come", candidate.locale),
                        "action": "attendance",
                        "booking_id": view.booking_id,
                        "coming": False,
                    },
                ]
            ]
        await queue_message(
            uow,
            clock,
            chat_id=candidate.telegram_id,
            kind=kind,
            dedupe_key=f"{kind}:{view.booking_id}",
            text=await booking_text(
                uow, catalog, "reminder_confirm" if asks else "reminder", candidate.locale, view
            ),
            buttons=buttons,
            due_at=due,
            candidate_id=candidate.id,
            booking_id=view.booking_id,
        )

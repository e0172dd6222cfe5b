"""The waiting list: candidates who found no time, offered freed slots first come first served."""

from __future__ import annotations

from datetime import timedelta

from core.clock import Clock
from core.enums import SlotPurpose
from core.errors import AppError
from domain.bookings.texts import booking_text, view_of_slot
from domain.calendars.busy_sources import slot_is_busy
from domain.messaging.outbox import queue_message
from domain.messaging.texts import Catalog
from storage.models import Candidate, Slot, WaitlistEntry
from storage.uow import UnitOfWork

OFFER_KIND = "waitlist_offer"


class NoLiveOffer(AppError):
    """A "take this time" button with no live offer behind it: the candidate left the line, was
    never offered this slot, or the button is forged. Answered as any outdated button."""

    message_key = "error.outdated_button"


def _offer_key_prefix(slot_id: int, candidate_id: int) -> str:
    """What every offer of this slot to this candidate has its dedupe key start with."""
    return f"{OFFER_KIND}:{slot_id}:{candidate_id}:"


async def has_live_offer(uow: UnitOfWork, candidate: Candidate, slot: Slot) -> bool:
    """Whether the candidate may take this slot from the waiting list now: they are still in
    line for its city and purpose, and it was offered to them (an offer queued to them and not
    given up). Whether the slot is still free and bookable is the booking's own check."""
    entry = await uow.waitlist.entry_for(candidate.id, slot.purpose)
    if entry is None or entry.city_id != slot.city_id:
        return False
    prefix = _offer_key_prefix(slot.id, candidate.id)
    return await uow.notifications.queued_with_key_prefix(candidate.id, OFFER_KIND, prefix)


async def join_waitlist(uow: UnitOfWork, candidate: Candidate, purpose: SlotPurpose) -> None:
    """Put the candidate in line (once) for their city, and commit."""
    if candidate.city_id is None:
        return
    if await uow.waitlist.entry_for(candidate.id, purpose) is None:
        uow.waitlist.add(
            WaitlistEntry(candidate_id=candidate.id, city_id=candidate.city_id, purpose=purpose)
        )
    await uow.commit()


async def offer_freed_slot(
    uow: UnitOfWork,
    catalog: Catalog,
    clock: Clock,
    slot: Slot,
    min_notice: timedelta = timedelta(),
) -> int:
    """Queue "a time has freed up" to everyone waiting in the slot's city, in the order they
    joined; the first to tap takes it. A slot that can no longer be booked (it starts within
    `min_notice`, its recruiter gave it up or is busy then in their own calendar) is offered to
    no one. Returns how many were offered. The caller commits."""
    if slot.withdrawn or slot.starts_at <= clock.now() + min_notice:
        return 0
    if await slot_is_busy(uow, slot):  # the recruiter's own calendar has something else then
        return 0
    line = await uow.waitlist.in_line(slot.city_id, slot.purpose)
    if not line:
        return 0
    view = await view_of_slot(uow, slot)
    freed_at = clock.now().strftime("%Y%m%d%H%M%S%f")
    offered = 0
    for entry in line:
        candidate = await uow.candidates.get(entry.candidate_id)
        if candidate is None or not candidate.reachable:
            continue
        text = await booking_text(uow, catalog, "waitlist_offer", candidate.locale, view)
        buttons = [
            [
                {
                    "text": catalog.text("button.take_slot", candidate.locale),
                    "action": "waitlist_take",
                    "slot_id": slot.id,
                }
            ]
        ]
        if await queue_message(
            uow,
            clock,
            chat_id=candidate.telegram_id,
            kind=OFFER_KIND,
            dedupe_key=_offer_key_prefix(slot.id, candidate.id) + freed_at,
            text=text,
            buttons=buttons,
            candidate_id=candidate.id,
        ):
            entry.notified_at = clock.now()
            offered += 1
    return offered

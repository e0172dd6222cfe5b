"""The waiting list: candidates who found no time, offered freed slots first come first served."""

from __future__ import annotations

from datetime import timedelta

from core.clock import Clock
from core.enums import SlotPurpose
from domain.bookings.texts import booking_text, view_of_slot
from domain.messaging.outbox import queue_message
from domain.messaging.texts import Catalog, render_message
from domain.pipeline.cities import city_name
from storage.models import Candidate, Slot, WaitlistEntry
from storage.uow import UnitOfWork


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
    `min_notice`) is offered to no one. Returns how many were offered. The caller commits."""
    if slot.starts_at <= clock.now() + min_notice:
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
            kind="waitlist_offer",
            dedupe_key=f"waitlist_offer:{slot.id}:{candidate.id}:{freed_at}",
            text=text,
            buttons=buttons,
            candidate_id=candidate.id,
        ):
            entry.notified_at = clock.now()
            offered += 1
    return offered


QUOTE_LIMIT = 500  # characters of the candidate's own words a note to recruiters carries


def quote_of(wrote: str | None) -> str | None:
    """What a candidate wrote, as a note quotes it: trimmed, cut to `QUOTE_LIMIT` with an
    ellipsis; None when there is nothing to quote. The template escapes it."""
    if wrote is None or not wrote.strip():
        return None
    words = wrote.strip()
    if len(words) <= QUOTE_LIMIT:
        return words
    return words[: QUOTE_LIMIT - 1].rstrip() + "…"


async def request_contact(
    uow: UnitOfWork,
    catalog: Catalog,
    clock: Clock,
    candidate: Candidate,
    *,
    key: str = "contact_request_for_recruiter",
    wrote: str | None = None,
) -> None:
    """The candidate asks a recruiter of their city to get in touch (they found no time, or,
    with another `key`, wrote after missing an interview, `wrote` being what they wrote, which
    the note quotes); once a day. Commits."""
    if candidate.city_id is None:
        return
    quoted = quote_of(wrote)
    city = await uow.cities.get_dto(candidate.city_id)
    for recruiter in await uow.recruiters.list_active_for_city(candidate.city_id):
        if recruiter.telegram_chat_id is None:
            continue
        locale = catalog.locale_for(recruiter.locale)
        text = await render_message(
            uow,
            catalog,
            key,
            locale,
            candidate.city_id,
            name=candidate.full_name or candidate.username or str(candidate.telegram_id),
            city=city_name(city, locale) if city else "",
            phone=candidate.phone,
            username=candidate.username,
            wrote=quoted,
        )
        await queue_message(
            uow,
            clock,
            chat_id=recruiter.telegram_chat_id,
            kind="contact_request",
            dedupe_key=f"{key}:{candidate.id}:{recruiter.id}:{clock.now():%Y%m%d}",
            text=text,
            candidate_id=candidate.id,
        )
    await uow.commit()

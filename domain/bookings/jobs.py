"""Periodic work for recruiters: expiring unanswered requests, attendance prompts, the digest.
Each run reads the database and queues outbox rows under dedupe keys, so a repeated or
concurrent run (several instances) never sends anything twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.enums import BookingStatus
from domain.bookings.booking import Messaging, release_booking, tell_original_stands
from domain.bookings.desk import AgendaItem, EventItem, agenda, by_event
from domain.bookings.texts import booking_text, view_of, view_of_slot
from domain.messaging.dates import day_label, local, time_label
from domain.messaging.outbox import pick_time_button, queue_message
from domain.messaging.texts import render_message
from domain.records import Slot
from storage.uow import UnitOfWork, UnitOfWorkFactory

ATTENDANCE_AFTER = timedelta(minutes=15)
DIGEST_AT = time(8, 0)


async def expire_pending(uows: UnitOfWorkFactory, m: Messaging, after: timedelta) -> int:
    """Requests unanswered for `after`, or until their own time begins: expired; the candidate
    is offered other times, the recruiter told."""
    expired = 0
    now = m.clock.now()
    async with uows() as uow:
        stale = await uow.bookings.pending_since_before(now - after, starting_before=now)
        ids = [b.id for b in stale]
    for booking_id in ids:
        async with uows() as uow:
            booking = await uow.bookings.get(booking_id)
            if booking is None or booking.status is not BookingStatus.PENDING:
                continue
            candidate = await uow.candidates.get(booking.candidate_id)
            assert candidate is not None
            view = await release_booking(
                uow,
                m,
                candidate,
                booking,
                to=BookingStatus.EXPIRED,
                reason="no answer",
                recruiter_key="recruiter_move_expired"
                if booking.replaces_booking_id is not None
                else "recruiter_booking_expired",
                actor="system",
            )
            if view is None:
                continue
            if booking.replaces_booking_id is not None:  # a move request: the old time stands
                await tell_original_stands(uow, m, candidate, booking, "booking_move_expired")
                await uow.commit()
                expired += 1
                continue
            await queue_message(
                uow,
                m.clock,
                chat_id=candidate.telegram_id,
                kind="booking_expired",
                dedupe_key=f"booking_expired:{booking.id}",
                text=await booking_text(uow, m.catalog, "booking_expired", candidate.locale, view),
                buttons=pick_time_button(m.catalog, candidate.locale, booking.purpose.value),
                candidate_id=candidate.id,
            )
            await uow.commit()
            expired += 1
    return expired


async def queue_attendance_prompts(uows: UnitOfWorkFactory, m: Messaging) -> int:
    """At slot end + 15 minutes the recruiter is asked "came / no-show": per booking, or for a
    group event once, with its attendees a tap away (marked there, one line each)."""
    queued = 0
    async with uows() as uow:
        events: dict[int, tuple[Slot, int]] = {}
        for booking, slot in await uow.bookings.needing_outcome(m.clock.now() - ATTENDANCE_AFTER):
            if slot.capacity > 1:
                held = events.get(slot.id, (slot, 0))[1]
                events[slot.id] = (slot, held + 1)
                continue
            recruiter = await uow.recruiters.get_dto(slot.recruiter_id)
            candidate = await uow.candidates.get(booking.candidate_id)
            if recruiter is None or recruiter.telegram_chat_id is None or candidate is None:
                continue
            locale = m.catalog.locale_for(recruiter.locale)
            view = replace(await view_of(uow, booking), zone=recruiter.timezone)
            values = view.values(m.catalog, locale)
            text = await render_message(
                uow,
                m.catalog,
                "attendance_prompt",
                locale,
                None,
                name=candidate.full_name or str(candidate.telegram_id),
                date=values["date"],
                time=values["time"],
            )
            buttons = [
                [
                    {
                        "text": m.catalog.text("button.came", locale),
                        "action": "recruiter",
                        "do": "came",
                        "booking_id": booking.id,
                    },
                    {
                        "text": m.catalog.text("button.no_show", locale),
                        "action": "recruiter",
                        "do": "noshow",
                        "booking_id": booking.id,
                    },
                ]
            ]
            if await queue_message(
                uow,
                m.clock,
                chat_id=recruiter.telegram_chat_id,
                kind="attendance_prompt",
                dedupe_key=f"attendance_prompt:{booking.id}",
                text=text,
                buttons=buttons,
                candidate_id=candidate.id,
                booking_id=booking.id,
            ):
                queued += 1
        for slot, held in events.values():
            queued += await _event_prompt(uow, m, slot, held)
        await uow.commit()
    return queued


async def _event_prompt(uow: UnitOfWork, m: Messaging, slot: Slot, held: int) -> int:
    """One "who came?" for a group event whose seats wait for an outcome: 1 if queued."""
    recruiter = await uow.recruiters.get_dto(slot.recruiter_id)
    if recruiter is None or recruiter.telegram_chat_id is None:
        return 0
    locale = m.catalog.locale_for(recruiter.locale)
    view = await view_of_slot(uow, slot)
    values = replace(view, zone=recruiter.timezone).values(m.catalog, locale)
    text = await render_message(
        uow,
        m.catalog,
        "attendance_prompt_event",
        locale,
        None,
        date=values["date"],
        time=values["time"],
        count=held,
    )
    button = {
        "text": m.catalog.text("button.attendees", locale),
        "action": "attendees",
        "slot_id": slot.id,
    }
    queued = await queue_message(
        uow,
        m.clock,
        chat_id=recruiter.telegram_chat_id,
        kind="attendance_prompt",
        dedupe_key=f"attendance_prompt_event:{slot.id}",
        text=text,
        buttons=[[button]],
    )
    return 1 if queued else 0


def _mark(m: Messaging, item: AgendaItem | EventItem, locale: str) -> str:
    """A booking's status sign; a group event's 👥 (its seats have several)."""
    if isinstance(item, EventItem):
        return "👥"
    return m.catalog.text(f"booking_status.{item.status.value}", locale)


async def queue_daily_digests(uows: UnitOfWorkFactory, m: Messaging) -> int:
    """At 08:00 in each recruiter's zone, the day's interviews (a group event one line, with
    its seats); nothing when there are none."""
    queued = 0
    now = m.clock.now()
    async with uows() as uow:
        for recruiter in await uow.recruiters.list_linked_active():
            locale = m.catalog.locale_for(recruiter.locale)
            zone = ZoneInfo(recruiter.timezone)
            local_now = now.astimezone(zone)
            if local_now.time() < DIGEST_AT:
                continue
            day = local_now.date()
            start = datetime.combine(day, time(0), tzinfo=zone)
            items = await agenda(uow, recruiter, start, start + timedelta(days=1))
            if not items:
                continue
            lines = "\n".join(
                f"{_mark(m, i, locale)} {time_label(i.starts_at, recruiter.timezone)} · "
                + (
                    m.catalog.text("agenda.event", locale, people=i.people, capacity=i.capacity)
                    if isinstance(i, EventItem)
                    else i.candidate
                )
                for i in by_event(items)
            )
            text = await render_message(
                uow,
                m.catalog,
                "daily_digest",
                locale,
                None,
                date=day_label(local(start, recruiter.timezone).date(), locale),
                lines=lines,
            )
            assert recruiter.telegram_chat_id is not None
            if await queue_message(
                uow,
                m.clock,
                chat_id=recruiter.telegram_chat_id,
                kind="daily_digest",
                dedupe_key=f"daily_digest:{recruiter.id}:{day.isoformat()}",
                text=text,
                subjects=[i.candidate_id for i in items],
            ):
                queued += 1
        await uow.commit()
    return queued

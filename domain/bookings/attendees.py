"""The people of a group event (an intro day, an open house, a group interview): who holds a
seat, and one message to all of them. Attendance is marked per booking (`desk.record_attendance`),
so per seat; reminders are queued per booking, so per seat too."""

from __future__ import annotations

from dataclasses import dataclass

from core.clock import Clock
from core.enums import BookingStatus
from core.errors import InvalidField, NotFound
from core.result import Failure, Result, Success
from domain.bookings.booking import Messaging
from domain.bookings.desk import DeskError, mark_attendance
from domain.bookings.waitlist import offer_freed_slot
from domain.conversations.replies import queue_staff_message, unreachable, words_refusal
from domain.messaging.texts import Catalog
from domain.scheduling.capacity import change_capacity
from storage.models import Slot
from storage.uow import UnitOfWork

NOBODY = "reason.slot.nobody"  # a catalog key: said in the reader's language


@dataclass(frozen=True)
class Attendee:
    booking_id: int
    seat: int
    status: BookingStatus
    candidate_id: int
    name: str
    username: str | None


@dataclass(frozen=True)
class Sent:
    """Who a message to all attendees went to, and who it could not reach."""

    sent: int
    unreachable: int


async def attendees(uow: UnitOfWork, slot_id: int) -> list[Attendee]:
    """The slot's seat holders (booked, pending, attended or no-show), by seat."""
    rows = await uow.bookings.attendees_of(slot_id)
    return [
        Attendee(
            booking.id,
            booking.seat,
            booking.status,
            candidate.id,
            candidate.full_name or candidate.username or str(candidate.telegram_id),
            candidate.username,
        )
        for booking, candidate in rows
    ]


async def change_seats(
    uow: UnitOfWork,
    m: Messaging,
    slot: Slot,
    capacity: int,
    *,
    actor: str,
    admin_user_id: int | None = None,
) -> Result[Slot, InvalidField | NotFound]:
    """The slot's capacity changed (`capacity.change_capacity`'s rule: never below the seats
    taken); seats added are offered to the waiting list as a freed seat is. Commits."""
    before = slot.capacity
    changed = await change_capacity(uow, slot, capacity, actor=actor, admin_user_id=admin_user_id)
    added = isinstance(changed, Success) and capacity > before and not slot.withdrawn
    if added and await offer_freed_slot(uow, m.catalog, m.clock, slot, m.rules.min_notice):
        await uow.commit()
    return changed


async def mark_attendee(
    uow: UnitOfWork, m: Messaging, slot: Slot, booking_id: int, *, came: bool, actor: str
) -> Result[int, DeskError]:
    """Came or no-show for one attendee of the slot (the panel's list; the chat's buttons go
    through `desk.record_attendance`). Commits."""
    booking = await uow.bookings.get(booking_id)
    if booking is None or booking.slot_id != slot.id:
        return Failure(NotFound(f"booking {booking_id} of slot {slot.id}"))
    candidate = await uow.candidates.get(booking.candidate_id)
    assert candidate is not None
    return await mark_attendance(uow, m, booking, slot, candidate, came=came, actor=actor)


async def message_attendees(
    uow: UnitOfWork,
    catalog: Catalog,
    clock: Clock,
    slot: Slot,
    text: str,
    *,
    actor: str,
    admin_user_id: int | None = None,
) -> Result[Sent, InvalidField]:
    """Queue `text` to everyone holding a seat of the slot now (under the writer's name, in each
    one's thread, through the outbox), audited once on the slot. Refused: an empty or too long
    text, or nobody holding a seat. Commits."""
    words = text.strip()
    refused = words_refusal(words)
    if refused is not None:
        return Failure(refused)
    holders = await uow.bookings.attendees_of(slot.id, active_only=True)
    if not holders:
        return Failure(InvalidField("text", NOBODY))
    sent = missed = 0
    for _booking, candidate in holders:
        if unreachable(candidate) is not None:
            missed += 1
            continue
        await queue_staff_message(uow, catalog, clock, candidate, words, actor=actor)
        sent += 1
    uow.audit.record(
        actor=actor,
        admin_user_id=admin_user_id,
        action="message_attendees",
        entity="slot",
        entity_id=slot.id,
        details={"sent": sent, "unreachable": missed, "length": len(words)},
    )
    await uow.commit()
    return Success(Sent(sent, missed))

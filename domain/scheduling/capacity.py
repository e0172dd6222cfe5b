"""How many people a slot seats: 1 for an interview by default; an intro day, an open house or a
group interview more. A slot's capacity can change, never below the seats its bookings hold."""

from __future__ import annotations

from core.errors import InvalidField, NotFound
from core.result import Failure, Result, Success
from storage.models import Slot
from storage.uow import UnitOfWork

MIN_CAPACITY = 1
MAX_CAPACITY = 500


class CapacityOutOfRange(InvalidField):
    message_key = "recruiter.capacity_out_of_range"

    def __init__(self) -> None:
        super().__init__(
            "capacity", "reason.slot.capacity_range", min=MIN_CAPACITY, max=MAX_CAPACITY
        )


class CapacityBelowSeatsTaken(InvalidField):
    """Fewer seats than people holding one: someone would lose theirs."""

    message_key = "recruiter.capacity_below_taken"

    def __init__(self, taken: int) -> None:
        super().__init__("capacity", "reason.slot.below_taken", taken=taken)


async def seats_taken(uow: UnitOfWork, slot_id: int) -> int:
    """How many seats of the slot active bookings hold."""
    return await uow.slots.seats_taken(slot_id)


def capacity_refusal(capacity: int) -> CapacityOutOfRange | None:
    if not MIN_CAPACITY <= capacity <= MAX_CAPACITY:
        return CapacityOutOfRange()
    return None


async def change_capacity(
    uow: UnitOfWork, slot: Slot, capacity: int, *, actor: str, admin_user_id: int | None = None
) -> Result[Slot, InvalidField | NotFound]:
    """Seat `capacity` people at the slot, never fewer than hold a seat now. Decided one at a
    time with bookings (the recruiter's row, which booking holds too). Commits."""
    refused = capacity_refusal(capacity)
    if refused is not None:
        return Failure(refused)
    await uow.recruiters.get_for_booking(slot.recruiter_id)
    taken = await uow.slots.seats_taken(slot.id)
    if capacity < taken:
        return Failure(CapacityBelowSeatsTaken(taken))
    before = slot.capacity
    slot.capacity = capacity
    # Seats above the new capacity held from before move down to free ones: a seat's number
    # is never above the slot's capacity.
    await uow.slots.renumber_seats(slot.id, capacity)
    uow.mark_written("slots")
    uow.audit.record(
        actor=actor,
        admin_user_id=admin_user_id,
        action="change_capacity",
        entity="slot",
        entity_id=slot.id,
        details={"from": before, "to": capacity},
    )
    await uow.commit()
    return Success(slot)

"""Booking a slot: the one use case every entry point (bot, panel, API) goes through."""

from __future__ import annotations

from datetime import timedelta

from core.clock import Clock
from core.errors import AlreadyBooked, NotFound, SlotTaken, SlotUnavailable
from core.result import Failure, Result, Success
from storage.dto import BookingDTO
from storage.models.enums import BookingStatus, CandidateStatus, SlotPurpose
from storage.uow import UnitOfWork

BookingError = NotFound | SlotTaken | AlreadyBooked | SlotUnavailable


async def book_slot(
    uow: UnitOfWork,
    *,
    candidate_id: int,
    slot_id: int,
    clock: Clock,
    min_notice: timedelta = timedelta(hours=1),
    actor: str = "candidate",
) -> Result[BookingDTO, BookingError]:
    """Take a free slot for a candidate and commit, or say why not.

    The database decides races: of two candidates tapping the same time, the partial unique
    index lets exactly one insert through; the other gets SlotTaken.
    """
    slot = await uow.slots.get(slot_id)
    candidate = await uow.candidates.get(candidate_id)
    if slot is None or candidate is None:
        return Failure(NotFound("slot or candidate"))
    if candidate.city_id != slot.city_id:
        return Failure(SlotUnavailable("slot is in another city"))
    if slot.starts_at < clock.now() + min_notice:
        return Failure(SlotUnavailable("slot starts too soon"))
    existing = await uow.bookings.active_for_candidate(candidate_id, slot.purpose)
    if existing is not None:
        return Failure(AlreadyBooked(f"booking {existing.id}"))

    city = await uow.slots.get_city(slot)
    status = BookingStatus.PENDING if city.requires_approval else BookingStatus.APPROVED
    booking = await uow.bookings.try_create(slot, candidate_id, status, actor=actor)
    if booking is None:
        # The index refused it: someone else holds the slot, or this candidate just booked.
        if await uow.bookings.active_for_candidate(candidate_id, slot.purpose):
            return Failure(AlreadyBooked("booked concurrently"))
        return Failure(SlotTaken(f"slot {slot_id}"))

    if slot.purpose is SlotPurpose.INTERVIEW:
        next_status = (
            CandidateStatus.INTERVIEW_REQUESTED
            if status is BookingStatus.PENDING
            else CandidateStatus.INTERVIEW_SCHEDULED
        )
    else:
        next_status = CandidateStatus.INTRO_DAY_SCHEDULED
    uow.candidates.change_status(candidate, next_status, actor=actor)
    await uow.commit()
    return Success(BookingDTO.model_validate(booking))

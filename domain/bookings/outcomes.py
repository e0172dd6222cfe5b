"""What happens after an interview: marked passed, the candidate is invited to test 2."""

from __future__ import annotations

from core.enums import ACTIVE_BOOKING_STATUSES, BookingStatus, CandidateStatus
from core.errors import NotFound
from core.result import Failure, Result, Success
from domain.bookings.booking import Messaging
from domain.bookings.status import move_booking_status
from domain.pipeline.status import move_candidate
from storage.uow import UnitOfWork


async def record_interview_passed(
    uow: UnitOfWork, m: Messaging, booking_id: int, *, actor: str
) -> Result[int, NotFound]:
    """Mark the interview attended and passed (entering that status invites the candidate to
    test 2: `domain.pipeline.status.ON_ENTER`). Commits."""
    booking = await uow.bookings.get(booking_id)
    if booking is None or booking.status not in (*ACTIVE_BOOKING_STATUSES, BookingStatus.ATTENDED):
        return Failure(NotFound("booking"))
    if booking.status is not BookingStatus.ATTENDED:
        await move_booking_status(uow, booking, BookingStatus.ATTENDED, actor=actor)
    candidate = await uow.candidates.get(booking.candidate_id)
    assert candidate is not None
    if candidate.status is not CandidateStatus.INTERVIEWED_PASSED:
        await move_candidate(
            uow, candidate, CandidateStatus.INTERVIEWED_PASSED, actor=actor, tell=m
        )
    await uow.commit()
    return Success(candidate.id)

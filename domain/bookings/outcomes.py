"""What happens after an interview: marked passed, the candidate is invited to test 2."""

from __future__ import annotations

from core.enums import ACTIVE_BOOKING_STATUSES, BookingStatus, CandidateStatus, TestKind
from core.errors import NotFound
from core.result import Failure, Result, Success
from domain.bookings.booking import Messaging
from domain.bookings.status import move_booking_status
from domain.messaging.outbox import queue_message
from domain.messaging.texts import render_message
from domain.pipeline.status import move_candidate
from storage.uow import UnitOfWork


async def record_interview_passed(
    uow: UnitOfWork, m: Messaging, booking_id: int, *, actor: str
) -> Result[int, NotFound]:
    """Mark the interview attended and passed, and queue the test 2 invitation. Commits."""
    booking = await uow.bookings.get(booking_id)
    if booking is None or booking.status not in (*ACTIVE_BOOKING_STATUSES, BookingStatus.ATTENDED):
        return Failure(NotFound("booking"))
    if booking.status is not BookingStatus.ATTENDED:
        await move_booking_status(uow, booking, BookingStatus.ATTENDED, actor=actor)
    candidate = await uow.candidates.get(booking.candidate_id)
    assert candidate is not None
    if candidate.status is not CandidateStatus.INTERVIEWED_PASSED:
        move_candidate(uow, candidate, CandidateStatus.INTERVIEWED_PASSED, actor=actor)
    test = await uow.tests.get_dto_by_kind(TestKind.KNOWLEDGE)
    if test is not None and test.questions:
        attempts = test.default_max_attempts
        seconds = test.default_time_limit_seconds or 120
        text = await render_message(
            uow,
            m.catalog,
            "test2_invite",
            candidate.locale,
            candidate.city_id,
            total=len(test.questions),
            attempts=attempts,
            seconds=seconds,
        )
        await queue_message(
            uow,
            m.clock,
            chat_id=candidate.telegram_id,
            kind="test2_invite",
            dedupe_key=f"test2_invite:{candidate.id}",
            text=text,
            buttons=[
                [
                    {
                        "text": m.catalog.text("button.start_test2", candidate.locale),
                        "action": "test2_start",
                    }
                ]
            ],
            candidate_id=candidate.id,
        )
    await uow.commit()
    return Success(candidate.id)

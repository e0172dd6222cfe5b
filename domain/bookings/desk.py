"""What a recruiter does with bookings: approve, offer another time, reject, cancel, outcomes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal

import structlog

from core.enums import (
    ACTIVE_BOOKING_STATUSES,
    BookingStatus,
    CandidateStatus,
    SlotPurpose,
)
from core.errors import AppError, NotFound, SlotUnavailable
from core.result import Failure, Result, Success
from domain.bookings.booking import (
    Messaging,
    approve_booking,
    release_booking,
    tell_original_stands,
)
from domain.bookings.calendar_follow import queue_calendar_cancel
from domain.bookings.outcomes import record_interview_passed
from domain.bookings.status import move_booking_status
from domain.bookings.texts import BookingView, booking_text, view_of
from domain.messaging.outbox import pick_time_button, queue_message
from domain.pipeline.status import move_candidate
from storage.dto import RecruiterDTO
from storage.models import Booking, Candidate, Slot
from storage.uow import UnitOfWork

log = structlog.get_logger(__name__)
REJECT_REASONS = ("not_suitable", "no_documents", "position_closed")


class NotYours(AppError):
    message_key = "recruiter.not_yours"


class TimePassed(AppError):
    """A request answered after its time began: approving it would confirm a past interview."""

    message_key = "recruiter.time_passed"


class NotBegun(AppError):
    """Attendance marked before the interview's time."""

    message_key = "recruiter.not_begun"


class OutcomeRecorded(AppError):
    """The candidate has moved past this booking's outcome (recorded already, or changed since)."""

    message_key = "recruiter.outcome_recorded"


class RecruiterBusy(AppError):
    """Another candidate's booking overlaps this one (slots made before overlaps were refused)."""

    message_key = "recruiter.busy_then"


# Where a candidate is while the outcome of a held booking is still to be given.
AWAITING_OUTCOME = {
    SlotPurpose.INTERVIEW: (
        CandidateStatus.INTERVIEW_SCHEDULED,
        CandidateStatus.INTERVIEW_CONFIRMED,
    ),
    SlotPurpose.INTRO_DAY: (CandidateStatus.INTRO_DAY_SCHEDULED,),
}


class NoOutcome(AppError):
    """The booking awaits no outcome: it ended without a meeting (declined, cancelled, expired),
    its no-show is marked already, or it still waits for approval."""

    message_key = "recruiter.no_outcome.declined"

    def __init__(self, status: BookingStatus) -> None:
        super().__init__(f"booking {status.value}")
        self.message_key = f"recruiter.no_outcome.{status.value}"


class DecidedSince(AppError):
    """A decision (approve, offer another time, reject, cancel) on a booking that has left the
    state it applies to since the card was sent: said with the booking's state."""

    message_key = "recruiter.decided_since.declined"

    def __init__(self, status: BookingStatus) -> None:
        super().__init__(f"booking {status.value}")
        self.message_key = f"recruiter.decided_since.{status.value}"


DeskError = (
    NotYours
    | NotFound
    | TimePassed
    | NotBegun
    | OutcomeRecorded
    | RecruiterBusy
    | NoOutcome
    | DecidedSince
)
# A booking whose attendance may be marked (once its time has begun).
AWAITING_ATTENDANCE = (BookingStatus.APPROVED, BookingStatus.CONFIRMED)


async def own_booking(
    uow: UnitOfWork, recruiter: RecruiterDTO, booking_id: int
) -> tuple[Booking, Slot, Candidate] | None:
    """The booking if it is on one of this recruiter's slots; refusals are logged."""
    booking = await uow.bookings.get(booking_id)
    slot = await uow.slots.get(booking.slot_id) if booking else None
    if booking is None or slot is None or slot.recruiter_id != recruiter.id:
        log.warning("recruiter.forbidden_booking", recruiter_id=recruiter.id, booking_id=booking_id)
        return None
    candidate = await uow.candidates.get(booking.candidate_id)
    assert candidate is not None
    return booking, slot, candidate


async def approve(
    uow: UnitOfWork, m: Messaging, recruiter: RecruiterDTO, booking_id: int
) -> Result[int, DeskError]:
    owned = await own_booking(uow, recruiter, booking_id)
    if owned is None:
        return Failure(NotYours())
    if owned[0].status is not BookingStatus.PENDING:
        return Failure(DecidedSince(owned[0].status))
    if owned[1].starts_at <= m.clock.now():
        return Failure(TimePassed())
    result = await approve_booking(uow, m, booking_id, actor=f"recruiter:{recruiter.id}")
    if isinstance(result, Failure) and isinstance(result.error, SlotUnavailable):
        return Failure(RecruiterBusy())
    return (
        Success(booking_id) if isinstance(result, Success) else Failure(NotFound("pending booking"))
    )


async def offer_another_time(
    uow: UnitOfWork, m: Messaging, recruiter: RecruiterDTO, booking_id: int
) -> Result[int, DeskError]:
    return await _decline(uow, m, recruiter, booking_id, reason="another time", reject=False)


async def reject(
    uow: UnitOfWork, m: Messaging, recruiter: RecruiterDTO, booking_id: int, reason: str
) -> Result[int, DeskError]:
    return await _decline(uow, m, recruiter, booking_id, reason=reason, reject=True)


async def cancel(
    uow: UnitOfWork,
    m: Messaging,
    recruiter: RecruiterDTO,
    booking_id: int,
    reason: str,
    *,
    withdraw_slot: bool = False,
) -> Result[int, DeskError]:
    """Cancel a booking; with `withdraw_slot` (the recruiter cannot make it) the time is not
    offered to anyone else."""
    return await _decline(
        uow,
        m,
        recruiter,
        booking_id,
        reason=reason,
        reject=False,
        status=BookingStatus.CANCELED,
        withdraw=withdraw_slot,
    )


def _told_of_release(status: BookingStatus, *, held: BookingStatus) -> str:
    """What the candidate hears when the recruiter ends their time without rejecting them: a
    request that was never confirmed "could not be confirmed"; a time confirmed already (at
    once, or approved) is one the recruiter asks to change, or had to cancel."""
    if status is BookingStatus.CANCELED:
        return "booking_canceled_by_recruiter"
    return "booking_declined" if held is BookingStatus.PENDING else "booking_another_time"


async def _decline(
    uow: UnitOfWork,
    m: Messaging,
    recruiter: RecruiterDTO,
    booking_id: int,
    *,
    reason: str,
    reject: bool,
    status: BookingStatus = BookingStatus.DECLINED,
    withdraw: bool = False,
) -> Result[int, DeskError]:
    owned = await own_booking(uow, recruiter, booking_id)
    if owned is None:
        return Failure(NotYours())
    booking, slot, candidate = owned
    if booking.status not in ACTIVE_BOOKING_STATUSES:
        return Failure(DecidedSince(booking.status))
    actor = f"recruiter:{recruiter.id}"
    view = await view_of(uow, booking)
    booking_was = booking.status
    released = await release_booking(
        uow,
        m,
        candidate,
        booking,
        to=status,
        reason=reason,
        actor=actor,
        withdraw=withdraw,
        calendar=False,  # the event's cancellation follows what the candidate is told
    )
    if not released:
        return Failure(NotFound("active booking"))
    if booking.replaces_booking_id is not None:
        # A move request, whichever button declined it: only the move is refused, the time
        # the candidate holds stands (rejecting the candidate is their booking's card's).
        await tell_original_stands(uow, m, candidate, booking, "booking_move_declined")
        await uow.commit()
        return Success(booking.id)
    if reject:
        await move_candidate(
            uow, candidate, CandidateStatus.NOT_HIRED, actor=actor, reason=reason, tell=m
        )
        await tell_candidate(uow, m, candidate, booking, "booking_rejected", view=view)
    else:
        key = _told_of_release(status, held=booking_was)
        buttons = pick_time_button(m.catalog, candidate.locale, slot.purpose.value)
        await tell_candidate(uow, m, candidate, booking, key, view=view, buttons=buttons)
    await queue_calendar_cancel(uow, m.catalog, m.clock, candidate, booking, held=booking_was)
    await uow.commit()
    return Success(booking.id)


def _attendance_refusal(booking: Booking, slot: Slot, now: datetime) -> NoOutcome | NotBegun | None:
    if booking.status not in AWAITING_ATTENDANCE:
        return NoOutcome(booking.status)
    if slot.starts_at > now:
        return NotBegun()
    return None


async def outcome_step(
    uow: UnitOfWork, m: Messaging, recruiter: RecruiterDTO, booking_id: int
) -> Result[Literal["attendance", "result"], DeskError]:
    """What the Outcome button asks next: did they come, or (came) did they pass; refused at
    once, with the booking's state, when there is nothing to record."""
    owned = await own_booking(uow, recruiter, booking_id)
    if owned is None:
        return Failure(NotYours())
    booking, slot, candidate = owned
    if booking.status is BookingStatus.ATTENDED:
        if candidate.status not in AWAITING_OUTCOME[slot.purpose]:
            return Failure(OutcomeRecorded())
        return Success("result")
    refused = _attendance_refusal(booking, slot, m.clock.now())
    return Success("attendance") if refused is None else Failure(refused)


async def record_attendance(
    uow: UnitOfWork, m: Messaging, recruiter: RecruiterDTO, booking_id: int, *, came: bool
) -> Result[int, DeskError]:
    owned = await own_booking(uow, recruiter, booking_id)
    if owned is None:
        return Failure(NotYours())
    booking, slot, candidate = owned
    return await mark_attendance(
        uow, m, booking, slot, candidate, came=came, actor=f"recruiter:{recruiter.id}"
    )


async def mark_attendance(
    uow: UnitOfWork,
    m: Messaging,
    booking: Booking,
    slot: Slot,
    candidate: Candidate,
    *,
    came: bool,
    actor: str,
) -> Result[int, DeskError]:
    """Came or no-show, for one booking (one seat of a group event): once its time has begun,
    for a booking awaiting it. Commits."""
    refused = _attendance_refusal(booking, slot, m.clock.now())
    if refused is not None:
        return Failure(refused)
    if came:
        await move_booking_status(uow, booking, BookingStatus.ATTENDED, actor=actor)
    else:
        await move_booking_status(uow, booking, BookingStatus.NO_SHOW, actor=actor)
        await move_candidate(uow, candidate, CandidateStatus.NO_SHOW, actor=actor, tell=m)
        await tell_candidate(uow, m, candidate, booking, "no_show")
    await uow.commit()
    return Success(booking.id)


async def record_result(
    uow: UnitOfWork, m: Messaging, recruiter: RecruiterDTO, booking_id: int, *, passed: bool
) -> Result[int, DeskError]:
    owned = await own_booking(uow, recruiter, booking_id)
    if owned is None:
        return Failure(NotYours())
    booking, slot, candidate = owned
    actor = f"recruiter:{recruiter.id}"
    if booking.status is not BookingStatus.ATTENDED:
        return Failure(NotFound("attended booking"))
    if candidate.status not in AWAITING_OUTCOME[slot.purpose]:
        return Failure(OutcomeRecorded())  # a replayed button must not rewrite a later status
    if slot.purpose is SlotPurpose.INTRO_DAY:
        target = CandidateStatus.HIRED if passed else CandidateStatus.NOT_HIRED
        if candidate.status is not target:
            await move_candidate(uow, candidate, target, actor=actor, tell=m)
        await uow.commit()
        return Success(booking.id)
    if passed:
        result = await record_interview_passed(uow, m, booking.id, actor=actor)
        return Success(booking.id) if isinstance(result, Success) else Failure(result.error)
    await move_candidate(uow, candidate, CandidateStatus.INTERVIEWED_FAILED, actor=actor, tell=m)
    await tell_candidate(uow, m, candidate, booking, "interview_failed")
    await uow.commit()
    return Success(booking.id)


async def tell_candidate(
    uow: UnitOfWork,
    m: Messaging,
    candidate: Candidate,
    booking: Booking,
    key: str,
    *,
    view: BookingView | None = None,
    buttons: list[list[dict[str, Any]]] | None = None,
) -> None:
    """Queue the template `key` about this booking to its candidate, once."""
    view = view or await view_of(uow, booking)
    await queue_message(
        uow,
        m.clock,
        chat_id=candidate.telegram_id,
        kind=key,
        dedupe_key=f"{key}:{booking.id}",
        text=await booking_text(uow, m.catalog, key, candidate.locale, view),
        buttons=buttons,
        candidate_id=candidate.id,
    )


@dataclass(frozen=True)
class AgendaItem:
    booking_id: int
    status: BookingStatus
    purpose: SlotPurpose
    starts_at: datetime
    candidate: str
    candidate_id: int
    slot_id: int = 0
    capacity: int = 1


@dataclass(frozen=True)
class EventItem:
    """A group event in an agenda: one line for all its seats (its attendees are listed on
    their own, `attendees.attendees`)."""

    slot_id: int
    purpose: SlotPurpose
    starts_at: datetime
    people: int  # bookings shown: holding a seat, attended or no-show
    capacity: int


async def agenda(
    uow: UnitOfWork, recruiter: RecruiterDTO, start: datetime, end: datetime
) -> list[AgendaItem]:
    rows = await uow.bookings.for_recruiter_between(recruiter.id, start, end)
    return [
        AgendaItem(
            b.id,
            b.status,
            s.purpose,
            s.starts_at,
            c.full_name or c.username or str(c.telegram_id),
            c.id,
            s.id,
            s.capacity,
        )
        for b, s, c in rows
    ]


def by_event(items: list[AgendaItem]) -> list[AgendaItem | EventItem]:
    """The agenda with each group event's bookings folded into one line, where its first was."""
    folded: list[AgendaItem | EventItem] = []
    events: dict[int, int] = {}  # slot id: its line's index
    for item in items:
        if item.capacity <= 1:
            folded.append(item)
            continue
        at = events.get(item.slot_id)
        if at is None:
            events[item.slot_id] = len(folded)
            folded.append(EventItem(item.slot_id, item.purpose, item.starts_at, 1, item.capacity))
        else:
            line = folded[at]
            assert isinstance(line, EventItem)
            folded[at] = replace(line, people=line.people + 1)
    return folded


EXPIRY_REASON = "no answer from the recruiter"


def pending_cutoff(now: datetime, hours: float) -> datetime:
    return now - timedelta(hours=hours)

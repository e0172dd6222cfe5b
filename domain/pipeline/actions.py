"""What a person in the panel or the API does to one candidate: move their status with a reason,
cancel one of their bookings (writing to them is `domain.conversations.replies`). Each is
scoped by city ids (None: every city), written to the audit log and committed; a refusal names
the field it is about."""

from __future__ import annotations

from core.enums import ACTIVE_BOOKING_STATUSES, BookingStatus, CandidateStatus
from core.errors import InvalidField, NotFound
from core.result import Failure, Result, Success
from domain.bookings.booking import Messaging, release_booking
from domain.bookings.calendar_follow import queue_calendar_cancel
from domain.bookings.desk import tell_candidate
from domain.messaging.outbox import pick_time_button
from domain.pipeline.directory import StatusChangeRow, actor_name, in_scope
from domain.pipeline.status import Teller, move_candidate
from domain.refusals import REQUIRED, TOO_LONG, refusal
from storage.models import Candidate
from storage.uow import UnitOfWork

ActionError = InvalidField | NotFound
MAX_REASON = 500
CANCELED_KEY = "booking_canceled_by_recruiter"
# The slot's recruiter hears of a booking cancelled in the panel or through the API by someone
# else (an admin, an integration); one who cancels their own booking is not told of it.
RECRUITER_CANCELED_KEY = "recruiter_booking_canceled_in_panel"


async def _candidate(
    uow: UnitOfWork, candidate_id: int, city_ids: frozenset[int] | None
) -> Candidate | None:
    candidate = await uow.candidates.get(candidate_id)
    if candidate is None or not in_scope(candidate.city_id, city_ids):
        return None
    return candidate


def _required(field: str, value: str, limit: int) -> str | InvalidField:
    text = value.strip()
    if not text:
        return InvalidField(field, REQUIRED)
    if len(text) > limit:
        return refusal(field, TOO_LONG, limit=limit)
    return text


async def _candidate_and_text(
    uow: UnitOfWork,
    candidate_id: int,
    city_ids: frozenset[int] | None,
    field: str,
    value: str,
    limit: int,
) -> tuple[Candidate, str] | Failure[ActionError]:
    """The candidate, if in scope, and the required text field, trimmed."""
    candidate = await _candidate(uow, candidate_id, city_ids)
    if candidate is None:
        return Failure(NotFound(f"candidate {candidate_id}"))
    checked = _required(field, value, limit)
    if isinstance(checked, InvalidField):
        return Failure(checked)
    return candidate, checked


async def change_status(
    uow: UnitOfWork,
    candidate_id: int,
    status: CandidateStatus,
    reason: str,
    *,
    actor: str,
    tell: Teller,
    admin_user_id: int | None = None,
    city_ids: frozenset[int] | None = None,
) -> Result[StatusChangeRow, ActionError]:
    """Move the candidate to `status`, recording why and who. Commits."""
    found = await _candidate_and_text(uow, candidate_id, city_ids, "reason", reason, MAX_REASON)
    if isinstance(found, Failure):
        return found
    candidate, checked = found
    if candidate.status is status:
        return Failure(InvalidField("status", "reason.candidate.same_status"))
    # The pipeline's one change function writes the history and the audit row (the account is
    # linked from the actor, "admin:<id>").
    change = await move_candidate(
        uow, candidate, status, actor=actor, reason=checked, manual=True, tell=tell
    )
    await uow.commit()  # flushes first: the row read back has its id and time
    kind, name = await actor_name(uow, actor)  # named as the record's history names it
    row = StatusChangeRow.model_validate(change)
    return Success(row.model_copy(update={"actor_kind": kind, "actor_name": name}))


async def cancel_booking(
    uow: UnitOfWork,
    m: Messaging,
    candidate_id: int,
    booking_id: int,
    reason: str,
    *,
    actor: str,
    admin_user_id: int | None = None,
    city_ids: frozenset[int] | None = None,
    acting_recruiter_id: int | None = None,
) -> Result[int, ActionError]:
    """Cancel one of the candidate's active bookings as the recruiters' side does: the slot is
    freed (and offered to the waitlist), its reminders cancelled, the candidate moved back to
    choosing a time and told, with a button to choose another; the slot's recruiter is told too.
    A recruiter (`acting_recruiter_id`) may cancel only bookings of their own slots, and is not
    told of what they did themselves. Commits."""
    candidate = await _candidate(uow, candidate_id, city_ids)
    booking = await uow.bookings.get(booking_id)
    if candidate is None or booking is None or booking.candidate_id != candidate.id:
        return Failure(NotFound(f"booking {booking_id}"))
    slot = await uow.slots.get(booking.slot_id)
    assert slot is not None  # the foreign key guarantees it
    own = slot.recruiter_id == acting_recruiter_id
    if acting_recruiter_id is not None and not own:
        return Failure(NotFound(f"booking {booking_id}"))  # another recruiter's: not theirs to see
    checked = _required("reason", reason, MAX_REASON)
    if isinstance(checked, InvalidField):
        return Failure(checked)
    if booking.status not in ACTIVE_BOOKING_STATUSES:
        return Failure(InvalidField("reason", f"reason.booking.already.{booking.status.value}"))
    before = booking.status
    view = await release_booking(
        uow,
        m,
        candidate,
        booking,
        to=BookingStatus.CANCELED,
        reason=checked,
        actor=actor,
        recruiter_key="" if own else RECRUITER_CANCELED_KEY,
        calendar=False,  # the event's cancellation follows what the candidate is told
    )
    if view is None:  # someone else changed it meanwhile
        return Failure(InvalidField("reason", "reason.booking.changed"))
    buttons = pick_time_button(m.catalog, candidate.locale, booking.purpose.value)
    # The recruiters' desk's own message for a booking it cancels, with the same dedupe key.
    await tell_candidate(uow, m, candidate, booking, CANCELED_KEY, view=view, buttons=buttons)
    await queue_calendar_cancel(uow, m.catalog, m.clock, candidate, booking, held=before)
    uow.audit.record(
        actor=actor,
        admin_user_id=admin_user_id,
        action="cancel",
        entity="booking",
        entity_id=booking.id,
        details={"candidate_id": candidate.id, "from": before.value, "reason": checked},
    )
    await uow.commit()
    return Success(booking.id)

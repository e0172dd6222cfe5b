"""Booking, moving, cancelling and confirming: the use cases every entry point goes through.

The database decides races: of two candidates tapping the same time, the partial unique index
lets exactly one insert through; status changes are conditional updates. Every message a change
causes is queued in the same transaction as the change.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.clock import Clock
from core.enums import (
    ACTIVE_BOOKING_STATUSES,
    BookingStatus,
    CandidateStatus,
    SlotPurpose,
)
from core.errors import AlreadyBooked, AppError, NotFound, SlotTaken, SlotUnavailable
from core.result import Failure, Result, Success
from domain.bookings.calendar_file import calendar_file, calendar_file_name
from domain.bookings.calendar_follow import calendar_buttons, carried_event, queue_calendar_cancel
from domain.bookings.card import queue_card
from domain.bookings.reminders import queue_reminders
from domain.bookings.status import move_booking_status
from domain.bookings.texts import BookingView, booking_text, view_of, view_of_slot
from domain.bookings.waitlist import NoLiveOffer, has_live_offer, offer_freed_slot
from domain.calendars.busy_sources import SlotBusyInCalendar, slot_is_busy
from domain.messaging.outbox import document_payload, queue_message
from domain.messaging.texts import Catalog
from domain.pipeline.status import move_candidate
from domain.scheduling.picker import BookingRules
from domain.scheduling.slots import MAX_DURATION_MINUTES
from storage.dto import BookingDTO
from storage.models import Booking, Candidate, Slot
from storage.uow import UnitOfWork


class _KeepOldBooking(Exception):
    """Rolls back a move whose new slot could not be taken."""


class TooLateToChange(AppError):
    message_key = "error.too_late_to_change"


BookingError = (
    NotFound | SlotTaken | AlreadyBooked | SlotUnavailable | TooLateToChange | NoLiveOffer
)

# Where a candidate goes back to when a booking of each purpose ends without happening.
_BEFORE_BOOKING = {
    SlotPurpose.INTERVIEW: CandidateStatus.SCREENING_PASSED,
    SlotPurpose.INTRO_DAY: CandidateStatus.TEST2_PASSED,
}
_BOOKED_INTERVIEW = (
    CandidateStatus.INTERVIEW_REQUESTED,
    CandidateStatus.INTERVIEW_SCHEDULED,
    CandidateStatus.INTERVIEW_CONFIRMED,
)
# What a candidate holding a booking of each purpose is: what its end takes them back from.
_BOOKED = {
    SlotPurpose.INTERVIEW: _BOOKED_INTERVIEW,
    SlotPurpose.INTRO_DAY: (CandidateStatus.INTRO_DAY_SCHEDULED,),
}


@dataclass(frozen=True)
class Messaging:
    """What the booking use cases need to queue the messages they cause."""

    catalog: Catalog
    clock: Clock
    rules: BookingRules
    privacy_policy_url: str = ""  # linked from the consent text (`domain.privacy.consent`)


async def _slot_check(
    uow: UnitOfWork, candidate: Candidate, slot: Slot | None, m: Messaging
) -> Failure[BookingError] | None:
    if slot is None:
        return Failure(NotFound("slot"))
    if candidate.city_id != slot.city_id:
        return Failure(SlotUnavailable("slot is in another city"))
    if not m.rules.bookable(slot.starts_at, m.clock.now()):
        return Failure(SlotUnavailable("outside the booking window"))
    if slot.withdrawn:
        return Failure(SlotUnavailable("withdrawn by the recruiter"))
    recruiter = await uow.recruiters.get_for_booking(slot.recruiter_id)
    if recruiter is None or not recruiter.active:
        return Failure(SlotUnavailable("recruiter inactive"))
    busy = await _recruiter_busy(uow, slot, candidate.id)
    if busy is not None:
        return busy
    if await uow.bookings.person_busy_during(
        slot,
        telegram_id=candidate.telegram_id,
        besides_candidate=candidate.id,
        longest_minutes=MAX_DURATION_MINUTES,
    ):  # one person, two applications: still in one place at a time
        return Failure(SlotUnavailable("you have another booking at that time"))
    if await slot_is_busy(uow, slot):  # the recruiter's own calendar has something else then
        return Failure(SlotBusyInCalendar(f"slot {slot.id}"))
    return None


async def _recruiter_busy(
    uow: UnitOfWork, slot: Slot, candidate_id: int
) -> Failure[BookingError] | None:
    """One person cannot hold two interviews at once, even where slots overlap (older data).
    The caller holds the recruiter's row, so such changes are decided one at a time."""
    if await uow.bookings.recruiter_busy_during(
        slot, besides_candidate=candidate_id, longest_minutes=MAX_DURATION_MINUTES
    ):
        return Failure(SlotUnavailable("the recruiter has another booking at that time"))
    return None


def _status_after_booking(purpose: SlotPurpose, status: BookingStatus) -> CandidateStatus:
    if purpose is SlotPurpose.INTRO_DAY:
        return CandidateStatus.INTRO_DAY_SCHEDULED
    if status is BookingStatus.PENDING:
        return CandidateStatus.INTERVIEW_REQUESTED
    return CandidateStatus.INTERVIEW_SCHEDULED


async def book_slot(
    uow: UnitOfWork,
    m: Messaging,
    *,
    candidate_id: int,
    slot_id: int,
    actor: str = "candidate",
) -> Result[BookingDTO, BookingError]:
    """Take a free slot for a candidate and commit, or say why not."""
    slot = await uow.slots.get(slot_id)
    candidate = await uow.candidates.get(candidate_id)
    if candidate is None:
        return Failure(NotFound("candidate"))
    refused = await _slot_check(uow, candidate, slot, m)
    if refused is not None:
        return refused
    assert slot is not None
    existing = await uow.bookings.active_for_candidate(candidate_id, slot.purpose)
    if existing is not None:
        return Failure(AlreadyBooked(f"booking {existing.id}"))
    if candidate.status is not _BEFORE_BOOKING[slot.purpose]:
        return Failure(SlotUnavailable(f"not at the booking stage ({candidate.status.value})"))
    city = await uow.slots.get_city(slot)
    status = (
        BookingStatus.PENDING
        if city.requires_approval and slot.purpose is SlotPurpose.INTERVIEW
        else BookingStatus.APPROVED
    )
    booking = await uow.bookings.try_create(slot, candidate_id, status, actor=actor)
    if booking is None:
        if await uow.bookings.active_for_candidate(candidate_id, slot.purpose):
            return Failure(AlreadyBooked("booked concurrently"))
        return Failure(SlotTaken(f"slot {slot_id}"))
    await move_candidate(
        uow, candidate, _status_after_booking(slot.purpose, status), actor=actor, tell=m
    )
    entry = await uow.waitlist.entry_for(candidate.id, slot.purpose)
    if entry is not None:
        await uow.waitlist.delete(entry)
    view = await view_of_slot(uow, slot, booking)
    if status is BookingStatus.APPROVED:
        await queue_reminders(uow, m.catalog, m.clock, candidate, view, m.rules)
    await queue_card(uow, m, booking, slot, candidate)
    await uow.commit()
    return Success(BookingDTO.model_validate(booking))


async def take_offered_slot(
    uow: UnitOfWork, m: Messaging, candidate: Candidate, slot_id: int
) -> Result[BookingDTO, BookingError]:
    """A waiting-list offer taken: a new booking, or a move for someone still on the list who
    joined it while holding a booking they wanted to change. Only a live offer of that slot to
    that candidate can be taken (`has_live_offer`); an old offer tapped after booking another
    way is refused as before (they have a booking), any other is an outdated button."""
    slot = await uow.slots.get(slot_id)
    if slot is None:
        return Failure(NoLiveOffer(f"slot {slot_id}"))
    held = await uow.bookings.active_for_candidate(candidate.id, slot.purpose)
    if not await has_live_offer(uow, candidate, slot):
        if held is not None:
            return Failure(AlreadyBooked(f"booking {held.id}"))
        return Failure(NoLiveOffer(f"slot {slot_id} was not offered to candidate {candidate.id}"))
    if held is not None:
        return await move_booking(uow, m, candidate, held.id, slot_id)
    return await book_slot(uow, m, candidate_id=candidate.id, slot_id=slot_id)


async def approve_booking(
    uow: UnitOfWork, m: Messaging, booking_id: int, *, actor: str
) -> Result[BookingDTO, BookingError]:
    """A recruiter's approval: the candidate gets the details and an .ics, and reminders."""
    booking = await uow.bookings.get(booking_id)
    if booking is None or booking.status is not BookingStatus.PENDING:
        return Failure(NotFound("pending booking"))
    slot = await uow.slots.get(booking.slot_id)
    assert slot is not None
    # Requests on overlapping slots (older data) cannot both be approved: the recruiter chooses.
    await uow.recruiters.get_for_booking(slot.recruiter_id)  # decided one at a time
    busy = await _recruiter_busy(uow, slot, booking.candidate_id)
    if busy is not None:
        return busy
    if not await move_booking_status(uow, booking, BookingStatus.APPROVED, actor=actor):
        return Failure(NotFound("pending booking"))
    candidate = await uow.candidates.get(booking.candidate_id)
    assert candidate is not None
    view = await view_of(uow, booking)
    if booking.replaces_booking_id is not None:
        await _end_replaced(uow, m, candidate, booking, view, actor=actor)
    if candidate.status in (
        CandidateStatus.INTERVIEW_REQUESTED,
        CandidateStatus.INTERVIEW_CONFIRMED,  # confirmed the old time, not yet the new one
    ):
        await move_candidate(
            uow, candidate, CandidateStatus.INTERVIEW_SCHEDULED, actor=actor, tell=m
        )
    await queue_confirmation(uow, m, candidate, view)
    await queue_reminders(uow, m.catalog, m.clock, candidate, view, m.rules)
    await uow.commit()
    return Success(BookingDTO.model_validate(booking))


async def _end_replaced(
    uow: UnitOfWork,
    m: Messaging,
    candidate: Candidate,
    request: Booking,
    view: BookingView,
    *,
    actor: str,
) -> None:
    """An approved move request: the booking it replaces ends ("moved", its reminders with it),
    its recruiter is told, its time offered on; the request becomes the booking held."""
    assert request.replaces_booking_id is not None
    old = await uow.bookings.get(request.replaces_booking_id)
    if old is not None and await _cancel_moved(uow, old, actor=actor):
        old_slot = await uow.slots.get(old.slot_id)
        assert old_slot is not None
        await _tell_recruiter(
            uow,
            m,
            old_slot,
            "recruiter_booking_canceled",
            candidate,
            await view_of(uow, old),
            f"moved:{old.id}",
            reason="→ " + view.values(m.catalog, m.catalog.default_locale)["date"],
        )
        await offer_freed_slot(uow, m.catalog, m.clock, old_slot, m.rules.min_notice)
    await uow.bookings.settle_move(request)


async def _cancel_moved(uow: UnitOfWork, old: Booking, *, actor: str) -> bool:
    if old.status not in ACTIVE_BOOKING_STATUSES:
        return False
    return await move_booking_status(uow, old, BookingStatus.CANCELED, actor=actor, reason="moved")


async def _drop_move_request(
    uow: UnitOfWork, m: Messaging, booking: Booking, *, actor: str, reason: str
) -> None:
    """A booking that ends or moves takes its pending move request with it."""
    request = await uow.bookings.move_request_for(booking.id)
    if request is None:
        return
    if await move_booking_status(uow, request, BookingStatus.CANCELED, actor=actor, reason=reason):
        slot = await uow.slots.get(request.slot_id)
        assert slot is not None
        await offer_freed_slot(uow, m.catalog, m.clock, slot, m.rules.min_notice)


async def move_request(uow: UnitOfWork, booking: Booking) -> Booking | None:
    """The pending request to move this booking to another time, if the candidate made one."""
    return await uow.bookings.move_request_for(booking.id)


async def standing_values(
    uow: UnitOfWork, m: Messaging, request: Booking, locale: str
) -> dict[str, str]:
    """The time a move request would replace, for texts that say it still stands."""
    assert request.replaces_booking_id is not None
    old = await uow.bookings.get(request.replaces_booking_id)
    assert old is not None
    values = (await view_of(uow, old)).values(m.catalog, locale)
    return {"standing_date": values["date"], "standing_time": values["time"]}


async def tell_original_stands(
    uow: UnitOfWork, m: Messaging, candidate: Candidate, request: Booking, key: str
) -> None:
    """A move request that ended without approval: the candidate hears their time stands."""
    view = await view_of(uow, request)
    standing = await standing_values(uow, m, request, candidate.locale)
    await queue_message(
        uow,
        m.clock,
        chat_id=candidate.telegram_id,
        kind=key,
        dedupe_key=f"{key}:{request.id}",
        text=await booking_text(uow, m.catalog, key, candidate.locale, view, **standing),
        candidate_id=candidate.id,
    )


async def queue_confirmation(
    uow: UnitOfWork, m: Messaging, candidate: Candidate, view: BookingView
) -> None:
    locale = candidate.locale
    text = await booking_text(uow, m.catalog, "booking_confirmed", locale, view)
    ics = calendar_file(view, m.catalog, locale, m.clock.now())
    await queue_message(
        uow,
        m.clock,
        chat_id=candidate.telegram_id,
        kind="booking_confirmed",
        dedupe_key=f"booking_confirmed:{view.booking_id}",
        text=text,
        buttons=calendar_buttons(view, m.catalog, locale) or None,
        document=document_payload(calendar_file_name(view), "text/calendar", ics),
        candidate_id=candidate.id,
        booking_id=view.booking_id,
    )


async def _own_active_booking(
    uow: UnitOfWork, candidate: Candidate, booking_id: int
) -> Booking | None:
    booking = await uow.bookings.get(booking_id)
    if (
        booking is None
        or booking.candidate_id != candidate.id
        or booking.status not in ACTIVE_BOOKING_STATUSES
    ):
        return None
    return booking


async def change_allowed(
    uow: UnitOfWork, m: Messaging, candidate: Candidate, booking_id: int
) -> Result[BookingDTO, BookingError]:
    """Whether the candidate may still cancel or move this booking (outside the cut-off)."""
    checked = await _changeable(uow, m, candidate, booking_id)
    if isinstance(checked, Failure):
        return checked
    return Success(BookingDTO.model_validate(checked.value))


async def _changeable(
    uow: UnitOfWork, m: Messaging, candidate: Candidate, booking_id: int
) -> Result[Booking, BookingError]:
    booking = await _own_active_booking(uow, candidate, booking_id)
    if booking is None:
        return Failure(NotFound("booking"))
    if await _too_late(uow, booking, m):
        return Failure(TooLateToChange())
    return Success(booking)


async def _too_late(uow: UnitOfWork, booking: Booking, m: Messaging) -> bool:
    slot = await uow.slots.get(booking.slot_id)
    assert slot is not None
    return slot.starts_at - m.clock.now() < m.rules.change_cutoff


async def release_booking(
    uow: UnitOfWork,
    m: Messaging,
    candidate: Candidate,
    booking: Booking,
    *,
    to: BookingStatus,
    reason: str | None,
    recruiter_key: str = "",
    actor: str = "candidate",
    withdraw: bool = False,
    calendar: bool = True,
) -> BookingView | None:
    """End an active booking, cancel its reminders, offer the slot on (or, with `withdraw`,
    take it off offer for good: its recruiter cannot make it), and (with a `recruiter_key`)
    tell its recruiter (a group event's seat withdrawn: the event is offered and booked no
    more, its other seats kept). A move request ending leaves the booking it
    would replace standing (and the candidate where they are); a booking ending takes its move
    request with it. The candidate sent its event gets the cancelling one (unless `calendar` is
    False: erasure sends nothing). The caller commits."""
    held = booking.status
    if not await move_booking_status(uow, booking, to, actor=actor, reason=reason):
        return None
    if calendar:
        await queue_calendar_cancel(uow, m.catalog, m.clock, candidate, booking, held=held)
    request = booking.replaces_booking_id is not None  # the booking it would replace stands
    if not request:
        await _drop_move_request(uow, m, booking, actor=actor, reason=reason or to.value)
    if not request and candidate.status in _BOOKED[booking.purpose]:
        await move_candidate(
            uow, candidate, _BEFORE_BOOKING[booking.purpose], actor=actor, reason=reason, tell=m
        )
    slot = await uow.slots.get(booking.slot_id)
    assert slot is not None
    view = await view_of(uow, booking)
    if recruiter_key:
        await _tell_recruiter(
            uow, m, slot, recruiter_key, candidate, view, f"{to.value}:{booking.id}", reason=reason
        )
    if withdraw:
        # Given up: offered and booked no more, a group event's other seats kept meanwhile
        # (the recruiter tells their holders, seat by seat or all at once).
        slot.withdrawn = True
        uow.mark_written("slots")
    else:
        await offer_freed_slot(uow, m.catalog, m.clock, slot, m.rules.min_notice)
    return view


async def cancel_booking(
    uow: UnitOfWork, m: Messaging, candidate: Candidate, booking_id: int, reason: str
) -> Result[BookingDTO, BookingError]:
    checked = await _changeable(uow, m, candidate, booking_id)
    if isinstance(checked, Failure):
        return checked
    booking = checked.value
    if (
        await release_booking(
            uow,
            m,
            candidate,
            booking,
            to=BookingStatus.CANCELED,
            reason=reason,
            recruiter_key="recruiter_booking_canceled",
        )
        is None
    ):
        return Failure(NotFound("booking"))
    await uow.commit()
    return Success(BookingDTO.model_validate(booking))


async def move_booking(
    uow: UnitOfWork, m: Messaging, candidate: Candidate, booking_id: int, new_slot_id: int
) -> Result[BookingDTO, BookingError]:
    """Move to another slot; the old one is freed only if the new one is taken. Where the new
    time needs approval and the old one is confirmed, the old one stands until the request is
    approved (`_request_move`)."""
    checked = await _changeable(uow, m, candidate, booking_id)
    if isinstance(checked, Failure):
        return checked
    old = checked.value
    slot = await uow.slots.get(new_slot_id)
    refused = await _slot_check(uow, candidate, slot, m)
    if refused is not None:
        return refused
    assert slot is not None
    if slot.purpose is not old.purpose:
        return Failure(SlotUnavailable("another purpose"))
    if slot.id == old.slot_id:
        return Success(BookingDTO.model_validate(old))
    city = await uow.slots.get_city(slot)
    status = (
        BookingStatus.PENDING
        if city.requires_approval and slot.purpose is SlotPurpose.INTERVIEW
        else BookingStatus.APPROVED
    )
    if status is BookingStatus.PENDING and old.status is not BookingStatus.PENDING:
        return await _request_move(uow, m, candidate, old, slot)
    try:
        async with uow.savepoint():
            await _drop_move_request(uow, m, old, actor="candidate", reason="moved")
            moved = await move_booking_status(
                uow, old, BookingStatus.CANCELED, actor="candidate", reason="moved"
            )
            new = (
                await uow.bookings.try_create(
                    slot, candidate.id, status, actor="candidate", calendar=carried_event(old)
                )
                if moved
                else None
            )
            if new is None:
                raise _KeepOldBooking
    except _KeepOldBooking:
        return Failure(SlotTaken(f"slot {new_slot_id}"))
    await move_candidate(
        uow,
        candidate,
        _status_after_booking(slot.purpose, status),
        actor="candidate",
        reason="moved",
        tell=m,
    )
    view = await view_of_slot(uow, slot, new)
    if status is BookingStatus.APPROVED:
        await queue_reminders(uow, m.catalog, m.clock, candidate, view, m.rules)
    old_slot = await uow.slots.get(old.slot_id)
    assert old_slot is not None
    old_view = await view_of(uow, old)
    await _tell_recruiter(
        uow,
        m,
        old_slot,
        "recruiter_booking_canceled",
        candidate,
        old_view,
        f"moved:{old.id}",
        reason="→ " + view.values(m.catalog, m.catalog.default_locale)["date"],
    )
    entry = await uow.waitlist.entry_for(candidate.id, slot.purpose)
    if entry is not None:  # moved to a time they were waiting for: no more offers
        await uow.waitlist.delete(entry)
    await queue_card(uow, m, new, slot, candidate)
    await offer_freed_slot(uow, m.catalog, m.clock, old_slot, m.rules.min_notice)
    await uow.commit()
    return Success(BookingDTO.model_validate(new))


async def _request_move(
    uow: UnitOfWork, m: Messaging, candidate: Candidate, old: Booking, slot: Slot
) -> Result[BookingDTO, BookingError]:
    """A request to move a confirmed booking: pending beside it (replacing an earlier request),
    the candidate's status and the old time's reminders untouched until the recruiter approves."""
    try:
        async with uow.savepoint():
            await _drop_move_request(uow, m, old, actor="candidate", reason="moved")
            new = await uow.bookings.try_create(
                slot,
                candidate.id,
                BookingStatus.PENDING,
                actor="candidate",
                replaces=old.id,
                calendar=carried_event(old),
            )
            if new is None:
                raise _KeepOldBooking
    except _KeepOldBooking:
        return Failure(SlotTaken(f"slot {slot.id}"))
    entry = await uow.waitlist.entry_for(candidate.id, slot.purpose)
    if entry is not None:  # asked for a time they were waiting for: no more offers
        await uow.waitlist.delete(entry)
    await queue_card(uow, m, new, slot, candidate)
    await uow.commit()
    return Success(BookingDTO.model_validate(new))


async def answer_attendance(
    uow: UnitOfWork, m: Messaging, candidate: Candidate, booking_id: int, *, coming: bool
) -> Result[BookingView, BookingError]:
    """The reminder's "I'm coming" / "I can't" buttons."""
    booking = await _own_active_booking(uow, candidate, booking_id)
    if booking is None or booking.status is BookingStatus.PENDING:
        return Failure(NotFound("approved booking"))
    if coming:
        if booking.status is not BookingStatus.CONFIRMED:
            await move_booking_status(uow, booking, BookingStatus.CONFIRMED, actor="candidate")
            if candidate.status is CandidateStatus.INTERVIEW_SCHEDULED:
                await move_candidate(
                    uow, candidate, CandidateStatus.INTERVIEW_CONFIRMED, actor="candidate", tell=m
                )
            slot = await uow.slots.get(booking.slot_id)
            assert slot is not None
            view = await view_of(uow, booking)
            await _tell_recruiter(
                uow, m, slot, "recruiter_candidate_coming", candidate, view, f"coming:{booking.id}"
            )
        view = await view_of(uow, booking)
    else:
        released = await release_booking(
            uow,
            m,
            candidate,
            booking,
            to=BookingStatus.CANCELED,
            reason="can't come",
            recruiter_key="recruiter_candidate_cant_come",
        )
        if released is None:
            return Failure(NotFound("booking"))
        view = released
    await uow.commit()
    return Success(view)


async def _tell_recruiter(
    uow: UnitOfWork,
    m: Messaging,
    slot: Slot,
    key: str,
    candidate: Candidate,
    view: BookingView,
    dedupe: str,
    **extra: object,
) -> None:
    recruiter = await uow.recruiters.get_dto(slot.recruiter_id)
    if recruiter is None or recruiter.telegram_chat_id is None:
        return
    locale = m.catalog.locale_for(recruiter.locale)
    recruiter_view = BookingView(**{**view.__dict__, "zone": recruiter.timezone})
    text = await booking_text(
        uow,
        m.catalog,
        key,
        locale,
        recruiter_view,
        name=candidate.full_name or candidate.username or str(candidate.telegram_id),
        **extra,
    )
    await queue_message(
        uow,
        m.clock,
        chat_id=recruiter.telegram_chat_id,
        kind=key,
        dedupe_key=f"{key}:{dedupe}",
        text=text,
        booking_id=view.booking_id or None,
        candidate_id=candidate.id,
    )


async def active_booking(uow: UnitOfWork, candidate: Candidate) -> Booking | None:
    """The booking the candidate holds: the intro day's first, else the interview's."""
    for purpose in (SlotPurpose.INTRO_DAY, SlotPurpose.INTERVIEW):
        booking = await uow.bookings.active_for_candidate(candidate.id, purpose)
        if booking is not None:
            return booking
    return None


async def booking_by_id(uow: UnitOfWork, booking_id: int) -> Booking | None:
    return await uow.bookings.get(booking_id)

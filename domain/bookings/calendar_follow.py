"""The candidate's calendar follows their booking: a confirmation carries the event (and links
to save it in Google Calendar or Outlook), a move sends it again under the same UID with a
higher sequence (`carried_event`), and a booking that ends without a replacement sends the
cancelling event (`queue_calendar_cancel`), once, to whoever was sent the event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.clock import Clock
from core.enums import BookingStatus
from domain.bookings.calendar_file import add_to_calendar_links, calendar_file_name, cancel_file
from domain.bookings.texts import BookingView, booking_text, view_of
from domain.messaging.outbox import document_payload, queue_message
from domain.messaging.texts import Catalog
from domain.records import Booking, Candidate
from storage.uow import UnitOfWork

# The statuses in which the candidate has been sent the booking's event (a request has not).
EVENT_SENT = frozenset({BookingStatus.APPROVED, BookingStatus.CONFIRMED})
CANCEL_KIND = "calendar_cancel"
# The cancelling file follows the cancellation the person is answered with in the chat (sent
# after the commit): queued a moment later, it never arrives before it.
AFTER_THE_ANSWER = timedelta(seconds=2)


def carried_event(old: Booking) -> tuple[str, int]:
    """The event a booking that replaces `old` carries on: its UID, the next sequence."""
    return old.calendar_uid, old.calendar_sequence + 1


def calendar_buttons(
    view: BookingView, catalog: Catalog, locale: str
) -> list[list[dict[str, Any]]]:
    """One row of link buttons: the booking ready to save in Google Calendar or Outlook. Only
    for a booking's first event: a copy saved from a link has none of our UID, so after a move
    a second copy would stand beside the first (the .ics moves the event instead)."""
    if view.calendar_sequence > 0:
        return []
    links = add_to_calendar_links(view, catalog, locale)
    return [
        [
            {"text": catalog.text("button.add_to_google", locale), "url": links["google"]},
            {"text": catalog.text("button.add_to_outlook", locale), "url": links["outlook"]},
        ]
    ]


async def queue_calendar_cancel(
    uow: UnitOfWork,
    catalog: Catalog,
    clock: Clock,
    candidate: Candidate,
    booking: Booking,
    *,
    held: BookingStatus,
) -> bool:
    """A booking that was `held` has ended for good: when its event was sent, the candidate gets
    the cancelling one (a sequence above the last sent), with a line saying what it is. The
    caller commits; False when nothing is owed (or it was queued before)."""
    if held not in EVENT_SENT:
        return False
    await uow.bookings.raise_calendar_sequence(booking)
    view = await view_of(uow, booking)
    locale = candidate.locale
    ics = cancel_file(view, catalog, locale, clock.now())
    return await queue_message(
        uow,
        clock,
        chat_id=candidate.telegram_id,
        kind=CANCEL_KIND,
        due_at=clock.now() + AFTER_THE_ANSWER,
        dedupe_key=f"{CANCEL_KIND}:{booking.id}",
        text=await booking_text(uow, catalog, CANCEL_KIND, locale, view),
        document=document_payload(calendar_file_name(view), "text/calendar", ics),
        candidate_id=candidate.id,
        booking_id=booking.id,
    )

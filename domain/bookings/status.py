"""A booking's life as a state machine: every change goes through `move_booking_status`, which
checks the table, makes the change only if nobody made another first (a conditional update),
writes the history and audit rows under the actor, and cancels the booking's queued messages
(reminders, "will you come?") once it stops being active."""

from __future__ import annotations

from core.enums import ACTIVE_BOOKING_STATUSES
from core.enums import BookingStatus as B
from domain.records import Booking
from domain.transitions import TransitionTable
from storage.uow import UnitOfWork

_ENDINGS = frozenset({B.CANCELED, B.DECLINED})
_OUTCOMES = frozenset({B.ATTENDED, B.NO_SHOW})

BOOKING_MOVES: TransitionTable[B] = TransitionTable(
    "booking",
    {
        B.PENDING: frozenset({B.APPROVED, B.EXPIRED, B.ATTENDED}) | _ENDINGS,
        B.APPROVED: frozenset({B.CONFIRMED}) | _ENDINGS | _OUTCOMES,
        B.CONFIRMED: _ENDINGS | _OUTCOMES,
        # Attended, no-show, declined, canceled and expired are final.
    },
)


async def move_booking_status(
    uow: UnitOfWork,
    booking: Booking,
    to_status: B,
    *,
    actor: str,
    reason: str | None = None,
) -> bool:
    """Apply one change, or raise `IllegalTransition`; False when someone else changed the
    booking first (it is then reloaded). The caller commits."""
    BOOKING_MOVES.check(booking.status, to_status)
    if not await uow.bookings.change_status(booking, to_status, actor=actor, reason=reason):
        return False
    if to_status not in ACTIVE_BOOKING_STATUSES:
        await uow.notifications.cancel_pending_for_booking(booking.id)
    return True

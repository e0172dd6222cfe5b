"""What every button on a booking shares: it must be on one of the recruiter's own slots, and a
decision ends with the buttons gone and "done" (or the refusal, from the error router)."""

from __future__ import annotations

from aiogram.utils.callback_answer import CallbackAnswer

from bot.reply import Reply, tell
from core.result import Result
from domain.bookings import desk
from domain.bookings.booking import Messaging
from domain.records import Booking, Candidate, Slot
from storage.dto import RecruiterDTO
from storage.uow import UnitOfWork


async def owned(
    uow: UnitOfWork, recruiter: RecruiterDTO, booking_id: int
) -> tuple[Booking, Slot, Candidate]:
    """The booking with its slot and candidate; someone else's is refused (error router)."""
    found = await desk.own_booking(uow, recruiter, booking_id)
    if found is None:
        raise desk.NotYours(f"booking {booking_id}")
    return found


async def done(
    reply: Reply,
    callback_answer: CallbackAnswer,
    m: Messaging,
    outcome: Result[int, desk.DeskError],
) -> None:
    outcome.unwrap()
    await reply.drop_buttons()
    tell(callback_answer, m.catalog.text("recruiter.done", m.catalog.default_locale))

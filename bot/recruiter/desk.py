"""What every button on a booking shares: it must be on one of the recruiter's own slots; an
outcome ends with the buttons gone and "done", a decision with the card shown in its new state
(or the refusal, from the error router)."""

from __future__ import annotations

from aiogram.utils.callback_answer import CallbackAnswer

from bot.outbox_buttons import keyboard_from_intents
from bot.reply import Reply, tell
from core.result import Result
from domain.bookings import desk
from domain.bookings.booking import Messaging
from domain.bookings.card import recruiter_card
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
    recruiter: RecruiterDTO,
    outcome: Result[int, desk.DeskError],
) -> None:
    outcome.unwrap()
    await reply.drop_buttons()
    tell(callback_answer, m.catalog.text("recruiter.done", m.catalog.locale_for(recruiter.locale)))


async def show_card(
    reply: Reply, uow: UnitOfWork, m: Messaging, recruiter: RecruiterDTO, booking_id: int
) -> None:
    """The pressed message becomes the booking's card as it stands now, with its buttons."""
    booking, _slot, candidate = await owned(uow, recruiter, booking_id)
    text, buttons = await recruiter_card(uow, m.catalog, recruiter, booking, candidate)
    await reply.edit_or_send(text, keyboard_from_intents(buttons) if buttons else None)


async def decided(
    reply: Reply,
    callback_answer: CallbackAnswer,
    uow: UnitOfWork,
    m: Messaging,
    recruiter: RecruiterDTO,
    outcome: Result[int, desk.DeskError],
) -> None:
    """A decision taken: "done", and the card updated to the booking's new state."""
    booking_id = outcome.unwrap()
    await show_card(reply, uow, m, recruiter, booking_id)
    tell(callback_answer, m.catalog.text("recruiter.done", m.catalog.locale_for(recruiter.locale)))

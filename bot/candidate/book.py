"""A time chosen: booked (or the booking moved to it); when it cannot be, the candidate is told
why on the button and shown what they can do now."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot.callbacks import SlotChoice
from bot.candidate.booking import send_booked, show_booking
from bot.candidate.journey import show_step
from bot.candidate.picker import show_recruiters
from bot.filters import IsCandidate
from bot.reply import Reply, tell
from core.enums import SlotPurpose
from core.errors import AlreadyBooked, AppError, SlotTaken
from core.result import Failure
from domain.bookings.booking import Messaging, book_slot, move_booking
from domain.pipeline.journey import reread
from domain.records import Candidate
from domain.scheduling.picker import slot_purpose
from storage.uow import UnitOfWork


async def _refused(
    reply: Reply,
    uow: UnitOfWork,
    m: Messaging,
    candidate: Candidate,
    error: AppError,
    choice: SlotChoice,
) -> None:
    """Where the candidate goes after a refusal: their booking, the recruiters again while
    moving, or wherever they really are."""
    if isinstance(error, AlreadyBooked):
        await show_booking(reply, uow, candidate, m)
    elif isinstance(error, SlotTaken) and choice.move:
        purpose = await slot_purpose(uow, choice.slot_id) or SlotPurpose.INTERVIEW
        await show_recruiters(reply, uow, candidate, m, purpose, choice.move)
    else:
        await show_step(reply, uow, candidate, m)


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(IsCandidate())

    @router.callback_query(SlotChoice.filter())
    async def slot(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: SlotChoice,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        if callback_data.move:
            result = await move_booking(
                uow, messaging, candidate, callback_data.move, callback_data.slot_id
            )
        else:
            result = await book_slot(
                uow, messaging, candidate_id=candidate.id, slot_id=callback_data.slot_id
            )
        if isinstance(result, Failure):
            # Told at once on the button, and shown what is still possible.
            why = messaging.catalog.text(result.error.message_key, candidate.locale)
            tell(callback_answer, why, alert=True)
            await _refused(reply, uow, messaging, candidate, result.error, callback_data)
            return
        await reply.drop_buttons()
        await reread(uow, candidate)
        await send_booked(reply, uow, candidate, messaging, result.value.id)

    return router

"""Choosing a time: recruiter (or any), day, then time, all in the city's zone; then booking."""

from __future__ import annotations

from datetime import date

from aiogram import Bot, Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot.callbacks import DayChoice, RecruiterChoice, SlotChoice
from bot.candidate.journey import (
    send_booked,
    show_booking,
    show_days,
    show_recruiters,
    show_step,
    show_times,
)
from bot.filters import IsCandidate
from bot.reply import Reply, tell
from core.enums import SlotPurpose
from core.errors import AlreadyBooked, SlotTaken
from core.result import Failure
from domain.bookings.booking import Messaging, book_slot, move_booking
from storage.models import Candidate
from storage.uow import UnitOfWork


def _purpose(value: str) -> SlotPurpose | None:
    try:
        return SlotPurpose(value)
    except ValueError:
        return None


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(IsCandidate())

    @router.callback_query(RecruiterChoice.filter())
    async def recruiter(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: RecruiterChoice,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
    ) -> None:
        purpose = _purpose(callback_data.purpose)
        if purpose is None or candidate.city_id is None:
            return
        reply = Reply.to_callback(bot, query)
        if callback_data.recruiter_id < 0:  # refresh, or back to the recruiters
            await show_recruiters(
                reply, uow, candidate, messaging, purpose, callback_data.move, edit=True
            )
        else:
            await show_days(
                reply,
                uow,
                candidate,
                messaging,
                purpose,
                callback_data.recruiter_id,
                callback_data.move,
            )

    @router.callback_query(DayChoice.filter())
    async def day(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: DayChoice,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
    ) -> None:
        purpose = _purpose(callback_data.purpose)
        if purpose is None or candidate.city_id is None or not 1 <= callback_data.day <= 3_652_059:
            return
        await show_times(
            Reply.to_callback(bot, query),
            uow,
            candidate,
            messaging,
            purpose,
            callback_data.recruiter_id,
            date.fromordinal(callback_data.day),
            callback_data.move,
        )

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
            tell(
                callback_answer,
                messaging.catalog.text(result.error.message_key, candidate.locale),
                alert=True,
            )
            if isinstance(result.error, AlreadyBooked):
                await show_booking(reply, uow, candidate, messaging)
            elif isinstance(result.error, SlotTaken) and callback_data.move:
                slot_row = await uow.slots.get(callback_data.slot_id)
                purpose = slot_row.purpose if slot_row else SlotPurpose.INTERVIEW
                await show_recruiters(reply, uow, candidate, messaging, purpose, callback_data.move)
            else:
                # Told at once, and shown what is still free (or wherever they really are).
                await show_step(reply, uow, candidate, messaging)
            return
        await reply.drop_buttons()
        await uow.session.refresh(candidate)
        await send_booked(reply, uow, candidate, messaging, result.value.id)

    return router

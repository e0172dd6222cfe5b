"""No free time: join the waiting list, ask to be contacted, or take a freed time offered."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot.callbacks import WaitlistAction
from bot.candidate.booking import send_booked, show_booking
from bot.candidate.texts import text
from bot.filters import IsCandidate
from bot.reply import Reply, tell_outdated
from core.errors import AlreadyBooked, SlotTaken
from core.result import Failure
from domain.bookings.booking import Messaging, take_offered_slot
from domain.bookings.waitlist import NoLiveOffer, join_waitlist
from domain.pipeline.contact import request_contact
from domain.pipeline.journey import booking_purpose, reread
from domain.records import Candidate
from storage.uow import UnitOfWork


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(IsCandidate())

    @router.callback_query(WaitlistAction.filter(F.action == "join"))
    async def join(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: WaitlistAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
    ) -> None:
        purpose = booking_purpose(candidate)
        if purpose is None or purpose.value != callback_data.purpose:  # not at that stage now
            tell_outdated(callback_answer, messaging.catalog, candidate.locale)
            return
        await join_waitlist(uow, candidate, purpose)
        reply = Reply.to_callback(bot, query)
        await reply.drop_buttons()
        await reply.send(await text(uow, messaging, candidate, "waitlist_joined"))

    @router.callback_query(WaitlistAction.filter(F.action == "contact"))
    async def contact(
        query: CallbackQuery, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        await request_contact(uow, messaging.catalog, messaging.clock, candidate)
        reply = Reply.to_callback(bot, query)
        await reply.drop_buttons()
        await reply.send(await text(uow, messaging, candidate, "contact_requested"))

    @router.callback_query(WaitlistAction.filter(F.action == "take"))
    async def take(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: WaitlistAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
    ) -> None:
        result = await take_offered_slot(uow, messaging, candidate, callback_data.slot_id)
        if isinstance(result, Failure) and isinstance(result.error, NoLiveOffer):
            tell_outdated(callback_answer, messaging.catalog, candidate.locale)
            return
        reply = Reply.to_callback(bot, query)
        await reply.drop_buttons()
        if not isinstance(result, Failure):
            await reread(uow, candidate)
            await send_booked(reply, uow, candidate, messaging, result.value.id)
        elif isinstance(result.error, AlreadyBooked):
            await show_booking(reply, uow, candidate, messaging)
        elif isinstance(result.error, SlotTaken):  # someone else took it first
            await reply.send(await text(uow, messaging, candidate, "waitlist_gone"))
        else:
            key = result.error.message_key
            await reply.send(messaging.catalog.text(key, candidate.locale))

    return router

"""No free time: join the waiting list, ask to be contacted, or take a freed time offered."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import CallbackQuery

from bot.callbacks import WaitlistAction
from bot.candidate.journey import send_booked, show_booking, text
from bot.filters import IsCandidate
from bot.reply import Reply
from core.enums import SlotPurpose
from core.errors import AlreadyBooked, SlotTaken
from core.result import Failure
from domain.bookings.booking import Messaging, take_offered_slot
from domain.bookings.waitlist import join_waitlist, request_contact
from storage.models import Candidate
from storage.uow import UnitOfWork


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(IsCandidate())

    @router.callback_query(WaitlistAction.filter())
    async def act(
        query: CallbackQuery,
        callback_data: WaitlistAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        if callback_data.action == "join":
            purpose = (
                SlotPurpose.INTRO_DAY
                if callback_data.purpose == "intro_day"
                else SlotPurpose.INTERVIEW
            )
            await join_waitlist(uow, candidate, purpose)
            await reply.drop_buttons()
            await reply.send(await text(uow, messaging, candidate, "waitlist_joined"))
        elif callback_data.action == "contact":
            await request_contact(uow, messaging.catalog, messaging.clock, candidate)
            await reply.drop_buttons()
            await reply.send(await text(uow, messaging, candidate, "contact_requested"))
        elif callback_data.action == "take":
            result = await take_offered_slot(uow, messaging, candidate, callback_data.slot_id)
            await reply.drop_buttons()
            if isinstance(result, Failure):
                if isinstance(result.error, AlreadyBooked):
                    await show_booking(reply, uow, candidate, messaging)
                elif isinstance(result.error, SlotTaken):
                    await reply.send(await text(uow, messaging, candidate, "waitlist_gone"))
                else:
                    await reply.send(
                        messaging.catalog.text(result.error.message_key, candidate.locale)
                    )
                return
            await uow.session.refresh(candidate)
            await send_booked(reply, uow, candidate, messaging, result.value.id)

    return router

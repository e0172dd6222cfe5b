"""The reminder's "I'm coming / I can't" buttons; a stale one is told so (the booking has
moved on), and "I can't" offers the free times again."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot.callbacks import Attendance
from bot.candidate.picker import show_recruiters
from bot.candidate.texts import text
from bot.filters import IsCandidate
from bot.reply import Reply, tell
from core.result import Failure
from domain.bookings.booking import Messaging, answer_attendance
from domain.pipeline.journey import reread
from domain.records import Candidate
from storage.uow import UnitOfWork


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(IsCandidate())

    @router.callback_query(Attendance.filter())
    async def answered(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: Attendance,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        result = await answer_attendance(
            uow, messaging, candidate, callback_data.booking_id, coming=callback_data.coming
        )
        if isinstance(result, Failure):
            tell(
                callback_answer,
                messaging.catalog.text("error.outdated_button", candidate.locale),
                alert=True,
            )
            return
        await reply.drop_buttons()
        view = result.value
        if callback_data.coming:
            await reply.send(
                await text(
                    uow, messaging, candidate, "coming_ack", place=view.place(candidate.locale)
                )
            )
        else:
            await reply.send(await text(uow, messaging, candidate, "cant_come_ack"))
            await reread(uow, candidate)
            await show_recruiters(reply, uow, candidate, messaging, view.purpose)

    return router

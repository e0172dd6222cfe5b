"""After the time: did the candidate come, and did they pass? Asked from the agenda's button
and the job's prompt; "came" goes straight on to the result."""

from __future__ import annotations

from dataclasses import replace

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer

from bot.buttons import button
from bot.callbacks import DeskAction
from bot.filters import IsRecruiter
from bot.recruiter.desk import done, owned
from bot.recruiter.texts import say
from bot.reply import Reply, tell
from domain.bookings import desk
from domain.bookings.booking import Messaging
from domain.bookings.texts import view_of
from domain.messaging.texts import Catalog
from domain.records import Candidate
from storage.dto import RecruiterDTO
from storage.uow import UnitOfWork


def _pair(
    catalog: Catalog, locale: str, booking_id: int, *choices: tuple[str, str]
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(catalog.text(key, locale), DeskAction(do=do, booking_id=booking_id))
                for key, do in choices
            ]
        ]
    )


def attendance(catalog: Catalog, locale: str, booking_id: int) -> InlineKeyboardMarkup:
    return _pair(catalog, locale, booking_id, ("button.came", "came"), ("button.no_show", "noshow"))


def result(catalog: Catalog, locale: str, booking_id: int) -> InlineKeyboardMarkup:
    return _pair(
        catalog, locale, booking_id, ("button.passed", "passed"), ("button.not_passed", "failed")
    )


def _name(candidate: Candidate) -> str:
    return candidate.full_name or str(candidate.telegram_id)


async def _ask_result(
    reply: Reply,
    uow: UnitOfWork,
    m: Messaging,
    recruiter: RecruiterDTO,
    candidate: Candidate,
    booking_id: int,
) -> None:
    text = await say(uow, m, recruiter, "result_prompt", name=_name(candidate))
    await reply.send(text, result(m.catalog, m.catalog.locale_for(recruiter.locale), booking_id))


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(IsRecruiter())

    @router.callback_query(DeskAction.filter(F.do == "outcome"))
    async def ask(
        query: CallbackQuery,
        callback_data: DeskAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        booking, _slot, candidate = await owned(uow, recruiter, callback_data.booking_id)
        step = (await desk.outcome_step(uow, messaging, recruiter, booking.id)).unwrap()
        if step == "result":
            await _ask_result(reply, uow, messaging, recruiter, candidate, booking.id)
            return
        view = replace(await view_of(uow, booking), zone=recruiter.timezone)
        values = view.values(messaging.catalog, messaging.catalog.locale_for(recruiter.locale))
        text = await say(
            uow,
            messaging,
            recruiter,
            "attendance_prompt",
            name=_name(candidate),
            date=values["date"],
            time=values["time"],
        )
        await reply.send(
            text,
            attendance(
                messaging.catalog, messaging.catalog.locale_for(recruiter.locale), booking.id
            ),
        )

    @router.callback_query(DeskAction.filter(F.do == "came"))
    async def came(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: DeskAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        booking_id = callback_data.booking_id
        _booking, _slot, candidate = await owned(uow, recruiter, booking_id)
        outcome = await desk.record_attendance(uow, messaging, recruiter, booking_id, came=True)
        outcome.unwrap()
        reply = Reply.to_callback(bot, query)
        await reply.drop_buttons()
        await _ask_result(reply, uow, messaging, recruiter, candidate, booking_id)
        tell(
            callback_answer,
            messaging.catalog.text(
                "recruiter.done", messaging.catalog.locale_for(recruiter.locale)
            ),
        )

    @router.callback_query(DeskAction.filter(F.do == "noshow"))
    async def no_show(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: DeskAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        booking_id = callback_data.booking_id
        outcome = await desk.record_attendance(uow, messaging, recruiter, booking_id, came=False)
        await done(Reply.to_callback(bot, query), callback_answer, messaging, recruiter, outcome)

    @router.callback_query(DeskAction.filter(F.do.in_({"passed", "failed"})))
    async def passed_or_failed(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: DeskAction,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        booking_id = callback_data.booking_id
        outcome = await desk.record_result(
            uow, messaging, recruiter, booking_id, passed=callback_data.do == "passed"
        )
        await done(Reply.to_callback(bot, query), callback_answer, messaging, recruiter, outcome)

    return router

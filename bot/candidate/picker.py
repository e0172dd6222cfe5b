"""Choosing a time: a recruiter (or any), a day, then a time, all in the city's zone.
Each screen falls back to the one before when nothing is left on it."""

from __future__ import annotations

from datetime import date

from aiogram import Bot, Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot.callbacks import DayChoice, RecruiterChoice
from bot.candidate.city_list import show_cities
from bot.candidate.picker_keyboards import (
    day_keyboard,
    no_slots_keyboard,
    recruiter_keyboard,
    time_keyboard,
)
from bot.candidate.texts import text
from bot.filters import IsCandidate
from bot.reply import Reply, tell_outdated
from core.enums import SlotPurpose
from domain.bookings.booking import Messaging
from domain.messaging.dates import day_label
from domain.organisation.places import recruiter_by_id
from domain.pipeline.cities import city_name, city_of
from domain.pipeline.journey import booking_purpose
from domain.records import Candidate
from domain.scheduling.picker import days_of, free_slots, recruiters_with_slots, times_on
from storage.uow import UnitOfWork


async def _city(uow: UnitOfWork, candidate: Candidate) -> tuple[str, str]:
    city = await city_of(uow, candidate)
    return (city_name(city, candidate.locale), city.timezone) if city else ("", "UTC")


async def show_recruiters(
    reply: Reply,
    uow: UnitOfWork,
    candidate: Candidate,
    m: Messaging,
    purpose: SlotPurpose,
    move: int = 0,
    *,
    edit: bool = False,
) -> None:
    if candidate.city_id is None:
        await show_cities(reply, uow, candidate, m)
        return
    city_name, _zone = await _city(uow, candidate)
    slots = await free_slots(uow, candidate.city_id, purpose, m.clock, m.rules)
    locale = candidate.locale
    if not slots:
        body = await text(uow, m, candidate, "no_slots", city=city_name)
        markup = no_slots_keyboard(purpose.value, m.catalog, locale, move)
    else:
        recruiters = await recruiters_with_slots(uow, candidate.city_id, slots)
        body = await text(uow, m, candidate, "choose_recruiter", city=city_name)
        markup = recruiter_keyboard(recruiters, purpose.value, move, m.catalog, locale)
    await reply.show(body, markup, edit=edit)


async def show_days(
    reply: Reply, uow: UnitOfWork, candidate: Candidate, m: Messaging, choice: RecruiterChoice
) -> None:
    purpose, recruiter_id, move = SlotPurpose(choice.purpose), choice.recruiter_id, choice.move
    assert candidate.city_id is not None
    _name, zone = await _city(uow, candidate)
    slots = await free_slots(
        uow, candidate.city_id, purpose, m.clock, m.rules, recruiter_id or None
    )
    if not slots:
        await show_recruiters(reply, uow, candidate, m, purpose, move, edit=True)
        return
    recruiter = await recruiter_by_id(uow, recruiter_id) if recruiter_id else None
    name = recruiter.name if recruiter else None
    body = await text(uow, m, candidate, "choose_day", recruiter=name)
    days = days_of(slots, zone)
    markup = day_keyboard(days, purpose.value, recruiter_id, move, m.catalog, candidate.locale)
    await reply.edit_or_send(body, markup)


async def show_times(
    reply: Reply, uow: UnitOfWork, candidate: Candidate, m: Messaging, choice: DayChoice
) -> None:
    purpose, recruiter_id, move = SlotPurpose(choice.purpose), choice.recruiter_id, choice.move
    day = date.fromordinal(choice.day)
    assert candidate.city_id is not None
    city_name, zone = await _city(uow, candidate)
    free = await free_slots(uow, candidate.city_id, purpose, m.clock, m.rules, recruiter_id or None)
    slots = times_on(free, zone, day)
    if not slots:
        back = RecruiterChoice(purpose=choice.purpose, recruiter_id=recruiter_id, move=move)
        await show_days(reply, uow, candidate, m, back)
        return
    label = day_label(day, candidate.locale)
    body = await text(uow, m, candidate, "choose_time", day=label, city=city_name)
    markup = time_keyboard(
        slots, zone, purpose.value, recruiter_id, day, move, m.catalog, candidate.locale
    )
    await reply.edit_or_send(body, markup)


def _open_to(candidate: Candidate, asked: str) -> bool:
    """Whether the candidate books (or holds) a time of the purpose asked for at their stage: a
    picker of another stage's purpose (an old button, or a forged one) is not theirs to see."""
    purpose = booking_purpose(candidate)
    return purpose is not None and purpose.value == asked and candidate.city_id is not None


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
        if not _open_to(candidate, callback_data.purpose):
            tell_outdated(callback_answer, messaging.catalog, candidate.locale)
            return
        reply = Reply.to_callback(bot, query)
        if callback_data.recruiter_id < 0:  # refresh, or back to the recruiters
            purpose = SlotPurpose(callback_data.purpose)
            move = callback_data.move
            await show_recruiters(reply, uow, candidate, messaging, purpose, move, edit=True)
        else:
            await show_days(reply, uow, candidate, messaging, callback_data)

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
        if not _open_to(candidate, callback_data.purpose):
            tell_outdated(callback_answer, messaging.catalog, candidate.locale)
            return
        await show_times(Reply.to_callback(bot, query), uow, candidate, messaging, callback_data)

    return router

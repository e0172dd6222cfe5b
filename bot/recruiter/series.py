"""A series of slots typed in one line: planned as the panel and the API plan it (no past
times, none beyond the booking horizon, none overlapping the recruiter's slots in any city),
previewed, then confirmed."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.buttons import button
from bot.callbacks import SeriesDecision
from bot.filters import IsRecruiter
from bot.recruiter.new_slot import city_choice
from bot.recruiter.slot_list import moment_label
from bot.recruiter.texts import say
from bot.reply import Reply
from core.result import Failure, Success
from domain.bookings.booking import Messaging
from domain.messaging.texts import Catalog
from domain.pipeline.cities import city_name
from domain.scheduling.series import parse_series
from domain.scheduling.slots import (
    ChatRecruiter,
    NewSeries,
    SeriesPlan,
    cities_served,
    create_series,
    plan_series,
    served_city,
)
from storage.dto import RecruiterDTO
from storage.uow import UnitOfWork


class SeriesInput(StatesGroup):
    waiting_for_line = State()
    waiting_for_confirm = State()


def series_decision(catalog: Catalog, locale: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(catalog.text("button.confirm", locale), SeriesDecision(do="create")),
                button(catalog.text("button.discard", locale), SeriesDecision(do="discard")),
            ]
        ]
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(IsRecruiter())
    router.callback_query.filter(IsRecruiter())

    # a line typed over a preview replaces it
    @router.message(
        StateFilter(SeriesInput.waiting_for_line, SeriesInput.waiting_for_confirm), F.text
    )
    async def series_line(
        message: Message,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
        state: FSMContext,
    ) -> None:
        assert message.text is not None
        data = await state.get_data()
        await take_line(
            Reply.to_message(bot, message),
            uow,
            messaging,
            recruiter,
            state,
            message.text,
            int(data.get("city_id", 0)),
        )

    @router.message(StateFilter(None), F.text.func(lambda text: parse_series(text) is not None))
    async def series_unasked(
        message: Message,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
        state: FSMContext,
    ) -> None:
        """A series typed straight away, before /slots: for the one city, or asks which."""
        assert message.text is not None
        reply = Reply.to_message(bot, message)
        await take_line(reply, uow, messaging, recruiter, state, message.text, 0)

    confirming = StateFilter(SeriesInput.waiting_for_confirm)

    @router.callback_query(SeriesDecision.filter(F.do == "create"), confirming)
    async def create(
        query: CallbackQuery,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
        state: FSMContext,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        data = await state.get_data()
        await state.clear()
        await reply.drop_buttons()
        spec = parse_series(str(data.get("line", "")))
        created = (
            await create_series(
                uow,
                NewSeries(recruiter.id, int(data.get("city_id", 0)), spec),
                now=messaging.clock.now(),
                rules=messaging.rules,
                editor=ChatRecruiter(recruiter.id),
            )
            if spec is not None
            else None
        )
        locale = messaging.catalog.locale_for(recruiter.locale)
        if not isinstance(created, Success):
            await reply.send(messaging.catalog.text("recruiter.series_invalid", locale))
            return
        if created.value == 0:  # every time was taken since the preview
            await reply.send(messaging.catalog.text("recruiter.series_all_taken", locale))
            return
        await reply.send(
            await say(uow, messaging, recruiter, "series_created", count=created.value)
        )

    @router.callback_query(SeriesDecision.filter(), confirming)
    async def discard(
        query: CallbackQuery,
        bot: Bot,
        messaging: Messaging,
        state: FSMContext,
        recruiter: RecruiterDTO,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        await state.clear()
        await reply.drop_buttons()
        locale = messaging.catalog.locale_for(recruiter.locale)
        await reply.send(messaging.catalog.text("recruiter.done", locale))

    return router


async def take_line(
    reply: Reply,
    uow: UnitOfWork,
    messaging: Messaging,
    recruiter: RecruiterDTO,
    state: FSMContext,
    line: str,
    city_id: int,
) -> None:
    """A typed series for a city: previewed and asked to confirm, or why it adds nothing. With
    no city chosen yet (0), the recruiter's one city, or the line waits while they pick one."""
    catalog = messaging.catalog
    locale = catalog.locale_for(recruiter.locale)
    spec = parse_series(line)
    if spec is None:
        await state.set_state(SeriesInput.waiting_for_line)
        await reply.send(catalog.text("recruiter.series_invalid", locale))
        return
    city = await served_city(uow, recruiter, city_id)
    if city is None:
        cities = await cities_served(uow, recruiter)
        if len(cities) != 1:
            await state.set_state(SeriesInput.waiting_for_line)
            await state.update_data(city_id=0, pending=line)
            await reply.send(
                await say(uow, messaging, recruiter, "slot_pick_city"),
                city_choice(cities, locale, series=True),
            )
            return
        city = cities[0]
    await state.set_state(SeriesInput.waiting_for_line)
    await state.update_data(city_id=city.id, pending=None)
    planned = await plan_series(
        uow,
        NewSeries(recruiter.id, city.id, spec),
        now=messaging.clock.now(),
        rules=messaging.rules,
    )
    if isinstance(planned, Failure):
        await reply.send(catalog.text("recruiter.series_invalid", locale))
        return
    fresh, beyond = planned.value.starts, planned.value.beyond_horizon
    if not fresh:
        await reply.send(_nothing_to_add(messaging, locale, planned.value))
        return
    await state.set_state(SeriesInput.waiting_for_confirm)
    await state.update_data(line=line, city_id=city.id)

    def label(moment: datetime) -> str:  # the recruiter's own time, as the whole chat shows it
        return moment_label(moment, recruiter.timezone, locale)

    preview = await say(
        uow,
        messaging,
        recruiter,
        "series_preview",
        count=len(fresh),
        city=city_name(city, locale),
        first=label(fresh[0]),
        last=label(fresh[-1]),
        skipped=planned.value.skipped,
        crowded=planned.value.crowded,
        zone=recruiter.timezone,
    )
    if beyond:  # said first: the preview's template ends with its question
        days = messaging.rules.horizon.days
        key = "recruiter.series_beyond_horizon"
        preview = catalog.text(key, locale, count=beyond, days=days) + "\n\n" + preview
    await reply.send(preview, series_decision(catalog, locale))


def _nothing_to_add(m: Messaging, locale: str, planned: SeriesPlan) -> str:
    """Why a series would add nothing: its times overlap slots, lie beyond the horizon or have
    passed; or there were none (no chosen weekday in the period, or no slot fits the hours)."""
    days, overlapping, beyond = m.rules.horizon.days, planned.skipped, planned.beyond_horizon
    if overlapping and beyond:
        key = "recruiter.series_nothing_to_add"
        return m.catalog.text(key, locale, overlapping=overlapping, beyond=beyond, days=days)
    if beyond:
        return m.catalog.text("recruiter.series_all_beyond_horizon", locale, days=days)
    if overlapping:
        return m.catalog.text("recruiter.series_all_taken", locale)
    key = "recruiter.series_all_past" if planned.past else "recruiter.series_no_days"
    return m.catalog.text(key, locale)

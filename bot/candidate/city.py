"""Choosing the city: buttons (paged), or a typed name matched case-insensitively; then the
screening begins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.callbacks import CityChoice, CityMissing
from bot.candidate.city_list import cities_for, city_keyboard, show_cities
from bot.candidate.screening import show_screening
from bot.candidate.texts import text
from bot.candidate.vacancy_list import announce, show_screening_start, show_vacancy_choice
from bot.filters import AtStage
from bot.reply import Reply
from domain.bookings.booking import Messaging
from domain.pipeline.cities import (
    ask_for_unlisted_city,
    choose_city,
    city_name,
    match_city,
)
from domain.pipeline.journey import Stage
from domain.records import Candidate
from domain.screening import first_test as screening
from domain.vacancies.choosing import settle_after_city
from storage.uow import UnitOfWork


class CityInput(StatesGroup):
    unlisted_name = State()  # after "my city is not here"


async def _chosen(
    reply: Reply,
    uow: UnitOfWork,
    m: Messaging,
    candidate: Candidate,
    city_id: int,
    first: Callable[[], Awaitable[object]] | None = None,
) -> None:
    """`first`: what to tell Telegram before the answer (the pressed buttons taken off). The
    city and the screening it opens are stored in one transaction, before anything is sent."""
    offered = {c.id for c in await cities_for(uow, candidate)}
    city = await choose_city(uow, candidate, city_id, commit=False) if city_id in offered else None
    if city is None:
        if first is not None:
            await first()
        await show_cities(reply, uow, candidate, m)
        return
    # With a city, the application's vacancy is settled (the one open there, or a choice among
    # several, asked before any test is opened, so that the vacancy's own test is the one
    # asked); then the screening's first open question, its test result committed with the city.
    applied, options = await settle_after_city(uow, candidate, m.clock.now())
    step = None if options else await screening.current_step(uow, candidate, m.clock, m.catalog)
    await uow.commit()  # whatever current_step left (nothing, if it committed)
    if first is not None:
        await first()
    chosen = city_name(city, candidate.locale)
    await reply.send(await text(uow, m, candidate, "city_chosen", city=chosen))
    if step is None:
        await show_vacancy_choice(reply, uow, candidate, m, options)
        return
    if applied is not None:
        await announce(reply, uow, m, applied)
    await show_screening(reply, uow, candidate, m, step)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(AtStage(Stage.CITY))
    router.callback_query.filter(AtStage(Stage.CITY))

    @router.callback_query(CityChoice.filter(F.city_id == 0))
    async def turn_page(
        query: CallbackQuery,
        callback_data: CityChoice,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        await show_cities(reply, uow, candidate, messaging, callback_data.page, edit=True)

    @router.callback_query(CityChoice.filter())
    async def pressed(
        query: CallbackQuery,
        callback_data: CityChoice,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
        state: FSMContext,
        raw_state: str | None,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        if raw_state is not None:  # a listed city after "my city is not here": no name awaited
            await state.clear()
        await _chosen(reply, uow, messaging, candidate, callback_data.city_id, reply.drop_buttons)

    @router.callback_query(CityMissing.filter())
    async def not_listed(
        query: CallbackQuery,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
        state: FSMContext,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        await reply.drop_buttons()
        await state.set_state(CityInput.unlisted_name)
        await reply.send(await text(uow, messaging, candidate, "city_missing_ask"))

    @router.message(StateFilter(CityInput.unlisted_name), F.text, ~F.text.startswith("/"))
    async def unlisted_name(
        message: Message,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
        state: FSMContext,
    ) -> None:
        assert message.text is not None
        reply = Reply.to_message(bot, message)
        await state.clear()
        listed = await match_city(uow, message.text[:100], candidate.locale)
        if listed.city is not None:  # a listed city after all: chosen as any (if offered)
            await _chosen(reply, uow, messaging, candidate, listed.city.id)
            return
        city = await ask_for_unlisted_city(
            uow, messaging.catalog, messaging.clock, candidate, message.text
        )
        if city is not None:
            chosen = city_name(city, candidate.locale)
            await reply.send(await text(uow, messaging, candidate, "city_chosen", city=chosen))
            await show_screening_start(reply, uow, candidate, messaging)
            return
        cities = await cities_for(uow, candidate)
        body = await text(
            uow, messaging, candidate, "city_wait_listed", city=candidate.wanted_city or ""
        )
        await reply.send(body, city_keyboard(cities, 0, messaging.catalog, candidate.locale))

    @router.message(F.text)
    async def typed(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        assert message.text is not None
        reply = Reply.to_message(bot, message)
        found = await match_city(uow, message.text[:100], candidate.locale)
        if found.city is not None:
            await _chosen(reply, uow, messaging, candidate, found.city.id)
            return
        cities = await cities_for(uow, candidate)
        body = await text(
            uow,
            messaging,
            candidate,
            "city_not_found",
            typed=message.text[:100],
            suggestions=", ".join(found.suggestions),
        )
        await reply.send(body, city_keyboard(cities, 0, messaging.catalog, candidate.locale))

    return router

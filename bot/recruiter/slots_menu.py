"""`/slots`: add one slot, type a series, or see the coming slots."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.buttons import button
from bot.callbacks import SlotsMenu
from bot.filters import IsRecruiter
from bot.recruiter.new_slot import city_choice, day_choice
from bot.recruiter.series import SeriesInput, take_line
from bot.recruiter.slot_list import show_slots
from bot.recruiter.texts import say
from bot.reply import Reply
from domain.bookings.booking import Messaging
from domain.messaging.texts import Catalog
from domain.pipeline.cities import city_name
from domain.scheduling.slots import cities_served
from storage.dto import RecruiterDTO
from storage.uow import UnitOfWork


def slots_menu(catalog: Catalog, locale: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [button(catalog.text("button.add_slot", locale), SlotsMenu(do="one"))],
            [button(catalog.text("button.add_series", locale), SlotsMenu(do="series"))],
            [button(catalog.text("button.free_slots", locale), SlotsMenu(do="list"))],
        ]
    )


waiting = SeriesInput.waiting_for_line.state


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(IsRecruiter())
    router.callback_query.filter(IsRecruiter())

    @router.message(Command("slots"))
    async def menu(
        message: Message,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        state: FSMContext,
        recruiter: RecruiterDTO,
    ) -> None:
        await state.clear()
        await Reply.to_message(bot, message).send(
            await say(uow, messaging, recruiter, "slots_menu"),
            slots_menu(messaging.catalog, messaging.catalog.locale_for(recruiter.locale)),
        )

    @router.callback_query(SlotsMenu.filter(F.do == "one"))
    async def one(
        query: CallbackQuery,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        cities = await cities_served(uow, recruiter)
        if len(cities) != 1:
            await reply.send(
                await say(uow, messaging, recruiter, "slot_pick_city"),
                city_choice(cities, messaging.catalog.locale_for(recruiter.locale)),
            )
            return
        today = messaging.clock.now().astimezone(ZoneInfo(cities[0].timezone)).date()
        await reply.send(
            await say(uow, messaging, recruiter, "slot_pick_day"),
            day_choice(cities[0].id, today, messaging.catalog.locale_for(recruiter.locale)),
        )

    @router.callback_query(SlotsMenu.filter(F.do == "series"))
    async def series(
        query: CallbackQuery,
        callback_data: SlotsMenu,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
        state: FSMContext,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        pending = (await state.get_data()).get("pending")
        if callback_data.city_id != 0 and pending and await state.get_state() == waiting:
            # a series typed before the city was chosen: previewed for the city now chosen
            await take_line(reply, uow, messaging, recruiter, state, pending, callback_data.city_id)
            return
        cities = await cities_served(uow, recruiter)
        chosen = next((c for c in cities if c.id == callback_data.city_id), None)
        if chosen is None and callback_data.city_id == 0 and len(cities) == 1:
            chosen = cities[0]
        if chosen is None and cities:  # which city is it for? (or a city no longer theirs)
            await reply.send(
                await say(uow, messaging, recruiter, "slot_pick_city"),
                city_choice(cities, messaging.catalog.locale_for(recruiter.locale), series=True),
            )
            return
        await state.set_state(SeriesInput.waiting_for_line)
        await state.update_data(city_id=chosen.id if chosen else 0, pending=None)
        locale = messaging.catalog.locale_for(recruiter.locale)
        city, zone = (city_name(chosen, locale), chosen.timezone) if chosen else ("", "")
        await reply.send(await say(uow, messaging, recruiter, "series_ask", city=city, zone=zone))

    @router.callback_query(SlotsMenu.filter())
    async def coming(
        query: CallbackQuery,
        callback_data: SlotsMenu,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        """The list of coming slots: sent anew from the menu, paged (and back) in place."""
        edit, page = callback_data.do == "page", callback_data.page
        reply = Reply.to_callback(bot, query)
        await show_slots(reply, uow, messaging, recruiter, edit=edit, page=page)

    return router

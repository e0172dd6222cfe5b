"""`/slots`: add one slot with inline pickers, a series typed in one line (preview, then
confirm), and the list of coming slots (delete a free one; cancel a booked one's booking)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.callbacks import SeriesDecision, SlotCreate, SlotDelete, SlotPick, SlotsMenu
from bot.filters import IsRecruiter
from bot.recruiter.new_slot import (
    city_choice,
    day_choice,
    hour_choice,
    minute_choice,
    series_decision,
    slot_list,
    slots_menu,
)
from bot.reply import Reply, tell
from core.result import Failure, Success
from domain.bookings.booking import Messaging
from domain.messaging.dates import day_label, local, time_label
from domain.messaging.texts import render_message
from domain.scheduling.series import parse_series
from domain.scheduling.slots import (
    ChatRecruiter,
    NewSeries,
    create_series,
    create_slot,
    delete_slot,
    plan_series,
)
from storage.dto import CityDTO, RecruiterDTO
from storage.uow import UnitOfWork


def moment_label(moment: datetime, zone: str, locale: str) -> str:
    return f"{day_label(local(moment, zone).date(), locale)} {time_label(moment, zone)}"


class SeriesInput(StatesGroup):
    waiting_for_line = State()
    waiting_for_confirm = State()


async def _cities(uow: UnitOfWork, recruiter: RecruiterDTO) -> list[CityDTO]:
    cities = [await uow.cities.get_dto(city_id) for city_id in recruiter.city_ids]
    return [c for c in cities if c is not None and c.active]


async def _say(uow: UnitOfWork, m: Messaging, key: str, **values: object) -> str:
    return await render_message(uow, m.catalog, key, m.catalog.default_locale, None, **values)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(IsRecruiter())
    router.callback_query.filter(IsRecruiter())

    @router.message(Command("slots"))
    async def menu(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, state: FSMContext
    ) -> None:
        await state.clear()
        await Reply.to_message(bot, message).send(
            await _say(uow, messaging, "slots_menu"), slots_menu(messaging.catalog)
        )

    @router.callback_query(SlotsMenu.filter())
    async def choose(
        query: CallbackQuery,
        callback_data: SlotsMenu,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
        state: FSMContext,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        cities = await _cities(uow, recruiter)
        if callback_data.do == "one":
            if len(cities) == 1:
                zone = ZoneInfo(cities[0].timezone)
                today = messaging.clock.now().astimezone(zone).date()
                await reply.send(
                    await _say(uow, messaging, "slot_pick_day"),
                    day_choice(cities[0].id, today, messaging.catalog.default_locale),
                )
            else:
                await reply.send(await _say(uow, messaging, "slot_pick_city"), city_choice(cities))
        elif callback_data.do == "series":
            chosen = next((c for c in cities if c.id == callback_data.city_id), None)
            if chosen is None and callback_data.city_id == 0 and len(cities) == 1:
                chosen = cities[0]
            if chosen is None and cities:  # which city is it for? (or a city no longer theirs)
                await reply.send(
                    await _say(uow, messaging, "slot_pick_city"), city_choice(cities, series=True)
                )
                return
            await state.set_state(SeriesInput.waiting_for_line)
            await state.update_data(city_id=chosen.id if chosen else 0)
            await reply.send(await _say(uow, messaging, "series_ask"))
        else:
            await _list(reply, uow, messaging, recruiter)

    @router.callback_query(SlotPick.filter())
    async def pick(
        query: CallbackQuery,
        callback_data: SlotPick,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        city = await uow.cities.get_dto(callback_data.city_id)
        if city is None or city.id not in recruiter.city_ids:
            return
        locale = messaging.catalog.default_locale
        if callback_data.day == 0:
            today = messaging.clock.now().astimezone(ZoneInfo(city.timezone)).date()
            await reply.edit_or_send(
                await _say(uow, messaging, "slot_pick_day"), day_choice(city.id, today, locale)
            )
        elif callback_data.hour < 0:
            day = date.fromordinal(callback_data.day)
            await reply.edit_or_send(
                await _say(uow, messaging, "slot_pick_time", day=day_label(day, locale)),
                hour_choice(city.id, callback_data.day),
            )
        else:
            day = date.fromordinal(callback_data.day)
            await reply.edit_or_send(
                await _say(uow, messaging, "slot_pick_time", day=day_label(day, locale)),
                minute_choice(city.id, callback_data.day, callback_data.hour),
            )

    @router.callback_query(SlotCreate.filter())
    async def create_one(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: SlotCreate,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        city = await uow.cities.get_dto(callback_data.city_id)
        if (
            city is None
            or city.id not in recruiter.city_ids
            or not 0 <= callback_data.hour <= 23
            or callback_data.minute not in (0, 15, 30, 45)
        ):
            return
        moment = datetime.combine(
            date.fromordinal(callback_data.day),
            time(callback_data.hour, callback_data.minute),
            tzinfo=ZoneInfo(city.timezone),
        ).astimezone(UTC)
        created = await create_slot(
            uow,
            recruiter_id=recruiter.id,
            city_id=city.id,
            starts_at=moment,
            now=messaging.clock.now(),
            editor=ChatRecruiter(recruiter.id),
        )
        if isinstance(created, Failure):
            if moment <= messaging.clock.now():
                return  # a picker left open past its time: nothing to add
            tell(
                callback_answer,
                messaging.catalog.text("recruiter.slot_exists", messaging.catalog.default_locale),
                alert=True,
            )
            return
        locale = messaging.catalog.default_locale
        await reply.edit_or_send(
            await _say(
                uow,
                messaging,
                "slot_created",
                day=day_label(local(moment, city.timezone).date(), locale),
                time=time_label(moment, city.timezone),
                city=city.name,
            )
        )

    @router.message(StateFilter(SeriesInput.waiting_for_line), F.text)
    async def series_line(
        message: Message,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
        state: FSMContext,
    ) -> None:
        assert message.text is not None
        reply = Reply.to_message(bot, message)
        spec = parse_series(message.text)
        data = await state.get_data()
        city = await uow.cities.get_dto(int(data.get("city_id", 0)))
        locale = messaging.catalog.default_locale
        if spec is None or city is None:
            await reply.send(messaging.catalog.text("recruiter.series_invalid", locale))
            return
        # The same plan as the panel's and the API's: no past times, none overlapping a slot
        # the recruiter has in any city.
        planned = await plan_series(
            uow, NewSeries(recruiter.id, city.id, spec), now=messaging.clock.now()
        )
        if isinstance(planned, Failure):
            await reply.send(messaging.catalog.text("recruiter.series_invalid", locale))
            return
        fresh, skipped = planned.value.starts, planned.value.skipped
        if not fresh:
            key = "recruiter.series_all_taken" if skipped else "recruiter.series_invalid"
            await reply.send(messaging.catalog.text(key, locale))
            return
        await state.set_state(SeriesInput.waiting_for_confirm)
        await state.update_data(line=message.text, city_id=city.id)

        def label(moment: datetime) -> str:
            return moment_label(moment, city.timezone, locale)

        await reply.send(
            await _say(
                uow,
                messaging,
                "series_preview",
                count=len(fresh),
                city=city.name,
                first=label(fresh[0]),
                last=label(fresh[-1]),
                skipped=skipped,
            ),
            series_decision(messaging.catalog),
        )

    @router.callback_query(SeriesDecision.filter(), StateFilter(SeriesInput.waiting_for_confirm))
    async def series_decided(
        query: CallbackQuery,
        callback_data: SeriesDecision,
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
        if callback_data.do != "create":
            await reply.send(
                messaging.catalog.text("recruiter.done", messaging.catalog.default_locale)
            )
            return
        spec = parse_series(str(data.get("line", "")))
        created = (
            await create_series(
                uow,
                NewSeries(recruiter.id, int(data.get("city_id", 0)), spec),
                now=messaging.clock.now(),
                editor=ChatRecruiter(recruiter.id),
            )
            if spec is not None
            else None
        )
        if not isinstance(created, Success):
            await reply.send(
                messaging.catalog.text("recruiter.series_invalid", messaging.catalog.default_locale)
            )
            return
        await reply.send(await _say(uow, messaging, "series_created", count=created.value))

    @router.callback_query(SlotDelete.filter())
    async def delete(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: SlotDelete,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        slot = await uow.slots.get(callback_data.slot_id)
        locale = messaging.catalog.default_locale
        if slot is None or slot.recruiter_id != recruiter.id:
            tell(callback_answer, messaging.catalog.text("recruiter.not_yours", locale), alert=True)
            return
        if not await uow.slots.is_free(slot.id):
            tell(
                callback_answer, messaging.catalog.text("recruiter.slot_booked", locale), alert=True
            )
            return
        deleted = await delete_slot(
            uow, slot.id, now=messaging.clock.now(), editor=ChatRecruiter(recruiter.id)
        )
        if isinstance(deleted, Failure):  # booked or begun a moment ago
            tell(
                callback_answer, messaging.catalog.text("recruiter.slot_booked", locale), alert=True
            )
            return
        tell(callback_answer, await _say(uow, messaging, "slot_deleted"))
        await _list(Reply.to_callback(bot, query), uow, messaging, recruiter, edit=True)

    return router


async def _list(
    reply: Reply, uow: UnitOfWork, m: Messaging, recruiter: RecruiterDTO, *, edit: bool = False
) -> None:
    locale = m.catalog.default_locale
    now = m.clock.now()
    rows = await uow.slots.of_recruiter_between(recruiter.id, now, now + timedelta(days=14))
    items: list[tuple[str, int | None, int | None]] = []
    for slot, booking_id, candidate_name, zone in rows:
        label = moment_label(slot.starts_at, zone, locale)
        if slot.withdrawn:  # given up ("I cannot make it"): offered to no one; 🗑 frees the time
            label += " · " + m.catalog.text("recruiter.withdrawn_mark", locale)
        if booking_id is None:
            items.append((label, slot.id, None))
        else:
            items.append((f"{label} · {candidate_name}", None, booking_id))
    key = "free_slots" if items else "free_slots_empty"
    text = await _say(uow, m, key)
    markup = slot_list(items, m.catalog) if items else None
    await reply.show(text, markup, edit=edit)

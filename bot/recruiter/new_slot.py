"""One new slot from pickers: the city (when the recruiter has several), the day, the hour,
the minute; refused when it overlaps another of the recruiter's slots or has passed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup

from bot.buttons import button
from bot.callbacks import SlotCreate, SlotPick, SlotsMenu
from bot.filters import IsRecruiter
from bot.recruiter.attendees import seats_button
from bot.recruiter.texts import say
from bot.reply import Reply
from domain.bookings.booking import Messaging
from domain.messaging.dates import day_label, local, time_label
from domain.pipeline.cities import city_name
from domain.scheduling.slots import ChatRecruiter, create_slot, served_city
from storage.dto import CityDTO, RecruiterDTO
from storage.uow import UnitOfWork


def city_choice(
    cities: Sequence[CityDTO], locale: str, *, series: bool = False
) -> InlineKeyboardMarkup:
    """A button per city, named in the recruiter's `locale`: to pick one slot's day in it, or
    (`series`) to type a series for it."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(
                    city_name(c, locale),
                    SlotsMenu(do="series", city_id=c.id) if series else SlotPick(city_id=c.id),
                )
            ]
            for c in cities
        ]
    )


def day_choice(city_id: int, today: date, locale: str, days: int = 14) -> InlineKeyboardMarkup:
    buttons = [
        button(
            day_label(today + timedelta(days=i), locale),
            SlotPick(city_id=city_id, day=(today + timedelta(days=i)).toordinal()),
        )
        for i in range(days)
    ]
    return InlineKeyboardMarkup(
        inline_keyboard=[buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    )


def hour_choice(city_id: int, day: int) -> InlineKeyboardMarkup:
    buttons = [
        button(f"{h:02d}:…", SlotPick(city_id=city_id, day=day, hour=h)) for h in range(8, 21)
    ]
    return InlineKeyboardMarkup(
        inline_keyboard=[buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    )


def minute_choice(city_id: int, day: int, hour: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(
                    f"{hour:02d}:{m:02d}", SlotCreate(city_id=city_id, day=day, hour=hour, minute=m)
                )
                for m in (0, 15, 30, 45)
            ]
        ]
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(IsRecruiter())

    @router.callback_query(SlotPick.filter())
    async def pick(
        query: CallbackQuery,
        callback_data: SlotPick,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        city = await served_city(uow, recruiter, callback_data.city_id)
        if city is None:
            return
        reply = Reply.to_callback(bot, query)
        locale = messaging.catalog.locale_for(recruiter.locale)
        if callback_data.day == 0:
            today = messaging.clock.now().astimezone(ZoneInfo(city.timezone)).date()
            await reply.edit_or_send(
                await say(uow, messaging, recruiter, "slot_pick_day"),
                day_choice(city.id, today, locale),
            )
            return
        day = day_label(date.fromordinal(callback_data.day), locale)
        markup = (
            hour_choice(city.id, callback_data.day)
            if callback_data.hour < 0
            else minute_choice(city.id, callback_data.day, callback_data.hour)
        )
        text = await say(
            uow,
            messaging,
            recruiter,
            "slot_pick_time",
            day=day,
            city=city_name(city, locale),
            zone=city.timezone,
        )
        await reply.edit_or_send(text, markup)

    @router.callback_query(SlotCreate.filter())
    async def create_one(
        query: CallbackQuery,
        callback_data: SlotCreate,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        city = await served_city(uow, recruiter, callback_data.city_id)
        hour, minute = callback_data.hour, callback_data.minute
        if city is None or not 0 <= hour <= 23 or minute not in (0, 15, 30, 45):
            return
        moment = datetime.combine(
            date.fromordinal(callback_data.day), time(hour, minute), tzinfo=ZoneInfo(city.timezone)
        ).astimezone(UTC)
        now = messaging.clock.now()
        created = await create_slot(
            uow,
            recruiter_id=recruiter.id,
            city_id=city.id,
            starts_at=moment,
            now=now,
            rules=messaging.rules,
            editor=ChatRecruiter(recruiter.id),
        )
        slot = created.unwrap()  # in the past, beyond the horizon or overlapping: bot/errors.py
        locale = messaging.catalog.locale_for(recruiter.locale)
        text = await say(
            uow,
            messaging,
            recruiter,
            "slot_created",
            day=day_label(local(moment, recruiter.timezone).date(), locale),
            time=time_label(moment, recruiter.timezone),
            zone=recruiter.timezone,  # the recruiter's own time, as the whole chat shows it
            city=city_name(city, locale),
        )
        # One seat (an interview) unless the recruiter sets more (an intro day, a group event).
        markup = seats_button(messaging, recruiter, slot)
        await Reply.to_callback(bot, query).edit_or_send(text, markup)

    return router

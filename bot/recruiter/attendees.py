"""A group event's attendees in the recruiter's chat (from a booking's card or the coming slots):
who holds a seat and how it stands, came / no-show per person, one message to all of them, and
the slot's seats (offered too when a slot is added)."""

from __future__ import annotations

import html

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.buttons import button
from bot.callbacks import SlotAttendees
from bot.filters import IsRecruiter
from bot.recruiter.slot_list import moment_label
from bot.reply import Reply, tell
from core.enums import BookingStatus
from core.errors import InvalidField
from core.result import Failure
from domain.bookings import desk
from domain.bookings.attendees import (
    NOBODY,
    Attendee,
    attendees,
    change_seats,
    message_attendees,
)
from domain.bookings.booking import Messaging
from domain.conversations.replies import MAX_REPLY
from domain.pipeline.cities import city_name
from domain.records import Slot
from domain.scheduling.capacity import seats_taken
from domain.scheduling.slots import ChatRecruiter, NotYourSlot, served_city, visible_slot
from storage.dto import RecruiterDTO
from storage.uow import UnitOfWork

SEAT_CHOICES = (1, 5, 10, 15, 20, 30, 50)
_MARKABLE = (BookingStatus.APPROVED, BookingStatus.CONFIRMED)


class AttendeesInput(StatesGroup):
    message = State()  # the text for every attendee of slot `slot_id`


def _say(m: Messaging, recruiter: RecruiterDTO, key: str, **values: object) -> str:
    safe = {k: html.escape(v, quote=False) if isinstance(v, str) else v for k, v in values.items()}
    return m.catalog.text(key, m.catalog.locale_for(recruiter.locale), **safe)


async def own_slot(uow: UnitOfWork, recruiter: RecruiterDTO, slot_id: int) -> Slot:
    slot = await visible_slot(uow, slot_id, recruiter.id)
    if slot is None:
        raise NotYourSlot(f"slot {slot_id}")
    return slot


def seats_choice(slot_id: int) -> InlineKeyboardMarkup:
    buttons = [
        button(str(n), SlotAttendees(slot_id=slot_id, do="seats", seats=n)) for n in SEAT_CHOICES
    ]
    return InlineKeyboardMarkup(inline_keyboard=[buttons[:4], buttons[4:]])


def seats_button(m: Messaging, recruiter: RecruiterDTO, slot: Slot) -> InlineKeyboardMarkup:
    """Under "slot created": the seats it has, to change them."""
    label = _say(m, recruiter, "button.seats", count=slot.capacity)
    return InlineKeyboardMarkup(
        inline_keyboard=[[button(label, SlotAttendees(slot_id=slot.id, do="seats"))]]
    )


def _keyboard(
    m: Messaging, recruiter: RecruiterDTO, slot: Slot, people: list[Attendee], begun: bool
) -> InlineKeyboardMarkup:
    rows = []
    came, missed = _say(m, recruiter, "button.came"), _say(m, recruiter, "button.no_show")
    for person in people:
        if begun and person.status in _MARKABLE:
            mark = {"slot_id": slot.id, "booking_id": person.booking_id}
            rows.append(
                [
                    button(f"{person.seat}. {came}", SlotAttendees(do="came", **mark)),
                    button(f"{person.seat}. {missed}", SlotAttendees(do="noshow", **mark)),
                ]
            )
    rows.append(
        [
            button(
                _say(m, recruiter, "button.message_all"),
                SlotAttendees(slot_id=slot.id, do="message"),
            ),
            button(
                _say(m, recruiter, "button.seats", count=slot.capacity),
                SlotAttendees(slot_id=slot.id, do="seats"),
            ),
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def attendees_view(
    uow: UnitOfWork, m: Messaging, recruiter: RecruiterDTO, slot: Slot
) -> tuple[str, InlineKeyboardMarkup]:
    locale = m.catalog.locale_for(recruiter.locale)
    city = await served_city(uow, recruiter, slot.city_id)
    people = await attendees(uow, slot.id)
    lines = [
        _say(
            m,
            recruiter,
            "attendees.title",
            when=moment_label(slot.starts_at, recruiter.timezone, locale),
            city=city_name(city, locale) if city is not None else "",
            taken=await seats_taken(uow, slot.id),
            capacity=slot.capacity,
        ),
        "",
    ]
    for person in people:
        status = m.catalog.text(f"booking_status.{person.status.value}", locale)
        lines.append(
            _say(m, recruiter, "attendees.line", seat=person.seat, status=status, name=person.name)
        )
    if not people:
        lines.append(_say(m, recruiter, "attendees.none"))
    begun = slot.starts_at <= m.clock.now()
    return "\n".join(lines), _keyboard(m, recruiter, slot, people, begun)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(IsRecruiter())
    router.callback_query.filter(IsRecruiter())

    @router.callback_query(SlotAttendees.filter(F.do == "list"))
    async def listed(
        query: CallbackQuery,
        callback_data: SlotAttendees,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        slot = await own_slot(uow, recruiter, callback_data.slot_id)
        text, markup = await attendees_view(uow, messaging, recruiter, slot)
        await Reply.to_callback(bot, query).send(text, markup)

    @router.callback_query(SlotAttendees.filter(F.do.in_({"came", "noshow"})))
    async def marked(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: SlotAttendees,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        slot = await own_slot(uow, recruiter, callback_data.slot_id)
        came = callback_data.do == "came"
        outcome = await desk.record_attendance(
            uow, messaging, recruiter, callback_data.booking_id, came=came
        )
        outcome.unwrap()  # not theirs, not begun, marked already: said by bot/errors.py
        tell(callback_answer, _say(messaging, recruiter, "recruiter.done"))
        text, markup = await attendees_view(uow, messaging, recruiter, slot)
        await Reply.to_callback(bot, query).edit_or_send(text, markup)

    @router.callback_query(SlotAttendees.filter(F.do == "seats"))
    async def seats(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: SlotAttendees,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
    ) -> None:
        slot = await own_slot(uow, recruiter, callback_data.slot_id)
        reply = Reply.to_callback(bot, query)
        if callback_data.seats == 0:  # asked: how many
            markup = seats_choice(slot.id)
            await reply.edit_or_send(_say(messaging, recruiter, "attendees.seats_ask"), markup)
            return
        actor = ChatRecruiter(recruiter.id).actor
        changed = await change_seats(uow, messaging, slot, callback_data.seats, actor=actor)
        changed.unwrap()  # fewer than taken: said by bot/errors.py
        tell(
            callback_answer, _say(messaging, recruiter, "attendees.seats_set", count=slot.capacity)
        )
        text, markup = await attendees_view(uow, messaging, recruiter, slot)
        await reply.edit_or_send(text, markup)

    @router.callback_query(SlotAttendees.filter(F.do == "message"))
    async def ask_message(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        callback_data: SlotAttendees,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
        state: FSMContext,
    ) -> None:
        slot = await own_slot(uow, recruiter, callback_data.slot_id)
        count = await seats_taken(uow, slot.id)
        if count == 0:
            tell(callback_answer, _say(messaging, recruiter, "attendees.nobody"), alert=True)
            return
        text = _say(messaging, recruiter, "attendees.message_ask", count=count)
        await Reply.to_callback(bot, query).send(text)
        await state.set_state(AttendeesInput.message)
        await state.update_data(slot_id=slot.id)

    @router.message(StateFilter(AttendeesInput.message))
    async def written(
        message: Message,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
        state: FSMContext,
    ) -> None:
        if message.text is not None and message.text.startswith("/"):
            await state.clear()  # a command (/cancel among them): the recruiter moved on
            raise SkipHandler
        slot_id = int((await state.get_data()).get("slot_id", 0))
        await state.clear()  # before it goes: a failure after it is queued must not send twice
        slot = await own_slot(uow, recruiter, slot_id)
        reply = Reply.to_message(bot, message)
        sent = await message_attendees(
            uow,
            messaging.catalog,
            messaging.clock,
            slot,
            message.text or "",
            actor=ChatRecruiter(recruiter.id).actor,
        )
        if isinstance(sent, Failure):
            if isinstance(sent.error, InvalidField) and sent.error.reason == NOBODY:
                await reply.send(_say(messaging, recruiter, "attendees.nobody"))
                return
            await reply.send(
                _say(messaging, recruiter, "attendees.message_invalid", limit=MAX_REPLY)
            )
            await state.set_state(AttendeesInput.message)  # asked to write it again
            await state.update_data(slot_id=slot.id)
            return
        done = sent.value
        text = _say(messaging, recruiter, "attendees.message_sent", sent=done.sent)
        if done.unreachable:
            text += "\n" + _say(
                messaging, recruiter, "attendees.message_unreachable", count=done.unreachable
            )
        await reply.send(text)

    return router

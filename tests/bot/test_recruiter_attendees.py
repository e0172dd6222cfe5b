"""A group event's attendees in the recruiter's chat: the list from the coming slots (and the
card), came / no-show per person, one message to all of them, and the slot's seats.

Boris lives in Samara (UTC+4) and serves Kazan (UTC+3). The clock stands at Tue 1 Dec 09:00 UTC."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import select

from bot.callbacks import SlotAttendees, SlotDelete, SlotsMenu
from core.clock import FrozenClock
from core.enums import BookingStatus, CandidateStatus, SlotPurpose
from domain.bookings.booking import Messaging
from domain.bookings.jobs import queue_attendance_prompts, queue_daily_digests
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from storage.models import Booking, Notification, Slot
from tests.bot.conftest import BotHarness
from tests.support.bot import text_update
from tests.support.callbacks import press
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

BORIS = 502
NAMES = ["Ann Lee", "Bob Ray", "Cy Po"]


async def _event(harness: BotHarness, starts_in: timedelta) -> tuple[int, list[int], list[int]]:
    """An intro day of Boris's with 5 seats, 3 of them held: its id, the bookings, the people."""
    async with harness.storage.uow() as uow:
        kazan = await make_city(uow, "Kazan")
        boris = await make_recruiter(
            uow, kazan, name="Boris", telegram_chat_id=BORIS, timezone="Europe/Samara"
        )
        slot = await make_slot(uow, boris, kazan, NOW + starts_in, SlotPurpose.INTRO_DAY, 5)
        bookings, people = [], []
        for seat, name in enumerate(NAMES, start=1):
            person = await make_candidate(
                uow, kazan, full_name=name, status=CandidateStatus.INTRO_DAY_SCHEDULED
            )
            booking = uow.bookings.add(
                Booking(
                    slot_id=slot.id,
                    candidate_id=person.id,
                    seat=seat,
                    purpose=SlotPurpose.INTRO_DAY,
                    status=BookingStatus.APPROVED,
                )
            )
            await uow.session.flush()
            bookings.append(booking.id)
            people.append(person.id)
        await uow.commit()
        return slot.id, bookings, people


async def _feed(harness: BotHarness, update: object) -> SendMessage | EditMessageText:
    await harness.dispatcher.feed_update(harness.bot, update)  # type: ignore[arg-type]
    shown = [r for r in harness.session.requests if isinstance(r, SendMessage | EditMessageText)]
    return shown[-1]


def _buttons(shown: SendMessage | EditMessageText) -> list[tuple[str, str]]:
    markup = shown.reply_markup
    assert isinstance(markup, InlineKeyboardMarkup)
    return [(b.text, b.callback_data or "") for row in markup.inline_keyboard for b in row]


async def _statuses(harness: BotHarness) -> list[BookingStatus]:
    async with harness.storage.uow() as uow:
        stmt = select(Booking.status).order_by(Booking.seat)
        return list((await uow.session.scalars(stmt)).all())


async def test_the_coming_slots_open_an_events_attendees(harness: BotHarness) -> None:
    slot, _bookings, _people = await _event(harness, timedelta(days=1))
    listed = await _feed(harness, press(SlotsMenu(do="list").pack(), user_id=BORIS))
    ((label, data),) = _buttons(listed)
    assert label.startswith("👥") and label.endswith("· 3/5")
    assert data == SlotAttendees(slot_id=slot).pack()
    shown = await _feed(harness, press(data, user_id=BORIS))
    assert "Занято мест: 3 из 5" in shown.text
    assert all(name in shown.text for name in NAMES)
    labels = [text for text, _ in _buttons(shown)]
    assert labels == ["✉ Написать всем", "🪑 Мест: 5"]  # not begun: nothing to mark yet


async def test_an_event_nobody_has_booked_can_be_deleted_from_the_list(
    harness: BotHarness,
) -> None:
    slot, bookings, _people = await _event(harness, timedelta(days=1))
    async with harness.storage.uow() as uow:
        for booking_id in bookings:
            row = await uow.bookings.get(booking_id)
            assert row is not None
            assert await uow.bookings.change_status(row, BookingStatus.CANCELED, actor="test")
        await uow.commit()
    listed = await _feed(harness, press(SlotsMenu(do="list").pack(), user_id=BORIS))
    (attendees, delete) = _buttons(listed)
    assert attendees[0].startswith("👥") and attendees[0].endswith("· 0/5")
    assert delete[1] == SlotDelete(slot_id=slot, page=0).pack()


async def test_attendance_is_marked_per_person_in_the_list(harness: BotHarness) -> None:
    slot, bookings, _people = await _event(harness, -timedelta(hours=1))
    shown = await _feed(harness, press(SlotAttendees(slot_id=slot).pack(), user_id=BORIS))
    assert len(_buttons(shown)) == 2 * 3 + 2  # came and no-show for each of the three
    for booking in bookings[:2]:
        came = SlotAttendees(slot_id=slot, do="came", booking_id=booking).pack()
        await _feed(harness, press(came, user_id=BORIS))
    missed = SlotAttendees(slot_id=slot, do="noshow", booking_id=bookings[2]).pack()
    shown = await _feed(harness, press(missed, user_id=BORIS))
    assert await _statuses(harness) == [
        BookingStatus.ATTENDED,
        BookingStatus.ATTENDED,
        BookingStatus.NO_SHOW,
    ]
    assert len(_buttons(shown)) == 2  # nobody left to mark


async def test_one_message_reaches_every_attendee(harness: BotHarness) -> None:
    slot, _bookings, people = await _event(harness, timedelta(days=1))
    asked = await _feed(
        harness, press(SlotAttendees(slot_id=slot, do="message").pack(), user_id=BORIS)
    )
    assert "(3)" in asked.text
    sent = await _feed(harness, text_update("Bring a pen", user_id=BORIS, language_code="ru"))
    assert "Отправлено участникам: 3" in sent.text
    async with harness.storage.uow() as uow:
        stmt = select(Notification.candidate_id, Notification.payload).where(
            Notification.kind == "panel_message"
        )
        rows = (await uow.session.execute(stmt)).all()
        actions = [e.action for e in await uow.audit.list(limit=20) if e.entity == "slot"]
    assert sorted(c for c, _ in rows) == people
    assert all("Bring a pen" in payload["text"] for _, payload in rows)
    assert actions == ["message_attendees"]


async def test_seats_never_go_below_those_taken(harness: BotHarness) -> None:
    slot, _bookings, _people = await _event(harness, timedelta(days=1))
    fewer = SlotAttendees(slot_id=slot, do="seats", seats=1).pack()
    await harness.dispatcher.feed_update(harness.bot, press(fewer, user_id=BORIS))
    answers = [r for r in harness.session.requests if isinstance(r, AnswerCallbackQuery)]
    refused = answers[-1].text or ""
    assert "Занято мест: 3" in refused and "уменьшить" in refused
    await _feed(
        harness, press(SlotAttendees(slot_id=slot, do="seats", seats=10).pack(), user_id=BORIS)
    )
    async with harness.storage.uow() as uow:
        row = await uow.session.get(Slot, slot)
        assert row is not None and row.capacity == 10


async def test_today_and_the_digest_show_an_event_as_one_line(harness: BotHarness) -> None:
    slot, _bookings, _people = await _event(harness, timedelta(hours=3))
    shown = await _feed(harness, text_update("/today", user_id=BORIS, language_code="ru"))
    assert "записано 3 из 5" in shown.text
    assert not any(name in shown.text for name in NAMES)
    ((label, data),) = _buttons(shown)
    assert label.startswith("👥 Участники") and data == SlotAttendees(slot_id=slot).pack()
    later = Messaging(Catalog.load("ru"), FrozenClock(NOW), BookingRules())
    assert await queue_daily_digests(harness.storage.uow, later) == 1
    async with harness.storage.uow() as uow:
        digest = await uow.session.scalar(
            select(Notification.payload).where(Notification.kind == "daily_digest")
        )
    assert digest is not None and "👥" in digest["text"] and "записано 3 из 5" in digest["text"]


async def test_an_event_over_asks_who_came_once_with_its_attendees(harness: BotHarness) -> None:
    """Three seats held: one "who came?" for the event, its list a tap away, not three."""
    slot, _bookings, _people = await _event(harness, -timedelta(days=1))
    m = Messaging(Catalog.load("ru"), FrozenClock(NOW), BookingRules())
    assert await queue_attendance_prompts(harness.storage.uow, m) == 1
    assert await queue_attendance_prompts(harness.storage.uow, m) == 0  # once
    async with harness.storage.uow() as uow:
        stmt = select(Notification).where(Notification.kind == "attendance_prompt")
        (prompt,) = (await uow.session.scalars(stmt)).all()
    assert "ещё не отмечено мест — 3" in prompt.payload["text"]
    ((button,),) = prompt.payload["buttons"]
    assert (button["action"], button["slot_id"]) == ("attendees", slot)

"""Issue 20, part 1: the candidate's calendar follows the booking. The booking's event (one UID)
comes with the confirmation, comes again with a higher SEQUENCE and the new time after a move,
and is cancelled (METHOD:CANCEL) when the booking ends without a replacement, whoever ends it;
an approved move request does not cancel the old time's event, it updates it. Confirmations
carry "Add to Google Calendar" and "Outlook" link buttons. Every file is read with icalendar
and with vobject, which must agree."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import vobject
from icalendar import Calendar
from sqlalchemy import select

from core.result import Success
from domain.bookings import desk
from domain.bookings.booking import approve_booking
from domain.bookings.calendar_follow import AFTER_THE_ANSWER
from domain.pipeline.actions import cancel_booking
from storage.models import Booking
from tests.e2e.chat import Chat, Message
from tests.e2e.conftest import RunningApp
from tests.e2e.journey import (
    SAYS,
    book_first_time,
    linked_recruiter,
    screened,
    to_times,
    wait_for_text,
)
from tests.support.waiting import eventually

SAVE = {
    "en": ["Add to Google Calendar", "Outlook"],
    "ru": ["Добавить в Google Календарь", "Outlook"],
}
REMOVE = {"en": "Open the file below to remove it", "ru": "чтобы удалить событие из календаря"}


class Event:
    """One .ics the candidate got, as icalendar and vobject both read it."""

    def __init__(self, ics: bytes) -> None:
        calendar = Calendar.from_ical(ics)
        (event,) = calendar.walk("VEVENT")
        parsed = vobject.readOne(ics.decode())
        self.method = str(calendar["method"])
        self.uid = str(event["uid"])
        self.sequence = int(event["sequence"])
        self.starts_at = event.decoded("dtstart").astimezone(UTC)
        self.status = str(event["status"])
        assert parsed.method.value == self.method
        assert parsed.vevent.uid.value == self.uid
        assert int(parsed.vevent.sequence.value) == self.sequence
        assert parsed.vevent.dtstart.value.astimezone(UTC) == self.starts_at
        assert parsed.vevent.status.value == self.status


async def _events(app: RunningApp, chat: Chat) -> list[Event]:
    """Every .ics in the chat, oldest first."""
    found = []
    for message in await chat.bot_messages():
        if message.get("document"):
            async with app.http.get(f"{app.url}/sandbox/{message['document']['url']}") as got:
                found.append(Event(await got.read()))
    return found


async def _events_count(app: RunningApp, chat: Chat, count: int) -> list[Event]:
    """Wait until the chat holds `count` .ics files (the outbox sends some); return them."""

    async def arrived() -> bool:
        documents = [m for m in await chat.bot_messages() if m.get("document")]
        return len(documents) >= count

    await eventually(arrived, f"{count} calendar files in the chat")
    return await _events(app, chat)


async def _bookings(app: RunningApp) -> list[Booking]:
    async with app.app.uow_factory() as uow:
        return list((await uow.session.scalars(select(Booking).order_by(Booking.id))).all())


async def _starts_at(app: RunningApp, booking: Booking) -> datetime:
    async with app.app.uow_factory() as uow:
        slot = await uow.slots.get(booking.slot_id)
        assert slot is not None
        return slot.starts_at


def _links(message: Message) -> dict[str, str]:
    return {b["text"]: b["url"] for row in message["buttons"] for b in row if b.get("url")}


def _assert_saving_buttons(message: Message, locale: str) -> None:
    links = _links(message)
    google, outlook = SAVE[locale]
    assert links[google].startswith("https://calendar.google.com/calendar/render?")
    assert links[outlook].startswith("https://outlook.live.com/calendar/")


async def _cancelled_in_chat(chat: Chat, locale: str) -> None:
    says = SAYS[locale]
    await chat.say("/mybooking")
    await chat.navigate(says["cancel"])
    await chat.press(says["reason"], expect=2)


@pytest.mark.parametrize("locale", ["en", "ru"])
async def test_book_move_cancel_the_calendar_follows(running_app: RunningApp, locale: str) -> None:
    says = SAYS[locale]
    chat = await screened(running_app, locale)
    confirmation, _ics = await book_first_time(chat, locale)
    assert [b["text"] for b in confirmation["buttons"][0]] == [says["my_booking"]]
    _assert_saving_buttons(confirmation, locale)
    (first,) = await _events(running_app, chat)
    (old,) = await _bookings(running_app)
    assert (first.method, first.sequence) == ("PUBLISH", 0)
    assert first.starts_at == await _starts_at(running_app, old)

    await chat.say("/mybooking")
    await chat.press(says["move"], expect=2)
    times = await to_times(chat, locale)
    moved, _ics = await chat.press(times["buttons"][0][1]["text"], expect=2)
    # No links after a move: a copy saved from one would stay at the old time (the .ics, with
    # the event's UID, moves it instead).
    assert _links(moved) == {}
    _, new = await _bookings(running_app)
    first, second = await _events(running_app, chat)
    assert (second.method, second.uid, second.sequence) == ("PUBLISH", first.uid, 1)
    assert second.starts_at == await _starts_at(running_app, new) != first.starts_at

    before = len(await chat.bot_messages())
    await _cancelled_in_chat(chat, locale)
    running_app.clock.advance(AFTER_THE_ANSWER)  # the file waits its moment after the answer
    await running_app.deliver_outbox()
    note = await wait_for_text(chat, REMOVE[locale], after=before)
    _, _, cancel = await _events_count(running_app, chat, 3)
    assert (cancel.method, cancel.status, cancel.uid) == ("CANCEL", "CANCELLED", first.uid)
    assert cancel.sequence >= 2
    assert cancel.starts_at == second.starts_at
    messages = await chat.bot_messages()
    canceled_at = next(
        i for i, m in enumerate(messages) if (m["text"] or "").startswith(says["canceled"])
    )
    assert canceled_at < messages.index(note)  # the file comes after the cancellation
    await running_app.deliver_outbox()  # sent once
    assert len(await _events(running_app, chat)) == 3


async def _recruiter_cancels_on_the_desk(app: RunningApp, booking: Booking) -> None:
    async with app.app.uow_factory() as uow:
        slot = await uow.slots.get(booking.slot_id)
        assert slot is not None
        recruiter = await uow.recruiters.get_dto(slot.recruiter_id)
        assert recruiter is not None
        done = await desk.cancel(uow, app.app.messaging, recruiter, booking.id, "ill")
    assert isinstance(done, Success)


async def _cancelled_in_the_panel(app: RunningApp, booking: Booking) -> None:
    async with app.app.uow_factory() as uow:
        done = await cancel_booking(
            uow, app.app.messaging, booking.candidate_id, booking.id, "ill", actor="admin:1"
        )
    assert isinstance(done, Success)


@pytest.mark.parametrize("path", [_recruiter_cancels_on_the_desk, _cancelled_in_the_panel])
async def test_a_recruiters_cancel_cancels_the_event(running_app: RunningApp, path: Any) -> None:
    chat = await screened(running_app, "en")
    await book_first_time(chat, "en")
    (booked,) = await _events(running_app, chat)
    (booking,) = await _bookings(running_app)
    before = len(await chat.bot_messages())
    await path(running_app, booking)
    running_app.clock.advance(AFTER_THE_ANSWER)
    await running_app.deliver_outbox()
    await wait_for_text(chat, REMOVE["en"], after=before)
    _, cancel = await _events_count(running_app, chat, 2)
    assert (cancel.method, cancel.uid) == ("CANCEL", booked.uid)
    assert cancel.sequence > booked.sequence


async def test_an_approved_move_request_updates_the_event_it_does_not_cancel_it(
    running_app: RunningApp,
) -> None:
    says = SAYS["en"]
    await linked_recruiter(running_app)
    chat = await screened(running_app, "en", city="Москва")
    await book_first_time(chat, "en", expect=1)
    (old,) = await _bookings(running_app)
    async with running_app.app.uow_factory() as uow:
        assert isinstance(
            await approve_booking(uow, running_app.app.messaging, old.id, actor="system"), Success
        )
    before = len(await chat.bot_messages())
    await running_app.deliver_outbox()
    confirmed = await wait_for_text(chat, says["confirmed"], after=before)
    _assert_saving_buttons(confirmed, "en")
    (first,) = await _events_count(running_app, chat, 1)
    assert (first.method, first.sequence) == ("PUBLISH", 0)

    await chat.say("/mybooking")
    await chat.press(says["move"], expect=2)
    times = await to_times(chat, "en")
    await chat.press(times["buttons"][0][1]["text"], expect=1)
    _, request = await _bookings(running_app)
    async with running_app.app.uow_factory() as uow:
        assert isinstance(
            await approve_booking(uow, running_app.app.messaging, request.id, actor="system"),
            Success,
        )
    before = len(await chat.bot_messages())
    await running_app.deliver_outbox()
    await wait_for_text(chat, says["confirmed"], after=before)
    first, second = await _events_count(running_app, chat, 2)
    assert (second.method, second.uid, second.sequence) == ("PUBLISH", first.uid, 1)
    assert second.starts_at == await _starts_at(running_app, request) != first.starts_at
    await running_app.deliver_outbox()
    assert [e.method for e in await _events(running_app, chat)] == ["PUBLISH", "PUBLISH"]
    assert not any(REMOVE["en"] in (m["text"] or "") for m in await chat.bot_messages())

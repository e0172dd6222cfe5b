"""Forged buttons (issue 16.7): a button's data is the user's to write, so every action it
asks for must be open to that user at that moment, not merely well-formed. Each forged or
outdated press gets the outdated-button answer and changes nothing; ids beyond the database's
columns in a button's data get the same answer, never an exception. Fed through the real
dispatcher, on SQLite and on PostgreSQL."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import EditMessageText
from aiogram.types import Update
from sqlalchemy import func, select

from bot.callbacks import DeskAction, RecruiterChoice, WaitlistAction
from bot.factory import create_bot, create_dispatcher
from core.clock import FrozenClock
from core.enums import BookingStatus, CandidateStatus, SlotPurpose
from domain.bookings.booking import Messaging
from domain.bookings.waitlist import offer_freed_slot
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from storage.models import Booking, WaitlistEntry
from tests.conftest import Storage
from tests.support.bot import RecordingSession
from tests.support.callbacks import answers, press
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

CANDIDATE = 7_001
RECRUITER = 7_002
OUTDATED = {Catalog.load("ru").text("error.outdated_button", lang) for lang in ("ru", "en")}


@dataclass
class Chat:
    dispatcher: Dispatcher
    bot: Bot
    session: RecordingSession
    storage: Storage
    messaging: Messaging

    async def press(self, data: str, user_id: int) -> None:
        await self.feed(press(data, user_id=user_id))

    async def feed(self, update: Update) -> None:
        await self.dispatcher.feed_update(self.bot, update)

    def last_answer(self) -> str | None:
        return answers(self.session)[-1].text


@pytest.fixture
def chat(storage: Storage) -> Chat:
    session = RecordingSession()
    bot = create_bot("42:TEST", session=session)
    messaging = Messaging(Catalog.load("ru"), FrozenClock(NOW), BookingRules())
    dispatcher = create_dispatcher(
        uow_factory=storage.uow, cache=storage.cache, messaging=messaging
    )
    return Chat(dispatcher, bot, session, storage, messaging)


@dataclass
class World:
    city_id: int
    slot_id: int  # free, bookable, in the candidate's city
    intro_slot_id: int  # an intro day's, free
    candidate_id: int
    booking_id: int  # someone else's pending booking, on the linked recruiter's slot


async def _world(chat: Chat, status: CandidateStatus = CandidateStatus.SCREENING_PASSED) -> World:
    async with chat.storage.uow() as uow:
        city = await make_city(uow, requires_approval=True)
        recruiter = await make_recruiter(uow, city, telegram_chat_id=RECRUITER, active=True)
        free = await make_slot(uow, recruiter, city, NOW + timedelta(days=1))
        intro = await make_slot(
            uow, recruiter, city, NOW + timedelta(days=2), purpose=SlotPurpose.INTRO_DAY
        )
        held = await make_slot(uow, recruiter, city, NOW + timedelta(days=3))
        person = await make_candidate(uow, city, telegram_id=CANDIDATE, status=status)
        other = await make_candidate(uow, city, status=CandidateStatus.INTERVIEW_REQUESTED)
        booking = await uow.bookings.try_create(held, other.id, BookingStatus.PENDING, actor="t")
        assert booking is not None
        await uow.commit()
        return World(city.id, free.id, intro.id, person.id, booking.id)


async def _bookings_of(chat: Chat, candidate_id: int) -> int:
    async with chat.storage.uow() as uow:
        stmt = select(func.count()).select_from(Booking).where(Booking.candidate_id == candidate_id)
        return int(await uow.session.scalar(stmt) or 0)


# --- the waiting list's "take it" -----------------------------------------------------------


async def test_a_forged_take_button_books_nothing(chat: Chat) -> None:
    """The probe's case: `wl:take` with any free slot's id in the candidate's city."""
    world = await _world(chat)
    await chat.press(WaitlistAction(action="take", slot_id=world.slot_id).pack(), CANDIDATE)
    assert await _bookings_of(chat, world.candidate_id) == 0
    assert chat.last_answer() in OUTDATED
    assert chat.session.sent() == []


async def test_a_take_button_for_a_slot_offered_to_someone_else_books_nothing(
    chat: Chat,
) -> None:
    world = await _world(chat)
    async with chat.storage.uow() as uow:  # the candidate waits, but this slot was not offered
        uow.waitlist.add(
            WaitlistEntry(
                candidate_id=world.candidate_id,
                city_id=world.city_id,
                purpose=SlotPurpose.INTERVIEW,
            )
        )
        await uow.commit()
    await chat.press(WaitlistAction(action="take", slot_id=world.slot_id).pack(), CANDIDATE)
    assert await _bookings_of(chat, world.candidate_id) == 0
    assert chat.last_answer() in OUTDATED


async def test_a_live_offer_is_taken(chat: Chat) -> None:
    world = await _world(chat)
    async with chat.storage.uow() as uow:
        uow.waitlist.add(
            WaitlistEntry(
                candidate_id=world.candidate_id,
                city_id=world.city_id,
                purpose=SlotPurpose.INTERVIEW,
            )
        )
        await uow.commit()
    async with chat.storage.uow() as uow:
        slot = await uow.slots.get(world.slot_id)
        assert slot is not None
        m = chat.messaging
        assert await offer_freed_slot(uow, m.catalog, m.clock, slot, m.rules.min_notice) == 1
        await uow.commit()
    await chat.press(WaitlistAction(action="take", slot_id=world.slot_id).pack(), CANDIDATE)
    assert await _bookings_of(chat, world.candidate_id) == 1


# --- buttons of a stage the candidate is not at ----------------------------------------------


async def test_the_intro_day_picker_is_not_open_at_the_interview_stage(chat: Chat) -> None:
    await _world(chat)
    data = RecruiterChoice(purpose="intro_day", recruiter_id=0).pack()
    await chat.press(data, CANDIDATE)
    assert chat.last_answer() in OUTDATED
    assert chat.session.sent() == []  # no intro-day times shown


async def test_joining_the_intro_day_waiting_list_is_not_open_at_the_interview_stage(
    chat: Chat,
) -> None:
    world = await _world(chat)
    await chat.press(WaitlistAction(action="join", purpose="intro_day").pack(), CANDIDATE)
    assert chat.last_answer() in OUTDATED
    async with chat.storage.uow() as uow:
        entry = await uow.waitlist.entry_for(world.candidate_id, SlotPurpose.INTRO_DAY)
    assert entry is None


async def test_a_forged_reject_reason_rejects_nobody(chat: Chat) -> None:
    world = await _world(chat)
    data = DeskAction(do="reject_reason", booking_id=world.booking_id, reason="made_up").pack()
    await chat.press(data, RECRUITER)
    assert chat.last_answer() in OUTDATED
    async with chat.storage.uow() as uow:
        booking = await uow.bookings.get(world.booking_id)
    assert booking is not None and booking.status is BookingStatus.PENDING


async def test_a_candidate_cannot_cancel_someone_elses_booking(chat: Chat) -> None:
    world = await _world(chat)
    for action in ("cancel", "move", "keep"):
        await chat.press(f"bk:{action}:{world.booking_id}:", CANDIDATE)
        assert answers(chat.session)[-1].show_alert  # refused on the button
    await chat.press(f"bk:reason:{world.booking_id}:other", CANDIDATE)
    await chat.press(f"at:{world.booking_id}:0", CANDIDATE)
    await chat.press(f"ss:{world.slot_id}:{world.booking_id}", CANDIDATE)  # "move" theirs
    async with chat.storage.uow() as uow:
        booking = await uow.bookings.get(world.booking_id)
    assert booking is not None and booking.status is BookingStatus.PENDING
    assert await _bookings_of(chat, world.candidate_id) == 0


# --- ids beyond the database's columns ------------------------------------------------------

HUGE = (2**31, 2**63, 2**64)
CANDIDATE_DATA = [
    "wl:take:interview:{n}",
    "bk:cancel:{n}:",
    "bk:reason:{n}:other",
    "at:{n}:1",
    "ss:{n}:0",
    "ss:1:{n}",
    "sr:interview:{n}:0",
    "sr:interview:0:{n}",
    "sd:interview:{n}:739000:0",
    "sd:interview:0:{n}:0",
    "qa:{n}:yes",
    "t2:{n}:a",
]
RECRUITER_DATA = [
    "ra:approve:{n}:",
    "ra:open:{n}:",
    "ra:outcome:{n}:",
    "ra:came:{n}:",
    "rd:{n}:1:0",
    "rd:1:0:{n}",
    "rm:page:0:{n}",
    "rm:series:{n}:0",
    "rp:{n}:0:-1",
    "rp:1:{n}:-1",
    "rp:1:739000:{n}",
    "rn:{n}:739000:10:0",
    "rn:1:{n}:10:0",
]


@pytest.mark.parametrize("n", HUGE)
async def test_huge_ids_in_a_buttons_data_are_an_outdated_button(
    chat: Chat, n: int, caplog: pytest.LogCaptureFixture
) -> None:
    await _world(chat, CandidateStatus.INTERVIEW_REQUESTED)
    pressed = [(d, CANDIDATE) for d in CANDIDATE_DATA] + [(d, RECRUITER) for d in RECRUITER_DATA]
    for template, user in pressed:
        data = template.format(n=n)
        with caplog.at_level(logging.ERROR):
            await chat.press(data, user)
        assert chat.last_answer() in OUTDATED, data
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert chat.session.sent() == []  # no apology for an error, nothing shown


async def test_a_forged_page_far_past_the_end_is_one_step_not_thousands(chat: Chat) -> None:
    """`rm:page:<n>` on a list that emptied goes back, never page by page from n."""
    await _world(chat)
    await chat.press("rm:page:0:10000", RECRUITER)
    # the list's first page, shown in place: one read back and one edit, not 10,000 of them
    edits = [r for r in chat.session.requests if isinstance(r, EditMessageText)]
    assert len(edits) == 1

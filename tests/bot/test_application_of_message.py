"""A button pressed on, or a reply to, a message the bot sent for one of the person's
applications acts on that application, even after another became current (a link to another
vacancy): the reminder's "I'm coming", a waiting-list offer, test 2's invitation and a reply to
the recruiter's words work on the application they were sent for, which becomes current again.
A button of the current application switches nothing."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.methods import SendMessage
from aiogram.types import CallbackQuery, Chat, InlineKeyboardMarkup, Message, Update, User
from sqlalchemy import select

from bot import callbacks
from bot.callbacks import Attendance, WaitlistAction
from core.clock import FrozenClock
from core.enums import BookingStatus, CandidateStatus, QuestionKind, SlotPurpose, TestKind
from core.send_rate import SendRate
from domain.bookings.booking import Messaging
from domain.bookings.reminders import queue_reminders
from domain.bookings.texts import view_of
from domain.bookings.waitlist import offer_freed_slot
from domain.conversations.replies import send_reply
from domain.messaging.texts import Catalog
from domain.pipeline.status import invite_to_test2
from domain.scheduling.picker import BookingRules
from scheduler.outbox_delivery import OutboxDelivery
from storage.models import (
    Booking,
    Candidate,
    InboundMessage,
    Test,
    TestQuestion,
    WaitlistEntry,
)
from tests.bot.conftest import BotHarness
from tests.support.bot import bot_message, message_update, text_update
from tests.support.callbacks import answers
from tests.support.factories import (
    NOW,
    make_candidate,
    make_city,
    make_recruiter,
    make_slot,
    make_vacancy,
)

ANN = 7_300
BOOKED_WITH = 611  # the recruiter of Ann's booking for the cook's vacancy
COLLEAGUE = 612  # another recruiter of Kazan
_ids = itertools.count(3_000_000)  # clear of the other helpers' update ids


@dataclass
class Person:
    cook: int  # Ann's application for the cook's vacancy (current at first)
    barista_vacancy: int
    recruiter: int
    kazan: int


async def _person(harness: BotHarness, *, status: CandidateStatus) -> Person:
    """Ann applied for the cook's vacancy in Kazan; a barista's vacancy is open there too."""
    async with harness.storage.uow() as uow:
        kazan = await make_city(uow, "Kazan")
        olga = await make_recruiter(uow, kazan, name="Olga", telegram_chat_id=BOOKED_WITH)
        await make_recruiter(uow, kazan, name="Pavel", telegram_chat_id=COLLEAGUE)
        cook = await make_vacancy(uow, kazan, title="Cook", slug="cook")
        barista = await make_vacancy(uow, kazan, title="Barista", slug="barista")
        ann = await make_candidate(
            uow, kazan, telegram_id=ANN, full_name="Ann Lee", status=status, vacancy_id=cook.id
        )
        await uow.commit()
        return Person(ann.id, barista.id, olga.id, kazan.id)


async def _book(harness: BotHarness, person: Person) -> int:
    """An approved interview of the cook's application, its reminders queued. The booking."""
    async with harness.storage.uow() as uow:
        olga = await uow.recruiters.get(person.recruiter)
        kazan = await uow.cities.get(person.kazan)
        assert olga is not None and kazan is not None
        # At a time of the test's own: the factory's default moves with the tests run before.
        slot = await make_slot(uow, olga, kazan, NOW + timedelta(days=1))
        booking = uow.bookings.add(
            Booking(
                slot_id=slot.id,
                candidate_id=person.cook,
                purpose=SlotPurpose.INTERVIEW,
                status=BookingStatus.APPROVED,
            )
        )
        await uow.session.flush()
        ann = await uow.candidates.get(person.cook)
        assert ann is not None
        await queue_reminders(
            uow,
            Catalog.load("ru"),
            FrozenClock(NOW),
            ann,
            await view_of(uow, booking),
            BookingRules(),
        )
        await uow.commit()
        return booking.id


async def _feed(harness: BotHarness, update: Update) -> None:
    await harness.dispatcher.feed_update(harness.bot, update)


async def _apply_to_barista(harness: BotHarness, person: Person) -> None:
    """Ann opens the barista's link: that application becomes the current one."""
    await _feed(harness, text_update(f"/start v{person.barista_vacancy}_hh", user_id=ANN))
    cook, barista = await _applications(harness)
    assert (cook.is_current, barista.is_current) == (False, True)


async def _deliver(harness: BotHarness, at: Any = NOW) -> None:
    worker = OutboxDelivery(harness.storage.uow, harness.bot, FrozenClock(at), SendRate(10**6, 0))
    while await worker.deliver_due():
        pass


def _sent_with(harness: BotHarness, prefix: str) -> int:
    """The Telegram message id of the last message to Ann with a button whose data starts so."""
    found = None
    for index, request in enumerate(harness.session.requests):
        if not isinstance(request, SendMessage) or int(request.chat_id) != ANN:
            continue
        markup = request.reply_markup
        if isinstance(markup, InlineKeyboardMarkup) and any(
            (b.callback_data or "").startswith(prefix)
            for row in markup.inline_keyboard
            for b in row
        ):
            found = index + 1  # the recording session's message ids
    assert found is not None, f"no message with a {prefix} button"
    return found


def _press_on(message_id: int, data: CallbackData) -> Update:
    """Ann pressing a button carrying `data` on the bot's message `message_id`."""
    user = User(id=ANN, is_bot=False, first_name="Ann", language_code="en")
    message = Message(message_id=message_id, date=NOW, chat=Chat(id=ANN, type="private"), text="…")
    query = CallbackQuery(
        id=str(next(_ids)), from_user=user, chat_instance="t", message=message, data=data.pack()
    )
    return Update(update_id=next(_ids), callback_query=query)


async def _applications(harness: BotHarness) -> list[Candidate]:
    async with harness.storage.uow() as uow:
        stmt = select(Candidate).where(Candidate.telegram_id == ANN).order_by(Candidate.id)
        return list((await uow.session.scalars(stmt)).all())


async def _bookings(harness: BotHarness) -> list[Booking]:
    async with harness.storage.uow() as uow:
        return list((await uow.session.scalars(select(Booking).order_by(Booking.id))).all())


def _texts_to(harness: BotHarness, chat: int) -> list[str]:
    return [str(m.text) for m in harness.session.sent() if int(m.chat_id) == chat]


async def test_the_reminders_button_of_an_earlier_application_answers_for_its_booking(
    harness: BotHarness,
) -> None:
    person = await _person(harness, status=CandidateStatus.INTERVIEW_SCHEDULED)
    booking_id = await _book(harness, person)
    await _apply_to_barista(harness, person)
    slot_starts = NOW + timedelta(days=1)
    await _deliver(harness, at=slot_starts - timedelta(hours=1))  # the reminders are due
    reminder = _sent_with(harness, "at:")
    sent_before = len(harness.session.sent())
    barista_before = (await _applications(harness))[1].status

    await _feed(harness, _press_on(reminder, Attendance(booking_id=booking_id, coming=True)))

    assert not [a for a in answers(harness.session) if a.show_alert]  # no "outdated button"
    (booking,) = await _bookings(harness)
    assert booking.status is BookingStatus.CONFIRMED
    cook, barista = await _applications(harness)
    assert cook.status is CandidateStatus.INTERVIEW_CONFIRMED
    assert barista.status is barista_before
    assert (cook.is_current, barista.is_current) == (True, False)
    assert len(harness.session.sent()) == sent_before + 1  # the acknowledgement only


async def test_a_waiting_list_offer_of_an_earlier_application_is_taken_for_it(
    harness: BotHarness,
) -> None:
    person = await _person(harness, status=CandidateStatus.SCREENING_PASSED)
    async with harness.storage.uow() as uow:
        uow.waitlist.add(
            WaitlistEntry(
                candidate_id=person.cook, city_id=person.kazan, purpose=SlotPurpose.INTERVIEW
            )
        )
        await uow.commit()
    await _apply_to_barista(harness, person)
    async with harness.storage.uow() as uow:
        olga = await uow.recruiters.get(person.recruiter)
        kazan = await uow.cities.get(person.kazan)
        assert olga is not None and kazan is not None
        freed = await make_slot(uow, olga, kazan)
        assert await offer_freed_slot(uow, Catalog.load("ru"), FrozenClock(NOW), freed) == 1
        await uow.commit()
        slot_id = freed.id
    await _deliver(harness)
    offer = _sent_with(harness, "wl:take")

    await _feed(harness, _press_on(offer, WaitlistAction(action="take", slot_id=slot_id)))

    assert not [a for a in answers(harness.session) if a.show_alert]
    (booking,) = await _bookings(harness)
    assert (booking.slot_id, booking.candidate_id) == (slot_id, person.cook)
    cook, barista = await _applications(harness)
    assert (cook.is_current, barista.is_current) == (True, False)


async def test_a_reply_to_the_recruiters_words_for_an_earlier_application_stays_with_it(
    harness: BotHarness,
) -> None:
    person = await _person(harness, status=CandidateStatus.INTERVIEW_SCHEDULED)
    await _book(harness, person)
    await _apply_to_barista(harness, person)
    async with harness.storage.uow() as uow:
        await send_reply(
            uow,
            Catalog.load("ru"),
            FrozenClock(NOW),
            person.cook,
            "Can you come at 9?",
            actor=f"recruiter:{person.recruiter}",
        )
        await uow.commit()
    await _deliver(harness)
    (words,) = [
        index + 1
        for index, r in enumerate(harness.session.requests)
        if isinstance(r, SendMessage) and int(r.chat_id) == ANN and "come at 9" in str(r.text)
    ]
    to_colleague = len(_texts_to(harness, COLLEAGUE))

    reply = message_update(
        user_id=ANN, text="Yes, 9 is fine", reply_to_message=bot_message(ANN, words)
    )
    await _feed(harness, reply)
    await _deliver(harness)

    async with harness.storage.uow() as uow:
        (kept,) = (await uow.session.scalars(select(InboundMessage))).all()
    assert (kept.candidate_id, kept.text) == (person.cook, "Yes, 9 is fine")
    assert any("Yes, 9 is fine" in t for t in _texts_to(harness, BOOKED_WITH))
    assert len(_texts_to(harness, COLLEAGUE)) == to_colleague  # the barista's city is not told
    cook, barista = await _applications(harness)
    assert (cook.is_current, barista.is_current) == (True, False)


async def test_a_reply_about_an_ended_application_stays_with_it_but_the_other_goes_on(
    harness: BotHarness,
) -> None:
    """The cook's application ended (not hired); the person replies to the recruiter's words
    about it: kept with it and relayed for it, while the barista's, under way, stays current."""
    person = await _person(harness, status=CandidateStatus.INTERVIEW_SCHEDULED)
    await _book(harness, person)
    await _apply_to_barista(harness, person)
    async with harness.storage.uow() as uow:
        await send_reply(
            uow,
            Catalog.load("ru"),
            FrozenClock(NOW),
            person.cook,
            "We chose someone else, sorry.",
            actor=f"recruiter:{person.recruiter}",
        )
        cook = await uow.candidates.get(person.cook)
        assert cook is not None
        cook.status = CandidateStatus.NOT_HIRED
        await uow.commit()
    await _deliver(harness)
    (words,) = [
        index + 1
        for index, r in enumerate(harness.session.requests)
        if isinstance(r, SendMessage) and int(r.chat_id) == ANN and "someone else" in str(r.text)
    ]
    reply = message_update(user_id=ANN, text="Why?", reply_to_message=bot_message(ANN, words))
    await _feed(harness, reply)
    async with harness.storage.uow() as uow:
        (kept,) = (await uow.session.scalars(select(InboundMessage))).all()
    assert (kept.candidate_id, kept.text) == (person.cook, "Why?")
    cook_row, barista = await _applications(harness)
    assert (cook_row.is_current, barista.is_current) == (False, True)


async def test_a_button_of_the_current_application_switches_nothing(
    harness: BotHarness,
) -> None:
    person = await _person(harness, status=CandidateStatus.INTERVIEW_SCHEDULED)
    await _apply_to_barista(harness, person)
    async with harness.storage.uow() as uow:
        cook, barista = await _applications(harness)
        barista_row = await uow.candidates.get(barista.id)
        assert barista_row is not None
        barista_row.status = CandidateStatus.SCREENING_PASSED
        barista_row.city_id = person.kazan
        uow.waitlist.add(
            WaitlistEntry(
                candidate_id=barista.id, city_id=person.kazan, purpose=SlotPurpose.INTERVIEW
            )
        )
        olga = await uow.recruiters.get(person.recruiter)
        kazan = await uow.cities.get(person.kazan)
        assert olga is not None and kazan is not None
        freed = await make_slot(uow, olga, kazan)
        await offer_freed_slot(uow, Catalog.load("ru"), FrozenClock(NOW), freed)
        await uow.commit()
        slot_id = freed.id
    await _deliver(harness)
    offer = _sent_with(harness, "wl:take")

    await _feed(harness, _press_on(offer, WaitlistAction(action="take", slot_id=slot_id)))

    (booking,) = await _bookings(harness)
    assert booking.candidate_id == barista.id
    cook, barista = await _applications(harness)
    assert (cook.is_current, barista.is_current) == (False, True)


async def test_the_test2_invitation_of_an_earlier_application_starts_its_test(
    harness: BotHarness,
) -> None:
    person = await _person(harness, status=CandidateStatus.INTERVIEWED_PASSED)
    async with harness.storage.uow() as uow:
        question = TestQuestion(
            position=1,
            key="menu",
            kind=QuestionKind.SINGLE_CHOICE,
            prompt={"ru": "Что в меню?", "en": "What is on the menu?"},
            options=[{"value": "soup", "label": {"ru": "Суп", "en": "Soup"}, "correct": True}],
        )
        await uow.tests.add_many(
            [Test(kind=TestKind.KNOWLEDGE, title="Kitchen", pass_percent=0, questions=[question])]
        )
        ann = await uow.candidates.get(person.cook)
        assert ann is not None
        messaging = Messaging(Catalog.load("ru"), FrozenClock(NOW), BookingRules())
        await invite_to_test2(uow, messaging, ann)
        await uow.commit()
    await _apply_to_barista(harness, person)
    await _deliver(harness)
    invitation = _sent_with(harness, "t2s")
    sent_before = len(harness.session.sent())

    await _feed(harness, _press_on(invitation, callbacks.Test2Start()))

    (shown,) = harness.session.sent()[sent_before:]
    assert "What is on the menu?" in str(shown.text)
    cook, barista = await _applications(harness)
    assert (cook.is_current, barista.is_current) == (True, False)

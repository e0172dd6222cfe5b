"""The recruiter's workspace: the cards waiting when the chat is linked, the card after a
decision, and the recruiter's own language."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, EditMessageText
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import select

from bot.callbacks import DeskAction, LanguageChoice
from core.clock import FrozenClock
from core.enums import BookingStatus, CandidateStatus, QuestionKind, TestKind, TestResultStatus
from domain.bookings.booking import Messaging
from domain.bookings.jobs import queue_attendance_prompts, queue_daily_digests
from domain.messaging.texts import Catalog
from domain.organisation.invites import create_invite
from domain.organisation.places import choose_recruiter_language
from domain.scheduling.picker import BookingRules
from storage.models import Notification, Test, TestAnswer, TestQuestion, TestResult
from tests.bot.conftest import BotHarness, button_update
from tests.support.bot import text_update
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

RECRUITER_CHAT = 555


async def _cards(harness: BotHarness) -> list[Notification]:
    async with harness.storage.uow() as uow:
        stmt = select(Notification).where(Notification.kind == "booking_card")
        return list((await uow.session.scalars(stmt)).all())


async def test_linking_sends_the_cards_still_waiting(harness: BotHarness) -> None:
    """Requests made before the recruiter linked the chat reach it on linking; a past or
    finished one does not."""
    async with harness.storage.uow() as uow:
        city = await make_city(uow, requires_approval=True)
        recruiter = await make_recruiter(uow, city, active=True)
        waiting = []
        for starts_in, status in [
            (timedelta(days=1), BookingStatus.PENDING),
            (timedelta(days=2), BookingStatus.APPROVED),
            (-timedelta(days=1), BookingStatus.PENDING),
            (timedelta(days=3), BookingStatus.DECLINED),
        ]:
            slot = await make_slot(uow, recruiter, city, NOW + starts_in)
            person = await make_candidate(uow, city, status=CandidateStatus.INTERVIEW_SCHEDULED)
            booking = await uow.bookings.try_create(slot, person.id, status, actor="test")
            assert booking is not None
            waiting.append(booking.id)
        await uow.commit()
        payload = (await create_invite(uow, recruiter.id, FrozenClock(NOW))).unwrap()
    assert await _cards(harness) == []
    await harness.dispatcher.feed_update(
        harness.bot, text_update(f"/start {payload}", user_id=RECRUITER_CHAT)
    )
    cards = await _cards(harness)
    assert sorted(c.booking_id or 0 for c in cards) == waiting[:2]
    assert {c.recipient_chat_id for c in cards} == {RECRUITER_CHAT}


async def _request(harness: BotHarness, *, answers: bool = False) -> int:
    """A request on a linked recruiter's slot tomorrow, with screening answers if asked."""
    async with harness.storage.uow() as uow:
        city = await make_city(uow, requires_approval=True)
        recruiter = await make_recruiter(uow, city, telegram_chat_id=RECRUITER_CHAT, active=True)
        slot = await make_slot(uow, recruiter, city, NOW + timedelta(days=1))
        person = await make_candidate(uow, city, status=CandidateStatus.INTERVIEW_SCHEDULED)
        if answers:
            (screening,) = await uow.tests.add_many([Test(kind=TestKind.SCREENING, title="S")])
            age = TestQuestion(
                test_id=screening.id,
                position=1,
                key="age",
                kind=QuestionKind.NUMBER,
                prompt={"ru": "Сколько вам лет?", "en": "How old are you?"},
            )
            uow.session.add(age)
            result = TestResult(
                candidate_id=person.id,
                test_id=screening.id,
                started_at=NOW,
                status=TestResultStatus.PASSED,
            )
            await uow.test_results.add_many([result])
            uow.session.add(TestAnswer(result_id=result.id, question_id=age.id, answer="22"))
        booking = await uow.bookings.try_create(
            slot, person.id, BookingStatus.PENDING, actor="test"
        )
        assert booking is not None
        await uow.commit()
        return booking.id


def _edits(harness: BotHarness) -> list[EditMessageText]:
    return [m for m in harness.session.requests if isinstance(m, EditMessageText)]


async def test_approve_updates_the_card_to_its_new_state(harness: BotHarness) -> None:
    booking_id = await _request(harness)
    press = button_update(DeskAction(do="approve", booking_id=booking_id), user_id=RECRUITER_CHAT)
    await harness.dispatcher.feed_update(harness.bot, press)
    (card,) = _edits(harness)
    assert card.text.startswith("<b>✅") and "⏳" not in card.text
    assert isinstance(card.reply_markup, InlineKeyboardMarkup)
    shown = [b.text for row in card.reply_markup.inline_keyboard for b in row]
    assert "✅ Подтвердить" not in shown and "❌ Отказать" in shown


async def test_the_card_speaks_one_language_and_labels_each_answer(harness: BotHarness) -> None:
    booking_id = await _request(harness, answers=True)
    press = button_update(DeskAction(do="open", booking_id=booking_id), user_id=RECRUITER_CHAT)
    await harness.dispatcher.feed_update(harness.bot, press)
    (card,) = harness.session.sent()
    assert "Тест: пройден" in card.text and "passed" not in card.text
    assert "• Возраст: 22" in card.text and "?:" not in card.text


async def test_reject_reasons_have_a_back_to_the_card_buttons(harness: BotHarness) -> None:
    booking_id = await _request(harness)
    reject = button_update(DeskAction(do="reject", booking_id=booking_id), user_id=RECRUITER_CHAT)
    await harness.dispatcher.feed_update(harness.bot, reject)
    (reasons,) = [m for m in harness.session.requests if isinstance(m, EditMessageReplyMarkup)]
    assert isinstance(reasons.reply_markup, InlineKeyboardMarkup)
    back = reasons.reply_markup.inline_keyboard[-1][0]
    assert back.text == "◀ Назад" and back.callback_data is not None
    harness.session.requests.clear()
    await harness.dispatcher.feed_update(
        harness.bot, button_update(DeskAction.unpack(back.callback_data), user_id=RECRUITER_CHAT)
    )
    (card,) = _edits(harness)  # the card as it stands, with its buttons back
    assert card.text.startswith("<b>⏳")
    assert isinstance(card.reply_markup, InlineKeyboardMarkup)
    shown = [b.text for row in card.reply_markup.inline_keyboard for b in row]
    assert shown == ["✅ Подтвердить", "🔁 Предложить другое время", "❌ Отказать", "📝 Заметка"]
    async with harness.storage.uow() as uow:
        booking = await uow.bookings.get(booking_id)
        assert booking is not None and booking.status is BookingStatus.PENDING


async def _recruiter_locale(harness: BotHarness) -> str | None:
    async with harness.storage.uow() as uow:
        recruiter = await uow.recruiters.get_by_chat_id(RECRUITER_CHAT)
        assert recruiter is not None
        return recruiter.locale


async def test_a_recruiter_linked_from_english_telegram_works_in_english(
    harness: BotHarness,
) -> None:
    async with harness.storage.uow() as uow:
        city = await make_city(uow)
        recruiter = await make_recruiter(uow, city, active=True)
        await uow.commit()
        payload = (await create_invite(uow, recruiter.id, FrozenClock(NOW))).unwrap()
    for text in (f"/start {payload}", "/today", "hello"):
        await harness.dispatcher.feed_update(
            harness.bot, text_update(text, user_id=RECRUITER_CHAT, language_code="en")
        )
    linked, today, help_ = harness.session.sent()
    assert linked.text.startswith("You are linked as")
    assert today.text.startswith("<b>Today,") and "No interviews." in today.text
    assert help_.text.startswith("You are linked as")  # not the Russian help
    assert await _recruiter_locale(harness) == "en"


async def test_lang_changes_the_recruiters_language(harness: BotHarness) -> None:
    booking_id = await _request(harness)  # a recruiter in the default language, Russian
    await harness.dispatcher.feed_update(
        harness.bot, text_update("/lang", user_id=RECRUITER_CHAT, language_code="ru")
    )
    (ask,) = harness.session.sent()
    assert ask.text == "Выберите язык:" and ask.reply_markup is not None
    await harness.dispatcher.feed_update(
        harness.bot, button_update(LanguageChoice(code="en"), user_id=RECRUITER_CHAT)
    )
    chosen, help_ = harness.session.sent()[1:]
    assert chosen.text == "Language: English."
    assert help_.text.startswith("You are linked as")
    assert await _recruiter_locale(harness) == "en"
    harness.session.requests.clear()
    press = button_update(DeskAction(do="open", booking_id=booking_id), user_id=RECRUITER_CHAT)
    await harness.dispatcher.feed_update(harness.bot, press)
    (card,) = harness.session.sent()
    assert "(your time)" in card.text and "source:" in card.text
    assert isinstance(card.reply_markup, InlineKeyboardMarkup)
    assert card.reply_markup.inline_keyboard[0][0].text == "✅ Approve"


async def test_refusals_and_prompts_reach_the_recruiter_in_their_language(
    harness: BotHarness,
) -> None:
    booking_id = await _request(harness)
    async with harness.storage.uow() as uow:
        assert await choose_recruiter_language(uow, (await _recruiter_id(harness)), "en")
        booking = await uow.bookings.get(booking_id)
        assert booking is not None
        assert await uow.bookings.change_status(booking, BookingStatus.APPROVED, actor="test")
        await uow.commit()
    press = button_update(DeskAction(do="outcome", booking_id=booking_id), user_id=RECRUITER_CHAT)
    await harness.dispatcher.feed_update(harness.bot, press)
    (answer,) = [m for m in harness.session.requests if isinstance(m, AnswerCallbackQuery)]
    assert answer.text is not None and "has not begun" in answer.text
    m = Messaging(Catalog.load("ru"), FrozenClock(NOW + timedelta(days=2)), BookingRules())
    assert await queue_attendance_prompts(harness.storage.uow, m) == 1
    async with harness.storage.uow() as uow:
        stmt = select(Notification).where(Notification.kind == "attendance_prompt")
        (prompt,) = (await uow.session.scalars(stmt)).all()
    assert prompt.payload["buttons"][0][0]["text"] == "🏁 Came"


async def _recruiter_id(harness: BotHarness) -> int:
    async with harness.storage.uow() as uow:
        recruiter = await uow.recruiters.get_by_chat_id(RECRUITER_CHAT)
        assert recruiter is not None
        return recruiter.id


async def test_the_morning_digest_is_in_the_recruiters_language(harness: BotHarness) -> None:
    async with harness.storage.uow() as uow:
        city = await make_city(uow)
        recruiter = await make_recruiter(
            uow, city, telegram_chat_id=RECRUITER_CHAT, active=True, locale="en"
        )
        slot = await make_slot(uow, recruiter, city, NOW + timedelta(hours=2))
        person = await make_candidate(uow, city, status=CandidateStatus.INTERVIEW_SCHEDULED)
        assert await uow.bookings.try_create(slot, person.id, BookingStatus.APPROVED, actor="t")
        await uow.commit()
    m = Messaging(Catalog.load("ru"), FrozenClock(NOW), BookingRules())
    assert await queue_daily_digests(harness.storage.uow, m) == 1
    async with harness.storage.uow() as uow:
        stmt = select(Notification).where(Notification.kind == "daily_digest")
        (digest,) = (await uow.session.scalars(stmt)).all()
    assert digest.payload["text"].startswith("<b>Today's interviews, ")

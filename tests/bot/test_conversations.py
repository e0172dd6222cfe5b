"""Conversations in the chat (issue 17): what a candidate writes that no step waits for is kept,
acknowledged and relayed to their recruiter with Reply and Open (media copied); the recruiter
answers by replying (or with Reply), only to their own candidates; Open shows the thread; Note
keeps a private note."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import CopyMessage, SendMessage
from aiogram.types import (
    Chat,
    Document,
    InlineKeyboardMarkup,
    Location,
    PhotoSize,
    Sticker,
    Video,
    Voice,
)
from sqlalchemy import select

from bot.callbacks import ConversationAction
from bot.factory import create_bot, create_dispatcher
from core.clock import FrozenClock
from core.enums import (
    BookingStatus,
    CandidateStatus,
    InboundKind,
    QuestionKind,
    SlotPurpose,
    TestKind,
)
from core.send_rate import SendRate
from core.telegram_html import html_to_text
from domain.bookings.booking import Messaging
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from scheduler.outbox_delivery import OutboxDelivery
from storage.models import (
    Booking,
    CandidateNote,
    InboundMessage,
    Notification,
    Test,
    TestQuestion,
)
from tests.bot.conftest import BotHarness
from tests.support.bot import RecordingSession, bot_message, message_update, text_update
from tests.support.callbacks import answers, press
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

ANN = 7_100
BOOKED_WITH = 601  # the recruiter of Ann's booking
COLLEAGUE = 602  # another recruiter of Ann's city
ELSEWHERE = 603  # a recruiter of another city


@dataclass
class Scene:
    harness: BotHarness
    ann: int
    booked_with: int

    async def feed(self, update: Any) -> None:
        await self.harness.dispatcher.feed_update(self.harness.bot, update)

    async def candidate_writes(self, **content: Any) -> None:
        await self.feed(message_update(user_id=ANN, **content))

    async def recruiter_writes(self, chat: int, **content: Any) -> None:
        await self.feed(message_update(user_id=chat, language_code="ru", **content))

    async def deliver(self) -> None:
        """The outbox job, sending through the same recording bot."""
        clock = FrozenClock(NOW)
        worker = OutboxDelivery(
            self.harness.storage.uow, self.harness.bot, clock, SendRate(10**6, 0)
        )
        while await worker.deliver_due():
            pass

    def sent_to(self, chat: int) -> list[tuple[int, Any]]:
        """(Telegram message id, the request) of each message the bot sent to `chat`."""
        return [
            (index + 1, r)
            for index, r in enumerate(self.harness.session.requests)
            if isinstance(r, SendMessage | CopyMessage) and int(r.chat_id) == chat
        ]

    async def rows(self, chat: int) -> list[Notification]:
        async with self.harness.storage.uow() as uow:
            stmt = select(Notification).where(Notification.recipient_chat_id == chat)
            return list((await uow.session.scalars(stmt.order_by(Notification.id))).all())

    async def inbound(self) -> list[InboundMessage]:
        async with self.harness.storage.uow() as uow:
            stmt = select(InboundMessage).order_by(InboundMessage.id)
            return list((await uow.session.scalars(stmt)).all())


async def _scene(
    harness: BotHarness,
    *,
    status: CandidateStatus = CandidateStatus.INTERVIEW_SCHEDULED,
    booked: bool = True,
    linked: bool = True,
) -> Scene:
    async with harness.storage.uow() as uow:
        kazan = await make_city(uow, "Kazan")
        other = await make_city(uow, "Perm")
        mine = await make_recruiter(
            uow, kazan, name="Olga", telegram_chat_id=BOOKED_WITH if linked else None, locale="ru"
        )
        await make_recruiter(
            uow, kazan, name="Pavel", telegram_chat_id=COLLEAGUE if linked else None, locale="ru"
        )
        await make_recruiter(uow, other, name="Vera", telegram_chat_id=ELSEWHERE, locale="ru")
        ann = await make_candidate(
            uow, kazan, telegram_id=ANN, full_name="Ann Lee", status=status, phone="+7900"
        )
        if booked:
            slot = await make_slot(uow, mine, kazan)
            uow.bookings.add(
                Booking(
                    slot_id=slot.id,
                    candidate_id=ann.id,
                    purpose=SlotPurpose.INTERVIEW,
                    status=BookingStatus.APPROVED,
                )
            )
        await uow.commit()
        return Scene(harness, ann.id, mine.id)


def _buttons(request: Any) -> list[str]:
    markup = request.reply_markup
    assert isinstance(markup, InlineKeyboardMarkup)
    return [b.text for row in markup.inline_keyboard for b in row]


async def test_a_booked_candidates_question_is_kept_thanked_and_relayed_to_their_recruiter(
    harness: BotHarness,
) -> None:
    scene = await _scene(harness)
    await scene.candidate_writes(text="Can I come at 9 instead? <b>")
    (thanks,) = harness.session.sent()
    assert "passed it on to a recruiter" in thanks.text  # acknowledged, no menu again
    (kept,) = await scene.inbound()
    assert kept.kind is InboundKind.TEXT and kept.text == "Can I come at 9 instead? <b>"
    assert kept.read_at is None
    assert await scene.rows(COLLEAGUE) == []  # the booking's recruiter only
    assert await scene.rows(ELSEWHERE) == []
    await scene.deliver()
    ((_, note),) = scene.sent_to(BOOKED_WITH)
    assert "Ann Lee" in note.text and "Can I come at 9 instead? &lt;b&gt;" in note.text
    assert _buttons(note) == ["↩ Ответить", "📂 Открыть"]


async def test_without_a_booking_the_citys_recruiters_are_told(harness: BotHarness) -> None:
    scene = await _scene(harness, status=CandidateStatus.SCREENING_PASSED, booked=False)
    await scene.candidate_writes(text="Hello?")
    thanks, picker = harness.session.sent()
    assert "passed it on" in thanks.text
    assert picker.reply_markup is not None  # mid-flow: the step shown again
    assert len(await scene.rows(BOOKED_WITH)) == len(await scene.rows(COLLEAGUE)) == 1
    assert await scene.rows(ELSEWHERE) == []


async def test_a_candidate_nobody_covers_is_kept_for_the_admins(harness: BotHarness) -> None:
    scene = await _scene(harness, booked=False, linked=False)
    await scene.candidate_writes(text="Is anyone there?")
    (thanks,) = harness.session.sent()
    assert "recruiting team will answer" in thanks.text
    (kept,) = await scene.inbound()
    assert kept.text == "Is anyone there?" and kept.read_at is None  # the panel's inbox
    assert await scene.rows(BOOKED_WITH) == []


async def test_a_photo_is_kept_by_file_id_and_copied_to_the_recruiter(harness: BotHarness) -> None:
    scene = await _scene(harness)
    photo = [
        PhotoSize(file_id="small", file_unique_id="s", width=90, height=90),
        PhotoSize(file_id="large", file_unique_id="l", width=900, height=900),
    ]
    await scene.candidate_writes(photo=photo, caption="my certificate")
    (kept,) = await scene.inbound()
    assert (kept.kind, kept.file_id, kept.text) == (InboundKind.PHOTO, "large", "my certificate")
    await scene.deliver()
    (_, copy), (_, note) = scene.sent_to(BOOKED_WITH)
    assert isinstance(copy, CopyMessage)
    assert (copy.from_chat_id, copy.message_id) == (ANN, kept.telegram_message_id)
    assert "фото" in note.text and "my certificate" in note.text
    assert _buttons(note) == ["↩ Ответить", "📂 Открыть"]


async def test_a_document_keeps_its_name_and_type(harness: BotHarness) -> None:
    scene = await _scene(harness)
    cv = Document(
        file_id="doc-1", file_unique_id="d1", file_name="cv.pdf", mime_type="application/pdf"
    )
    await scene.candidate_writes(document=cv)
    (kept,) = await scene.inbound()
    assert (kept.kind, kept.file_name, kept.mime_type) == (
        InboundKind.DOCUMENT,
        "cv.pdf",
        "application/pdf",
    )
    assert [r.kind for r in await scene.rows(BOOKED_WITH)] == ["inbound_copy", "inbound_relay"]


async def test_a_sticker_during_screening_is_kept_and_the_question_asked_again(
    harness: BotHarness,
) -> None:
    async with harness.storage.uow() as uow:
        city = await make_city(uow)
        await make_recruiter(uow, city, telegram_chat_id=BOOKED_WITH)
        await make_candidate(uow, city, telegram_id=ANN, status=CandidateStatus.SCREENING)
        about = TestQuestion(
            position=1,
            key="experience",
            kind=QuestionKind.TEXT,
            prompt={"ru": "Расскажите о вашем опыте.", "en": "Tell us about your experience."},
        )
        await uow.tests.add_many([Test(kind=TestKind.SCREENING, title="T", questions=[about])])
        await uow.commit()
    sticker = Sticker(
        file_id="st",
        file_unique_id="st",
        type="regular",
        width=512,
        height=512,
        is_animated=False,
        is_video=False,
        emoji="👍",
    )
    await harness.dispatcher.feed_update(harness.bot, message_update(user_id=ANN, sticker=sticker))
    (answer,) = harness.session.sent()
    assert answer.text.startswith("Thank you, we have received your message")
    assert "Tell us about your experience." in answer.text
    (kept,) = await Scene(harness, 0, 0).inbound()
    assert (kept.kind, kept.file_id, kept.text) == (InboundKind.STICKER, "st", "👍")
    assert len(await Scene(harness, 0, 0).rows(BOOKED_WITH)) == 2  # the sticker, the note


async def test_a_reply_to_the_relayed_message_reaches_the_candidate_under_the_name(
    harness: BotHarness,
) -> None:
    scene = await _scene(harness)
    await scene.candidate_writes(text="Can I come at 9?")
    await scene.deliver()
    ((relayed_as, _),) = scene.sent_to(BOOKED_WITH)
    await scene.recruiter_writes(
        BOOKED_WITH, text="Yes, 9 is fine", reply_to_message=bot_message(BOOKED_WITH, relayed_as)
    )
    (_, told), *_ = [x for x in scene.sent_to(BOOKED_WITH) if x[0] > relayed_as]
    assert "отправляется" in told.text and "Ann Lee" in told.text
    (reply,) = [r for r in await scene.rows(ANN) if r.kind == "panel_message"]
    assert "Olga" in reply.payload["text"] and "Yes, 9 is fine" in reply.payload["text"]
    assert reply.payload["author"]["actor"] == f"recruiter:{scene.booked_with}"
    (kept,) = await scene.inbound()
    assert kept.read_at is not None and kept.read_by == f"recruiter:{scene.booked_with}"


async def test_a_reply_to_the_copy_of_a_photo_works_too(harness: BotHarness) -> None:
    scene = await _scene(harness)
    photo = [PhotoSize(file_id="p", file_unique_id="p", width=9, height=9)]
    await scene.candidate_writes(photo=photo)
    await scene.deliver()
    (copied_as, _), _ = scene.sent_to(BOOKED_WITH)
    await scene.recruiter_writes(
        BOOKED_WITH, text="Nice", reply_to_message=bot_message(BOOKED_WITH, copied_as)
    )
    assert [r.kind for r in await scene.rows(ANN)] == ["panel_message"]


async def test_a_reply_to_a_candidate_who_blocked_the_bot_says_so(harness: BotHarness) -> None:
    scene = await _scene(harness)
    await scene.candidate_writes(text="Hi")
    await scene.deliver()
    async with harness.storage.uow() as uow:
        candidate = await uow.candidates.get(scene.ann)
        assert candidate is not None
        candidate.reachable = False
        await uow.commit()
    ((relayed_as, _),) = scene.sent_to(BOOKED_WITH)
    await scene.recruiter_writes(
        BOOKED_WITH, text="Hello", reply_to_message=bot_message(BOOKED_WITH, relayed_as)
    )
    assert "заблокировал" in harness.session.sent()[-1].text
    assert await scene.rows(ANN) == []


async def test_a_reply_to_anything_else_is_not_taken_for_a_candidate(harness: BotHarness) -> None:
    await _scene(harness)
    await harness.dispatcher.feed_update(
        harness.bot,
        message_update(
            user_id=BOOKED_WITH, text="hm", reply_to_message=bot_message(BOOKED_WITH, 99_999)
        ),
    )
    assert "Olga" in harness.session.sent()[-1].text  # the recruiter's help, as before


async def test_reply_button_asks_for_the_text_and_cancel_sends_nothing(
    harness: BotHarness,
) -> None:
    scene = await _scene(harness)
    reply = ConversationAction(do="reply", candidate_id=scene.ann).pack()
    await scene.feed(press(reply, user_id=BOOKED_WITH))
    asked = harness.session.sent()[-1]
    assert "Ann Lee" in asked.text and _buttons(asked) == ["Отмена"]
    await scene.feed(
        press(ConversationAction(do="cancel", candidate_id=scene.ann).pack(), user_id=BOOKED_WITH)
    )
    await scene.recruiter_writes(BOOKED_WITH, text="Hello there")
    assert await scene.rows(ANN) == []
    await scene.feed(press(reply, user_id=BOOKED_WITH))
    await scene.recruiter_writes(BOOKED_WITH, text="Hello there")
    assert "отправляется" in harness.session.sent()[-1].text
    (row,) = await scene.rows(ANN)
    assert "Hello there" in row.payload["text"]
    await scene.recruiter_writes(BOOKED_WITH, text="and again")  # the state is over
    assert len(await scene.rows(ANN)) == 1


async def test_a_recruiter_of_another_city_may_not_read_or_answer(harness: BotHarness) -> None:
    scene = await _scene(harness)
    for do in ("reply", "open", "note"):
        data = ConversationAction(do=do, candidate_id=scene.ann).pack()
        await scene.feed(press(data, user_id=ELSEWHERE))
        answer = answers(harness.session)[-1]
        assert answer.show_alert and "не из ваших городов" in (answer.text or "")
    assert harness.session.sent() == []


async def test_open_shows_who_and_the_latest_messages_with_a_link_to_the_panel(
    sqlite_storage: Any,
) -> None:
    session = RecordingSession()
    bot: Bot = create_bot("42:TEST", session=session)
    messaging = Messaging(Catalog.load("ru"), FrozenClock(NOW), BookingRules())
    dispatcher = create_dispatcher(
        uow_factory=sqlite_storage.uow,
        cache=sqlite_storage.cache,
        messaging=messaging,
        panel_url="https://hr.example.com",
    )
    harness = BotHarness(dispatcher, bot, session, sqlite_storage)
    scene = await _scene(harness)
    await scene.candidate_writes(text="When do I start?")
    await scene.feed(
        press(ConversationAction(do="open", candidate_id=scene.ann).pack(), user_id=BOOKED_WITH)
    )
    shown = session.sent()[-1]
    assert "Ann Lee" in shown.text and "+7900" in shown.text
    assert "Ann Lee: When do I start?" in shown.text
    markup = shown.reply_markup
    assert isinstance(markup, InlineKeyboardMarkup)
    (link,) = [b for row in markup.inline_keyboard for b in row if b.url]
    assert link.url == f"https://hr.example.com/candidates/{scene.ann}"
    assert _buttons(shown)[:2] == ["↩ Ответить", "📝 Заметка"]


@pytest.mark.parametrize("public_url", ["", "http://localhost:8080"])
async def test_open_has_no_link_without_an_https_panel(
    sqlite_storage: Any, public_url: str
) -> None:
    session = RecordingSession()
    messaging = Messaging(Catalog.load("ru"), FrozenClock(NOW), BookingRules())
    dispatcher = create_dispatcher(
        uow_factory=sqlite_storage.uow,
        cache=sqlite_storage.cache,
        messaging=messaging,
        panel_url=public_url,
    )
    harness = BotHarness(
        dispatcher, create_bot("42:TEST", session=session), session, sqlite_storage
    )
    scene = await _scene(harness)
    await scene.feed(
        press(ConversationAction(do="open", candidate_id=scene.ann).pack(), user_id=BOOKED_WITH)
    )
    shown = session.sent()[-1]
    assert "Сообщений пока нет" in shown.text
    assert isinstance(shown.reply_markup, InlineKeyboardMarkup)
    assert not [b for row in shown.reply_markup.inline_keyboard for b in row if b.url]


async def test_note_from_the_card_is_kept_and_never_sent(harness: BotHarness) -> None:
    scene = await _scene(harness)
    note = ConversationAction(do="note", candidate_id=scene.ann).pack()
    await scene.feed(press(note, user_id=BOOKED_WITH))
    assert (
        "никогда" in harness.session.sent()[-1].text
        or "не отправляется" in harness.session.sent()[-1].text
    )
    await scene.recruiter_writes(BOOKED_WITH, text="Strong candidate, speaks Tatar")
    assert "сохранена" in harness.session.sent()[-1].text
    async with harness.storage.uow() as uow:
        (kept,) = (await uow.session.scalars(select(CandidateNote))).all()
    assert kept.text == "Strong candidate, speaks Tatar"
    assert kept.actor == f"recruiter:{scene.booked_with}"
    assert await scene.rows(ANN) == []


async def test_a_command_while_asked_for_a_reply_goes_to_the_command(
    harness: BotHarness,
) -> None:
    scene = await _scene(harness)
    await scene.feed(
        press(ConversationAction(do="reply", candidate_id=scene.ann).pack(), user_id=BOOKED_WITH)
    )
    await scene.feed(text_update("/today", user_id=BOOKED_WITH, language_code="ru"))
    await scene.recruiter_writes(BOOKED_WITH, text="not a reply")
    assert await scene.rows(ANN) == []


async def test_after_the_journey_ended_the_message_is_kept_and_the_answer_stands(
    harness: BotHarness,
) -> None:
    scene = await _scene(harness, status=CandidateStatus.SCREENING_FAILED, booked=False)
    await scene.candidate_writes(text="please?")
    thanks, answer = harness.session.sent()
    assert "passed it on" in thanks.text
    assert "You have already answered our questions" in answer.text
    assert [m.text for m in await scene.inbound()] == ["please?"]


@pytest.mark.parametrize(
    ("content", "kind", "text"),
    [
        ({"voice": Voice(file_id="v", file_unique_id="v", duration=3)}, InboundKind.VOICE, None),
        (
            {"video": Video(file_id="w", file_unique_id="w", width=1, height=1, duration=1)},
            InboundKind.VIDEO,
            None,
        ),
        (
            {"location": Location(latitude=55.75, longitude=37.62)},
            InboundKind.OTHER,
            "55.750000, 37.620000",
        ),
    ],
)
async def test_voice_video_and_the_rest_are_kept_too(
    harness: BotHarness, content: dict[str, Any], kind: InboundKind, text: str | None
) -> None:
    scene = await _scene(harness)
    await scene.candidate_writes(**content)
    (kept,) = await scene.inbound()
    assert (kept.kind, kept.text) == (kind, text)
    assert "passed it on" in harness.session.sent()[0].text
    assert [r.kind for r in await scene.rows(BOOKED_WITH)] == ["inbound_copy", "inbound_relay"]


async def test_a_name_with_markup_characters_is_escaped_in_what_the_recruiter_is_told(
    harness: BotHarness,
) -> None:
    scene = await _scene(harness)
    async with harness.storage.uow() as uow:
        candidate = await uow.candidates.get(scene.ann)
        assert candidate is not None
        candidate.full_name = "Tom <3 & Jerry"
        await uow.commit()
    await scene.feed(
        press(ConversationAction(do="reply", candidate_id=scene.ann).pack(), user_id=BOOKED_WITH)
    )
    asked = harness.session.sent()[-1].text
    assert "Tom <3 & Jerry" in html_to_text(asked)  # Telegram would refuse it unescaped
    await scene.recruiter_writes(BOOKED_WITH, text="Hello")
    told = harness.session.sent()[-1].text
    assert "Tom <3 & Jerry" in html_to_text(told)
    assert len(await scene.rows(ANN)) == 1


async def test_a_reply_in_a_group_is_not_matched_against_the_recruiters_own_chat(
    harness: BotHarness,
) -> None:
    scene = await _scene(harness)
    await scene.candidate_writes(text="Can I come at 9?")
    await scene.deliver()
    ((relayed_as, _),) = scene.sent_to(BOOKED_WITH)
    in_group = message_update(
        user_id=BOOKED_WITH, text="Sure", reply_to_message=bot_message(-100_5, relayed_as)
    )
    assert in_group.message is not None
    grouped = in_group.message.model_copy(update={"chat": Chat(id=-100_5, type="group")})
    await scene.feed(in_group.model_copy(update={"message": grouped}))
    assert await scene.rows(ANN) == []  # the same message id in a group is another message


async def test_a_reply_to_an_erased_candidates_old_note_sends_nothing(
    harness: BotHarness,
) -> None:
    scene = await _scene(harness)
    await scene.candidate_writes(text="Hi")
    await scene.deliver()
    async with harness.storage.uow() as uow:
        candidate = await uow.candidates.get(scene.ann)
        assert candidate is not None
        candidate.erased_at = NOW  # as erasure leaves the anonymous row
        await uow.commit()
    ((relayed_as, _),) = scene.sent_to(BOOKED_WITH)
    await scene.recruiter_writes(
        BOOKED_WITH, text="Hello", reply_to_message=bot_message(BOOKED_WITH, relayed_as)
    )
    assert "удалить свои данные" in harness.session.sent()[-1].text
    assert await scene.rows(ANN) == []

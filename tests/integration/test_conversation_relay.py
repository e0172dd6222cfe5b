"""The relay of a candidate's message (domain.conversations.relay) and its delivery: who is told,
the media copied and traced, a no-show's contact request told once, a recruiter's reply scoped
to their candidates and marking the thread read."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import BookingStatus, CandidateStatus, ContactReason, InboundKind, SlotPurpose
from core.errors import InvalidField, NotFound
from core.result import Failure, Success
from core.send_rate import SendRate
from domain.conversations import recruiter_chat
from domain.conversations.inbox import Inbound
from domain.conversations.relay import COPY_KIND, RELAY_KIND, relay_inbound
from domain.conversations.replies import BLOCKED
from domain.messaging.delivery import record_unreachable
from domain.messaging.texts import Catalog
from scheduler.outbox_delivery import OutboxDelivery
from storage.models import Booking, ContactRequest, Notification
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

CATALOG = Catalog.load("ru")
CLOCK = FrozenClock(NOW)


class CopyingBot:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, Any]] = []

    async def send_message(self, chat_id: int, text: str, reply_markup: Any = None) -> Any:
        self.calls.append(("send", chat_id, text))
        return SimpleNamespace(message_id=700 + len(self.calls))

    async def copy_message(self, chat_id: int, from_chat_id: int, message_id: int) -> Any:
        self.calls.append(("copy", chat_id, (from_chat_id, message_id)))
        return SimpleNamespace(message_id=700 + len(self.calls))


async def _rows(storage: Storage) -> list[Notification]:
    async with storage.uow() as uow:
        return list(
            (await uow.session.scalars(select(Notification).order_by(Notification.id))).all()
        )


async def test_a_photo_is_copied_then_noted_and_both_are_traced(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        await make_recruiter(uow, city, telegram_chat_id=50)
        ann = await make_candidate(uow, city, telegram_id=900, full_name="Ann")
        await uow.commit()
        photo = Inbound(InboundKind.PHOTO, text="look", file_id="f", telegram_message_id=33)
        relayed = await relay_inbound(uow, CATALOG, CLOCK, ann, photo, from_chat_id=900)
    assert relayed.recruiters_told == 1 and relayed.acknowledgement == "inbound_received"
    assert [r.kind for r in await _rows(storage)] == [COPY_KIND, RELAY_KIND]
    bot = CopyingBot()
    worker = OutboxDelivery(storage.uow, bot, CLOCK, SendRate(10**6, 0))  # type: ignore[arg-type]
    assert await worker.deliver_due() == 2
    assert bot.calls[0] == ("copy", 50, (900, 33))
    assert bot.calls[1][0] == "send" and "look" in bot.calls[1][2]
    async with storage.uow() as uow:
        for message_id in (701, 702):
            traced = await uow.notifications.relayed_as(50, message_id)
            assert traced is not None and traced.candidate_id == ann.id


async def test_the_booking_recruiter_switched_off_leaves_it_to_the_city(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        away = await make_recruiter(uow, city, telegram_chat_id=51, active=False)
        await make_recruiter(uow, city, telegram_chat_id=52)
        await make_recruiter(uow, city, telegram_chat_id=None)  # no chat: the panel only
        ann = await make_candidate(uow, city, status=CandidateStatus.INTERVIEW_SCHEDULED)
        slot = await make_slot(uow, away, city)
        uow.bookings.add(
            Booking(
                slot_id=slot.id,
                candidate_id=ann.id,
                purpose=SlotPurpose.INTERVIEW,
                status=BookingStatus.APPROVED,
            )
        )
        await uow.commit()
        await relay_inbound(
            uow, CATALOG, CLOCK, ann, Inbound(InboundKind.TEXT, "hi"), from_chat_id=1
        )
    assert [r.recipient_chat_id for r in await _rows(storage)] == [52]


async def test_a_no_show_is_relayed_once_and_their_request_counts_it(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        await make_recruiter(uow, city, telegram_chat_id=53)
        ann = await make_candidate(uow, city, status=CandidateStatus.NO_SHOW)
        await uow.commit()
        voice = Inbound(InboundKind.VOICE, file_id="v", telegram_message_id=5)
        relayed = await relay_inbound(uow, CATALOG, CLOCK, ann, voice, from_chat_id=ann.telegram_id)
        request = (await uow.session.scalars(select(ContactRequest))).one()
    assert relayed.acknowledgement == "no_show_passed_on"
    assert [r.kind for r in await _rows(storage)] == [COPY_KIND, RELAY_KIND]  # no second note
    assert request.reason is ContactReason.NO_SHOW_WROTE and request.recruiters_told == 1
    assert request.wrote == "a voice message"  # named, in the candidate's language


async def test_a_recruiter_who_blocked_the_bot_leaves_the_candidate_reachable(
    storage: Storage,
) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        await make_recruiter(uow, city, telegram_chat_id=54)
        ann = await make_candidate(uow, city)
        await uow.commit()
        await relay_inbound(
            uow, CATALOG, CLOCK, ann, Inbound(InboundKind.TEXT, "hi"), from_chat_id=1
        )
    (row,) = await _rows(storage)
    async with storage.uow() as uow:
        await record_unreachable(uow, row, "blocked")
        await uow.commit()
        again = await uow.candidates.get(ann.id)
        assert again is not None and again.reachable


async def test_a_recruiters_reply_is_scoped_and_reads_the_thread(storage: Storage) -> None:
    async with storage.uow() as uow:
        city, other = await make_city(uow), await make_city(uow)
        mine = await make_recruiter(uow, city, telegram_chat_id=55)
        elsewhere = await make_recruiter(uow, other, telegram_chat_id=56)
        ann = await make_candidate(uow, city)
        await uow.commit()
        await relay_inbound(
            uow, CATALOG, CLOCK, ann, Inbound(InboundKind.TEXT, "hi"), from_chat_id=1
        )
        mine_dto = await uow.recruiters.get_dto(mine.id)
        other_dto = await uow.recruiters.get_dto(elsewhere.id)
        assert mine_dto is not None and other_dto is not None
        refused = await recruiter_chat.reply_to_candidate(uow, CATALOG, CLOCK, other_dto, ann, "x")
        assert isinstance(refused, Failure) and isinstance(refused.error, NotFound)
        assert isinstance(await recruiter_chat.candidate_for(uow, other_dto, ann.id), Failure)
        assert await uow.inbound_messages.unread_of(ann.id) == 1
        sent = await recruiter_chat.reply_to_candidate(uow, CATALOG, CLOCK, mine_dto, ann, "hello")
        assert isinstance(sent, Success)
        assert await uow.inbound_messages.unread_of(ann.id) == 0
        ann.reachable = False
        await uow.commit()
        blocked = await recruiter_chat.reply_to_candidate(uow, CATALOG, CLOCK, mine_dto, ann, "?")
        assert isinstance(blocked, Failure) and isinstance(blocked.error, InvalidField)
        assert blocked.error.reason == BLOCKED


async def test_the_same_telegram_message_handled_again_is_kept_and_relayed_once(
    storage: Storage,
) -> None:
    """A webhook redelivery, or an update replayed after an outage interrupted its reply."""
    async with storage.uow() as uow:
        city = await make_city(uow)
        await make_recruiter(uow, city, telegram_chat_id=54)
        ann = await make_candidate(uow, city, status=CandidateStatus.NO_SHOW)
        await uow.commit()
    question = Inbound(InboundKind.TEXT, "Sorry, can I come tomorrow?", telegram_message_id=8)
    for _ in range(2):
        async with storage.uow() as uow:
            relayed = await relay_inbound(
                uow, CATALOG, CLOCK, ann, question, from_chat_id=ann.telegram_id
            )
        assert relayed.acknowledgement == "no_show_passed_on"  # thanked each time
    async with storage.uow() as uow:
        request = (await uow.session.scalars(select(ContactRequest))).one()
        kept = await uow.inbound_messages.of_candidate(ann.id, 10)
    assert [m.text for m in kept] == ["Sorry, can I come tomorrow?"]
    assert [r.kind for r in await _rows(storage)] == [RELAY_KIND]
    assert request.wrote == "Sorry, can I come tomorrow?"  # not the words twice

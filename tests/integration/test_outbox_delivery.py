"""The delivery worker: each row sent once across workers, 429 waited out, 403 stops, leases."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter
from aiogram.methods import SendMessage
from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import NotificationStatus
from core.metrics import Metrics
from core.send_rate import SendRate
from domain.messaging.delivery import MAX_ATTEMPTS
from domain.pipeline.arrival import arrive
from scheduler.outbox_delivery import OutboxDelivery
from storage.models import Notification
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city


class FakeBot:
    """Records what would be sent; can fail the next sends in a chosen way."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.fail_with: list[Exception] = []
        self.fail_documents_with: list[Exception] = []

    async def send_message(self, chat_id: int, text: str, reply_markup: Any = None) -> Any:
        await asyncio.sleep(0)  # let the other worker run in between
        if self.fail_with:
            raise self.fail_with.pop(0)
        self.sent.append((chat_id, text))
        return SimpleNamespace(message_id=5000 + len(self.sent))

    async def send_document(self, chat_id: int, document: Any) -> None:
        if self.fail_documents_with:
            raise self.fail_documents_with.pop(0)
        self.sent.append((chat_id, "<document>"))


def _worker(storage: Storage, bot: FakeBot, clock: FrozenClock) -> OutboxDelivery:
    return OutboxDelivery(storage.uow, bot, clock, SendRate(100_000, 0))  # type: ignore[arg-type]


async def _queue(
    storage: Storage, count: int, chat_of: Any = lambda i: 1000 + i, **extra: Any
) -> None:
    async with storage.uow() as uow:
        await uow.notifications.enqueue(
            [
                {
                    "kind": "test",
                    "recipient_chat_id": chat_of(i),
                    "payload": {"text": f"m{i}"},
                    "due_at": NOW,
                    "dedupe_key": f"k{i}",
                    **extra,
                }
                for i in range(count)
            ]
        )
        await uow.commit()


async def _statuses(storage: Storage) -> Counter[str]:
    async with storage.uow() as uow:
        rows = (await uow.session.scalars(select(Notification))).all()
        return Counter(r.status.value for r in rows)


async def test_two_workers_deliver_a_thousand_messages_each_exactly_once(storage: Storage) -> None:
    await _queue(storage, 1000)
    bot, clock = FakeBot(), FrozenClock(NOW)
    workers = [_worker(storage, bot, clock), _worker(storage, bot, clock)]

    async def drain(worker: OutboxDelivery) -> None:
        while await worker.deliver_due(limit=50):
            pass

    await asyncio.gather(*(drain(w) for w in workers))
    texts = Counter(text for _chat, text in bot.sent)
    assert len(texts) == 1000
    assert set(texts.values()) == {1}
    assert await _statuses(storage) == Counter({"sent": 1000})


async def test_nothing_is_sent_before_it_is_due(storage: Storage) -> None:
    async with storage.uow() as uow:
        await uow.notifications.enqueue(
            [
                {
                    "kind": "t",
                    "recipient_chat_id": 1,
                    "payload": {"text": "later"},
                    "due_at": NOW + timedelta(hours=1),
                    "dedupe_key": "later",
                }
            ]
        )
        await uow.commit()
    bot, clock = FakeBot(), FrozenClock(NOW)
    assert await _worker(storage, bot, clock).deliver_due() == 0
    clock.advance(timedelta(hours=1))
    assert await _worker(storage, bot, clock).deliver_due() == 1
    async with storage.uow() as uow:
        # The Telegram message it went out as: a reply to it finds the row.
        sent = await uow.notifications.relayed_as(1, 5001)
        assert sent is not None and sent.dedupe_key == "later"
        assert await uow.notifications.relayed_as(2, 5001) is None


async def test_a_429_is_waited_out_and_never_dropped(storage: Storage) -> None:
    await _queue(storage, 1)
    bot, clock = FakeBot(), FrozenClock(NOW)
    bot.fail_with = [
        TelegramRetryAfter(
            method=SendMessage(chat_id=1, text="x"), message="Too Many Requests", retry_after=3
        )
    ]
    worker = _worker(storage, bot, clock)
    assert await worker.deliver_due() == 0
    async with storage.uow() as uow:
        row = (await uow.session.scalars(select(Notification))).one()
        assert row.status is NotificationStatus.PENDING
        assert row.due_at == NOW + timedelta(seconds=3)
        assert row.attempts == 0  # a rate limit is not a failure
    clock.advance(timedelta(seconds=3))
    assert await worker.deliver_due() == 1


async def test_a_403_marks_the_candidate_unreachable_and_cancels_their_queue(
    storage: Storage,
) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        # the same person's earlier application (to another vacancy): blocked just as well
        earlier = await make_candidate(uow, city, telegram_id=555, is_current=False)
        candidate = await make_candidate(uow, city, telegram_id=555)
        await uow.commit()
    await _queue(storage, 3, chat_of=lambda _i: 555, candidate_id=candidate.id)
    bot, clock = FakeBot(), FrozenClock(NOW)
    bot.fail_with = [
        TelegramForbiddenError(
            method=SendMessage(chat_id=555, text="x"),
            message="Forbidden: bot was blocked by the user",
        )
    ]
    await _worker(storage, bot, clock).deliver_due(limit=1)
    assert bot.sent == []
    assert await _statuses(storage) == Counter({"unreachable": 1, "canceled": 2})
    async with storage.uow() as uow:
        person = await uow.candidates.get(candidate.id)
        other = await uow.candidates.get(earlier.id)
        assert person is not None and other is not None
        assert person.reachable is False and other.reachable is False
    # they come back (/start): every application of theirs is reachable again
    async with storage.uow() as uow:
        current = await uow.candidates.get_by_telegram_id(555)
        await arrive(uow, current, telegram_id=555, username=None, locale="en", source=None)
    async with storage.uow() as uow:
        back = [await uow.candidates.get(i) for i in (candidate.id, earlier.id)]
        assert [c.reachable for c in back if c is not None] == [True, True]


async def test_other_errors_are_retried_with_backoff_then_kept_as_failed(storage: Storage) -> None:
    await _queue(storage, 1)
    bot, clock = FakeBot(), FrozenClock(NOW)
    bot.fail_with = [RuntimeError("network down")] * MAX_ATTEMPTS
    worker = _worker(storage, bot, clock)
    for _ in range(MAX_ATTEMPTS):
        clock.advance(timedelta(minutes=5))
        await worker.deliver_due()
    async with storage.uow() as uow:
        row = (await uow.session.scalars(select(Notification))).one()
        assert row.status is NotificationStatus.FAILED
        assert row.attempts == MAX_ATTEMPTS
        assert "network down" in (row.last_error or "")


async def test_a_crashed_workers_rows_are_taken_again_after_its_lease(storage: Storage) -> None:
    await _queue(storage, 1)
    clock = FrozenClock(NOW)
    async with storage.uow() as uow:  # a worker claimed it, then died before sending
        claimed = await uow.notifications.claim_due(NOW, "dead-worker", timedelta(seconds=30))
        await uow.commit()
    assert len(claimed) == 1
    bot = FakeBot()
    assert await _worker(storage, bot, clock).deliver_due() == 0  # still leased
    async with storage.uow() as uow:  # the sender is woken when the lease runs out
        assert await uow.notifications.next_due_at() == NOW + timedelta(seconds=30)
    clock.advance(timedelta(seconds=31))
    assert await _worker(storage, bot, clock).deliver_due() == 1
    assert len(bot.sent) == 1


async def test_a_stopping_worker_finishes_its_message_and_hands_back_the_rest(
    storage: Storage,
) -> None:
    await _queue(storage, 5)
    bot, clock = FakeBot(), FrozenClock(NOW)
    worker = _worker(storage, bot, clock)
    original = bot.send_message

    async def send_then_stop(chat_id: int, text: str, reply_markup: Any = None) -> Any:
        sent = await original(chat_id, text, reply_markup)
        worker.stopping = True  # SIGTERM arrives while the first message is on its way
        return sent

    bot.send_message = send_then_stop  # type: ignore[method-assign]
    assert await worker.deliver_due(limit=5) == 1
    assert await _statuses(storage) == Counter({"sent": 1, "pending": 4})  # none stuck "sending"


async def test_each_outcome_is_counted_for_the_metrics(storage: Storage) -> None:
    await _queue(storage, 3)
    bot, clock = FakeBot(), FrozenClock(NOW)
    bot.fail_with = [
        TelegramForbiddenError(method=SendMessage(chat_id=1000, text="x"), message="Forbidden"),
        RuntimeError("network down"),
    ]
    metrics = Metrics()
    rate = SendRate(100_000, 0)
    worker = OutboxDelivery(storage.uow, bot, clock, rate, metrics=metrics)  # type: ignore[arg-type]
    assert await worker.deliver_due() == 1
    counted = {
        outcome: metrics.registry.get_sample_value("outbox_messages_total", {"outcome": outcome})
        for outcome in ("sent", "unreachable", "retried", "failed")
    }
    assert counted == {"sent": 1, "unreachable": 1, "retried": 1, "failed": 0}


async def test_a_failed_attachment_is_sent_again_without_its_text(storage: Storage) -> None:
    document = {"file_name": "b.ics", "mime_type": "text/calendar", "content_b64": "QkVHSU4="}
    async with storage.uow() as uow:
        await uow.notifications.enqueue(
            [
                {
                    "kind": "booking_confirmed",
                    "recipient_chat_id": 1000,
                    "payload": {"text": "Confirmed", "document": document},
                    "due_at": NOW,
                    "dedupe_key": "confirmed:1",
                }
            ]
        )
        await uow.commit()
    bot, clock = FakeBot(), FrozenClock(NOW)
    bot.fail_documents_with = [RuntimeError("timeout")]
    worker = _worker(storage, bot, clock)
    assert await worker.deliver_due() == 0  # the text went, the .ics did not
    clock.advance(timedelta(minutes=1))
    assert await worker.deliver_due() == 1
    assert bot.sent == [(1000, "Confirmed"), (1000, "<document>")]  # the text only once
    assert await _statuses(storage) == Counter({"sent": 1})

"""Sends due outbox rows through the bot: once each, waiting out 429s, stopping at 403."""

from __future__ import annotations

import base64
import time
import uuid
from datetime import timedelta
from typing import Any

import structlog
from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import BufferedInputFile

from bot.outbox_buttons import keyboard_from_intents
from core.clock import Clock
from core.enums import NotificationStatus
from core.metrics import Metrics
from core.send_rate import SendRate
from domain.messaging.delivery import (
    REMINDER_KINDS,
    claim,
    drop_if_started,
    hand_back,
    record_retry,
    record_sent,
    record_unreachable,
    renew,
    still_mine,
)
from domain.records import Notification
from storage.uow import UnitOfWorkFactory

log = structlog.get_logger(__name__)
DEFAULT_LEASE = timedelta(seconds=30)


class _TextSentOnly(Exception):
    """The message's text went out, its document did not (`cause` says why)."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(repr(cause))
        self.cause = cause


class OutboxDelivery:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        bot: Bot,
        clock: Clock,
        rate: SendRate | None = None,
        lease: timedelta = DEFAULT_LEASE,
        metrics: Metrics | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._bot = bot
        self._clock = clock
        self._rate = rate or SendRate(per_second=25, chat_interval=1.0)
        self._lease = lease
        self._outcomes = (metrics or Metrics()).outbox_messages
        self.stopping = False
        self.worker = f"worker-{uuid.uuid4().hex[:8]}"

    async def deliver_due(self, limit: int | None = None) -> int:
        """One pass: claim what is due, send it, record the outcome. Returns how many were sent.
        A pass claims only what the rate can send in a fraction of the lease, and renews the
        lease on what is left if sending takes longer (429s), so no other worker takes a row
        this one still holds, and a crashed worker's rows come free soon."""
        seconds = self._lease.total_seconds()
        limit = limit or max(1, min(200, int(self._rate.per_second * seconds / 4)))
        async with self._uow_factory() as uow:
            rows = await claim(uow, self._clock.now(), self.worker, self._lease, limit)
            await uow.commit()
        sent = 0
        renewed = time.monotonic()
        for index, row in enumerate(rows):
            if self.stopping:  # shutting down: hand back what was not started
                await self._hand_back([r.id for r in rows[index:]])
                break
            if time.monotonic() - renewed > seconds / 2:
                await self._renew([r.id for r in rows[index:]])
                renewed = time.monotonic()
            sent += await self._deliver(row)
        return sent

    async def _hand_back(self, ids: list[int]) -> None:
        async with self._uow_factory() as uow:
            await hand_back(uow, ids, self.worker)
            await uow.commit()

    async def _renew(self, ids: list[int]) -> None:
        async with self._uow_factory() as uow:
            await renew(uow, ids, self.worker, self._clock.now() + self._lease)
            await uow.commit()

    async def _deliver(self, row: Notification) -> int:
        async with self._uow_factory() as uow:
            if not await still_mine(uow, row, self.worker):  # e.g. its auto-message paused
                return 0
        if row.kind in REMINDER_KINDS:
            async with self._uow_factory() as uow:
                dropped = await drop_if_started(uow, row, self._clock.now())
                await uow.commit()
            if dropped:
                return 0
        try:
            sent_as = await self._send(row.recipient_chat_id, row.payload)
        except _TextSentOnly as partly:
            await self._failed(row, partly.cause, text_sent=True)
            return 0
        except Exception as exc:
            await self._failed(row, exc)
            return 0
        async with self._uow_factory() as uow:
            await record_sent(uow, row, self._clock.now(), sent_as)
            await uow.commit()
        self._outcomes.labels(outcome="sent").inc()
        return 1

    async def _failed(self, row: Notification, exc: Exception, *, text_sent: bool = False) -> None:
        """Telegram's answer, read: 403 the recipient blocked the bot, 429 wait as told and try
        again (not counted), anything else retried with backoff, then kept as failed."""
        async with self._uow_factory() as uow:
            if isinstance(exc, TelegramForbiddenError):
                await record_unreachable(uow, row, str(exc))
                outcome = "unreachable"
            elif isinstance(exc, TelegramRetryAfter):
                wait = timedelta(seconds=exc.retry_after)
                status = await record_retry(
                    uow,
                    row,
                    self._clock.now(),
                    str(exc),
                    wait=wait,
                    counted=False,
                    text_sent=text_sent,
                )
                outcome = "failed" if status is NotificationStatus.FAILED else "retried"
            else:
                log.warning("outbox.send_failed", notification_id=row.id, error=repr(exc))
                status = await record_retry(
                    uow, row, self._clock.now(), repr(exc), text_sent=text_sent
                )
                outcome = "failed" if status is NotificationStatus.FAILED else "retried"
            await uow.commit()
        self._outcomes.labels(outcome=outcome).inc()
        if outcome == "unreachable":
            log.info("outbox.recipient_blocked_bot", chat_id=row.recipient_chat_id)

    async def _send(self, chat_id: int, payload: dict[str, Any]) -> int | None:
        """The text (unless an earlier attempt sent it), then the document, if any. The text's
        Telegram message id (None when an earlier attempt sent it). A copy of a message (a
        candidate's media relayed to a recruiter) goes out instead of an empty text, and its
        id is the one recorded, so a reply to the copy is traced too."""
        sent_as = None
        copy = payload.get("copy")
        if copy:
            await self._rate.wait_turn(chat_id)
            copied = await self._bot.copy_message(
                chat_id, from_chat_id=int(copy["from_chat_id"]), message_id=int(copy["message_id"])
            )
            sent_as = copied.message_id
        if payload.get("text") and not payload.get("text_sent"):
            markup = keyboard_from_intents(payload["buttons"]) if payload.get("buttons") else None
            await self._rate.wait_turn(chat_id)
            sent = await self._bot.send_message(chat_id, payload["text"], reply_markup=markup)
            sent_as = sent.message_id
        document = payload.get("document")
        if document:
            await self._rate.wait_turn(chat_id)
            content = base64.b64decode(document["content_b64"])
            try:
                await self._bot.send_document(
                    chat_id, BufferedInputFile(content, filename=document["file_name"])
                )
            except Exception as exc:
                raise _TextSentOnly(exc) from exc
        return sent_as

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update

from core.enums import NotificationStatus
from storage.dialect import insert_ignoring_conflicts
from storage.models import Notification, NotificationSubject
from storage.repositories.base import Repository

# A message in these states is on its way or delivered: its buttons may be pressed.
_DELIVERABLE = (NotificationStatus.PENDING, NotificationStatus.SENDING, NotificationStatus.SENT)


class NotificationRepository(Repository[Notification]):
    model = Notification
    cache_tag = "notifications"

    async def enqueue(self, rows: Sequence[dict[str, Any]]) -> int:
        """Queue messages; a row whose dedupe_key exists already is skipped, not doubled.
        Returns how many rows were new."""
        if not rows:
            return 0
        prepared = [
            {"status": NotificationStatus.PENDING, "attempts": 0, "payload": {}, **row}
            for row in rows
        ]
        stmt = insert_ignoring_conflicts(
            self.session, Notification, prepared, conflict_on=["dedupe_key"]
        )
        result = await self.session.execute(stmt)
        self._uow.mark_written(self.cache_tag)  # wakes the sender after the commit
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def name_subjects(self, notification_id: int, candidate_ids: Sequence[int]) -> None:
        """Record the candidates a message names (see `NotificationSubject`)."""
        self.session.add_all(
            NotificationSubject(notification_id=notification_id, candidate_id=candidate_id)
            for candidate_id in sorted(set(candidate_ids))
        )
        await self.session.flush()

    async def highest_recipient(self) -> int | None:
        return await self.session.scalar(select(func.max(Notification.recipient_chat_id)))

    async def id_by_dedupe_key(self, dedupe_key: str) -> int | None:
        stmt = select(Notification.id).where(Notification.dedupe_key == dedupe_key)
        return await self.session.scalar(stmt)

    async def queued_with_key_prefix(self, candidate_id: int, kind: str, prefix: str) -> bool:
        """Whether a message of `kind` whose dedupe key starts with `prefix` was queued to this
        candidate and not given up (cancelled, failed, unreachable or held)."""
        stmt = (
            select(Notification.id)
            .where(
                Notification.candidate_id == candidate_id,
                Notification.kind == kind,
                Notification.dedupe_key.startswith(prefix, autoescape=True),
                Notification.status.in_(_DELIVERABLE),
            )
            .limit(1)
        )
        return await self.session.scalar(stmt) is not None

    async def cancel_pending_for_booking(self, booking_id: int) -> int:
        return await self._cancel_pending(Notification.booking_id == booking_id)

    async def claim_due(
        self, now: datetime, worker: str, lease: timedelta, limit: int = 50
    ) -> list[Notification]:
        """Take due rows for one worker: pending ones, and those whose worker's lease ran out.
        PostgreSQL locks the chosen rows and skips rows other workers hold (SKIP LOCKED); SQLite
        has one writer at a time. The conditional update is the last word either way."""
        claimable = and_(
            Notification.due_at <= now,
            or_(
                Notification.status == NotificationStatus.PENDING,
                and_(
                    Notification.status == NotificationStatus.SENDING,
                    Notification.locked_until < now,
                ),
            ),
        )
        chosen = (
            select(Notification.id)
            .where(claimable)
            .order_by(Notification.due_at, Notification.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = list((await self.session.scalars(chosen)).all())
        if not ids:
            return []
        await self.session.execute(
            update(Notification)
            .where(Notification.id.in_(ids), claimable)
            .values(status=NotificationStatus.SENDING, locked_by=worker, locked_until=now + lease)
            .execution_options(synchronize_session=False)
        )
        rows = await self.session.scalars(
            select(Notification)
            .where(Notification.id.in_(ids), Notification.locked_by == worker)
            .order_by(Notification.due_at, Notification.id)
            .execution_options(populate_existing=True)
        )
        return list(rows.all())

    async def extend_lease(self, ids: list[int], worker: str, until: datetime) -> None:
        await self.session.execute(
            update(Notification)
            .where(
                Notification.id.in_(ids),
                Notification.locked_by == worker,
                Notification.status == NotificationStatus.SENDING,
            )
            .values(locked_until=until)
            .execution_options(synchronize_session=False)
        )

    async def is_claimed_by(self, notification_id: int, worker: str) -> bool:
        """Whether `worker` still holds the row (claimed, not sent, not taken back)."""
        stmt = select(Notification.id).where(
            Notification.id == notification_id,
            Notification.locked_by == worker,
            Notification.status == NotificationStatus.SENDING,
        )
        return await self.session.scalar(stmt) is not None

    async def release_claim(self, ids: list[int], worker: str) -> None:
        """Give claimed, unsent rows back (a worker stopping); others may take them at once."""
        await self.session.execute(
            update(Notification)
            .where(
                Notification.id.in_(ids),
                Notification.locked_by == worker,
                Notification.status == NotificationStatus.SENDING,
            )
            .values(status=NotificationStatus.PENDING, locked_by=None, locked_until=None)
            .execution_options(synchronize_session=False)
        )

    async def settle(
        self,
        notification_id: int,
        status: NotificationStatus,
        *,
        error: str | None = None,
        sent_at: datetime | None = None,
        due_at: datetime | None = None,
        attempted: bool = True,
        text_sent: bool = False,
        sent_message_id: int | None = None,
    ) -> Notification | None:
        """Record how one claimed row's attempt ended and free it from its worker."""
        row = await self.get(notification_id)
        if row is None:
            return None
        row.status = status
        row.attempts += 1 if attempted else 0
        row.last_error = error[:1000] if error is not None else row.last_error
        row.sent_at = sent_at or row.sent_at
        row.sent_message_id = sent_message_id or row.sent_message_id
        row.due_at = due_at or row.due_at
        if text_sent:  # the next attempt sends only what is missing
            row.payload = {**row.payload, "text_sent": True}
        row.locked_by = row.locked_until = None
        return row

    async def cancel_pending_for_recipient(self, chat_id: int) -> int:
        return await self._cancel_pending(Notification.recipient_chat_id == chat_id)

    async def _cancel_pending(self, which: ColumnElement[bool]) -> int:
        result = await self.session.execute(
            update(Notification)
            .where(which, Notification.status == NotificationStatus.PENDING)
            .values(status=NotificationStatus.CANCELED)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def next_due_at(self) -> datetime | None:
        """When the sender next has work: the earliest pending row, or the earliest lease to
        run out (a crashed worker's rows)."""
        pending = await self.session.scalar(
            select(func.min(Notification.due_at)).where(
                Notification.status == NotificationStatus.PENDING
            )
        )
        leased = await self.session.scalar(
            select(func.min(Notification.locked_until)).where(
                Notification.status == NotificationStatus.SENDING
            )
        )
        moments = [m for m in (pending, leased) if m is not None]
        return min(moments) if moments else None

    async def relayed_as(self, chat_id: int, message_id: int) -> Notification | None:
        """The outbox message that went out to `chat_id` as Telegram message `message_id`
        (what a reply, or a pressed button, points at)."""
        stmt = select(Notification).where(
            Notification.recipient_chat_id == chat_id,
            Notification.sent_message_id == message_id,
        )
        return (await self.session.scalars(stmt.limit(1))).first()

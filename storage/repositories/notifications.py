from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update

from storage.dialect import insert_ignoring_conflicts
from storage.models import Notification
from storage.models.enums import NotificationStatus
from storage.repositories.base import Repository


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
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def cancel_pending_for_booking(self, booking_id: int) -> int:
        return await self._cancel_pending(Notification.booking_id == booking_id)

    async def claim_due(
        self, now: datetime, worker: str, lease: timedelta, limit: int = 50
    ) -> list[Notification]:
        """Take due rows for one worker: pending ones, and those whose worker's lease ran out.
        The conditional update lets exactly one worker take each row."""
        stmt = (
            select(Notification.id)
            .where(
                Notification.due_at <= now,
                or_(
                    Notification.status == NotificationStatus.PENDING,
                    (Notification.status == NotificationStatus.SENDING)
                    & (Notification.locked_until < now),
                ),
            )
            .order_by(Notification.due_at, Notification.id)
            .limit(limit)
        )
        claimed: list[int] = []
        for row_id in (await self.session.scalars(stmt)).all():
            result = await self.session.execute(
                update(Notification)
                .where(
                    Notification.id == row_id,
                    or_(
                        Notification.status == NotificationStatus.PENDING,
                        (Notification.status == NotificationStatus.SENDING)
                        & (Notification.locked_until < now),
                    ),
                )
                .values(
                    status=NotificationStatus.SENDING, locked_by=worker, locked_until=now + lease
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(row_id)
        if not claimed:
            return []
        rows = await self.session.scalars(
            select(Notification)
            .where(Notification.id.in_(claimed))
            .order_by(Notification.due_at, Notification.id)
        )
        return list(rows.all())

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
        stmt = select(func.min(Notification.due_at)).where(
            Notification.status == NotificationStatus.PENDING
        )
        return await self.session.scalar(stmt)

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

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
        result = await self.session.execute(
            update(Notification)
            .where(
                Notification.booking_id == booking_id,
                Notification.status == NotificationStatus.PENDING,
            )
            .values(status=NotificationStatus.CANCELED)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def next_due_at(self) -> datetime | None:
        stmt = select(func.min(Notification.due_at)).where(
            Notification.status == NotificationStatus.PENDING
        )
        return await self.session.scalar(stmt)

"""Auto-messages, the candidates they reach, and the outbox rows they queued."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, select, update

from core.enums import (
    ACTIVE_BOOKING_STATUSES,
    AutoMessageState,
    CandidateStatus,
    NotificationStatus,
)
from storage.models import (
    AutoMessage,
    Booking,
    Candidate,
    CandidateStatusChange,
    City,
    Notification,
    WaitlistEntry,
)
from storage.repositories.base import Repository


@dataclass(frozen=True)
class RecipientFilter:
    """Which reachable candidates an auto-message writes to; every condition given must hold,
    an empty or None one matches everyone."""

    city_ids: Sequence[int] = ()
    statuses: Sequence[str] = ()  # CandidateStatus values
    source: str | None = None
    registered_from: datetime | None = None  # created at or after
    registered_to: datetime | None = None  # created before
    status: CandidateStatus | None = None
    status_changed_by: datetime | None = None  # the last status change at or before
    without_active_booking: bool = False
    waiting_since_by: datetime | None = None  # on a waitlist since at or before
    consents: Sequence[str] = ()  # candidates.consent values allowed (empty: any)


def _recipient_conditions(where: RecipientFilter) -> list[Any]:
    conditions: list[Any] = [Candidate.reachable.is_(True)]
    if where.consents:
        conditions.append(Candidate.consent.in_(where.consents))
    if where.city_ids:
        conditions.append(Candidate.city_id.in_(where.city_ids))
    if where.statuses:
        conditions.append(Candidate.status.in_(where.statuses))
    if where.source:
        conditions.append(Candidate.source == where.source)
    if where.registered_from:
        conditions.append(Candidate.created_at >= where.registered_from)
    if where.registered_to:
        conditions.append(Candidate.created_at < where.registered_to)
    if where.status is not None:
        conditions.append(Candidate.status == where.status)
    if where.status_changed_by is not None:
        since = (
            select(func.max(CandidateStatusChange.created_at))
            .where(CandidateStatusChange.candidate_id == Candidate.id)
            .scalar_subquery()
        )
        conditions.append(since <= where.status_changed_by)
    if where.without_active_booking:
        booked = exists().where(
            and_(Booking.candidate_id == Candidate.id, Booking.status.in_(ACTIVE_BOOKING_STATUSES))
        )
        conditions.append(~booked)
    if where.waiting_since_by is not None:
        waited = exists().where(
            and_(
                WaitlistEntry.candidate_id == Candidate.id,
                WaitlistEntry.created_at <= where.waiting_since_by,
            )
        )
        conditions.append(waited)
    return conditions


class AutoMessageRepository(Repository[AutoMessage]):
    model = AutoMessage
    cache_tag = "auto_messages"

    async def get_locked(self, message_id: int) -> AutoMessage | None:
        """The message as last committed, locked until the transaction ends (PostgreSQL; SQLite
        has one writer at a time anyway): a run, a pause and a resume of one message are
        decided one after the other, each seeing what the one before it wrote."""
        stmt = (
            select(AutoMessage)
            .where(AutoMessage.id == message_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(stmt)).first()

    async def list_in_state(self, *states: AutoMessageState) -> list[AutoMessage]:
        stmt = select(AutoMessage).where(AutoMessage.state.in_(states)).order_by(AutoMessage.id)
        return list((await self.session.scalars(stmt)).all())

    async def newest(self, limit: int) -> list[AutoMessage]:
        stmt = select(AutoMessage).order_by(AutoMessage.id.desc()).limit(limit)
        return list((await self.session.scalars(stmt)).all())

    async def recipients(
        self, where: RecipientFilter, *, after_id: int, limit: int
    ) -> list[tuple[Candidate, str | None]]:
        """The next candidates the filter matches, by id after `after_id`, each with their
        city's time zone (None without a city)."""
        stmt = (
            select(Candidate, City.timezone)
            .outerjoin(City, City.id == Candidate.city_id)
            .where(*_recipient_conditions(where), Candidate.id > after_id)
            .order_by(Candidate.id)
            .limit(limit)
        )
        return [(candidate, zone) for candidate, zone in (await self.session.execute(stmt)).all()]

    async def count_people(self, where: RecipientFilter) -> int:
        """How many people the filter matches: a person's applications share their Telegram
        id, and an auto-message writes to each person once."""
        stmt = select(func.count(func.distinct(Candidate.telegram_id))).where(
            *_recipient_conditions(where)
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def count_queued(
        self, message_ids: Sequence[int]
    ) -> list[tuple[int, NotificationStatus, int]]:
        """How many of each message's outbox rows are in each status: one query for all."""
        rows = await self.session.execute(
            select(Notification.auto_message_id, Notification.status, func.count())
            .where(Notification.auto_message_id.in_(list(message_ids)))
            .group_by(Notification.auto_message_id, Notification.status)
        )
        return [
            (message_id, status, n)
            for message_id, status, n in rows.all()
            if message_id is not None
        ]

    async def move_queued(
        self,
        message_id: int,
        sources: Sequence[NotificationStatus],
        target: NotificationStatus,
    ) -> None:
        """The message's outbox rows still in one of `sources` go to `target` (held or pending).
        A row a sender has claimed but not sent (SENDING) is taken back from its worker."""
        await self.session.execute(
            update(Notification)
            .where(Notification.auto_message_id == message_id, Notification.status.in_(sources))
            .values(status=target, locked_by=None, locked_until=None)
            .execution_options(synchronize_session=False)
        )
        self._uow.mark_written("notifications")

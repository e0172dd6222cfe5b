"""A person's rows in every table: found by walking the metadata's foreign keys from
`candidates` (a table added later is found too), read for the copy the candidate may ask for,
and changed for erasure (`domain.privacy`). No rule here: the domain says what to erase."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Table, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.enums import ACTIVE_BOOKING_STATUSES, NotificationStatus
from storage.models import (
    AuditLogEntry,
    Base,
    Booking,
    Candidate,
    CandidateNote,
    ContactRequest,
    InboundMessage,
    Notification,
    NotificationSubject,
    Slot,
    TestAnswer,
    TestResult,
    WaitlistEntry,
)
from storage.models.booking import BookingStatusChange
from storage.models.candidate import CandidateStatusChange

if TYPE_CHECKING:
    from storage.uow import UnitOfWork

CANDIDATES = "candidates"


def personal_tables() -> dict[str, list[tuple[str, str]]]:
    """Every table holding rows of a candidate, with the links that say whose a row is:
    {table: [(column, referenced table)]}, `candidates` first, found by following foreign keys
    (a table's rows are the person's when they point at the person's rows)."""
    linked: dict[str, list[tuple[str, str]]] = {CANDIDATES: []}
    changed = True
    while changed:
        changed = False
        for table in Base.metadata.sorted_tables:
            for fk in table.foreign_keys:
                target = fk.column.table.name
                if target not in linked or not fk.column.primary_key:
                    continue
                links = linked.setdefault(table.name, [])
                link = (fk.parent.name, target)
                if link not in links and table.name != target:
                    links.append(link)
                    changed = True
    return linked


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    return value


class PersonalDataRepository:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    @property
    def session(self) -> AsyncSession:
        return self._uow.session

    async def rows_of(
        self, candidate_ids: Collection[int], chat_id: int
    ) -> dict[str, list[dict[str, Any]]]:
        """Every row of the person (all their applications), by table; the messages sent to
        their chat as well."""
        tables = Base.metadata.tables
        keys: dict[str, set[Any]] = {CANDIDATES: set(candidate_ids)}
        found: dict[str, dict[Any, dict[str, Any]]] = {}
        links = personal_tables()
        changed = True
        while changed:  # until a whole pass finds no more rows
            changed = False
            for name in links:
                table = tables[name]
                conditions: list[ColumnElement[bool]] = []
                if name == CANDIDATES:
                    conditions.append(table.c.id.in_(sorted(candidate_ids)))
                for column, target in links[name]:
                    ids = keys.get(target)
                    if ids:
                        conditions.append(table.c[column].in_(sorted(ids)))
                if name == Notification.__tablename__:
                    conditions.append(table.c.recipient_chat_id == chat_id)
                if not conditions:
                    continue
                rows = await self._read(table, or_(*conditions))
                if name not in found or set(rows) != set(found[name]):
                    changed = True
                    found[name] = rows
                    keys[name] = set(rows)
        return {name: list(rows.values()) for name, rows in found.items()}

    async def _read(self, table: Table, where: ColumnElement[bool]) -> dict[Any, dict[str, Any]]:
        pk = list(table.primary_key.columns)
        result = await self.session.execute(select(table).where(where).order_by(*pk))
        rows: dict[Any, dict[str, Any]] = {}
        for row in result.mappings():
            key = row[pk[0].name] if len(pk) == 1 else tuple(row[c.name] for c in pk)
            rows[key] = {column: _plain(value) for column, value in row.items()}
        return rows

    # --- erasure ---------------------------------------------------------------------------

    def _about(self, candidate_id: int, chat_id: int) -> ColumnElement[bool]:
        """Messages to the person, or about them: by their id or by one of their bookings."""
        bookings = select(Booking.id).where(Booking.candidate_id == candidate_id)
        return or_(
            Notification.candidate_id == candidate_id,
            Notification.recipient_chat_id == chat_id,
            Notification.booking_id.in_(bookings),
        )

    async def cancel_pending_messages(self, candidate_id: int, chat_id: int) -> int:
        """Every queued message to the person, or about them to anyone."""
        result = await self.session.execute(
            update(Notification)
            .where(
                self._about(candidate_id, chat_id),
                Notification.status == NotificationStatus.PENDING,
            )
            .values(status=NotificationStatus.CANCELED)
            .execution_options(synchronize_session=False)
        )
        self._uow.mark_written("notifications")
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def redact_where_named(self, candidate_id: int, redact: Callable[[str], str]) -> None:
        """Messages to someone else that name the person among others (`NotificationSubject`),
        queued or sent: `redact` rewrites their text; the row and the others' lines stay."""
        named = await self.session.scalars(
            select(Notification)
            .join(NotificationSubject, NotificationSubject.notification_id == Notification.id)
            .where(NotificationSubject.candidate_id == candidate_id)
        )
        for message in named:
            text = (message.payload or {}).get("text")
            if isinstance(text, str):
                message.payload = {**message.payload, "text": redact(text)}
        self._uow.mark_written("notifications")

    async def cancel_pending_to(self, chat_id: int) -> int:
        result = await self.session.execute(
            update(Notification)
            .where(
                Notification.recipient_chat_id == chat_id,
                Notification.status == NotificationStatus.PENDING,
            )
            .values(status=NotificationStatus.CANCELED)
            .execution_options(synchronize_session=False)
        )
        self._uow.mark_written("notifications")
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def blank_messages(self, candidate_id: int, chat_id: int, new_chat_id: int) -> None:
        """What was sent to or about the person: the words go, the row (and its count) stays."""
        await self.session.execute(
            update(Notification)
            .where(self._about(candidate_id, chat_id))
            .values(payload={"erased": True}, last_error=None)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            update(Notification)
            .where(Notification.recipient_chat_id == chat_id)
            .values(recipient_chat_id=new_chat_id)
            .execution_options(synchronize_session=False)
        )
        self._uow.mark_written("notifications")

    async def remove_words(self, candidate_id: int) -> None:
        """What the person wrote and what was written about them: messages, notes, answers,
        a contact request's words, reasons typed for their status and bookings; their place on
        a waiting list."""
        session = self.session
        for model in (InboundMessage, CandidateNote, WaitlistEntry):
            await session.execute(
                delete(model)
                .where(model.candidate_id == candidate_id)
                .execution_options(synchronize_session=False)
            )
        await session.execute(
            update(ContactRequest)
            .where(ContactRequest.candidate_id == candidate_id)
            .values(wrote=None)
            .execution_options(synchronize_session=False)
        )
        results = select(TestResult.id).where(TestResult.candidate_id == candidate_id)
        await session.execute(
            update(TestAnswer)
            .where(TestAnswer.result_id.in_(results))
            .values(answer="")
            .execution_options(synchronize_session=False)
        )
        await session.execute(
            update(CandidateStatusChange)
            .where(CandidateStatusChange.candidate_id == candidate_id)
            .values(reason=None)
            .execution_options(synchronize_session=False)
        )
        bookings = select(Booking.id).where(Booking.candidate_id == candidate_id)
        await session.execute(
            update(BookingStatusChange)
            .where(BookingStatusChange.booking_id.in_(bookings))
            .values(reason=None)
            .execution_options(synchronize_session=False)
        )
        await session.execute(
            update(Booking)
            .where(Booking.candidate_id == candidate_id)
            .values(reason=None)
            .execution_options(synchronize_session=False)
        )
        await self._clear_audit_reasons(candidate_id)
        self._uow.mark_written(
            "audit_log",
            "inbound_messages",
            "candidate_notes",
            "waitlist_entries",
            "contact_requests",
            "test_results",
            "candidate_status_history",
            "bookings",
            "slots",
        )

    async def _clear_audit_reasons(self, candidate_id: int) -> None:
        """The audit log's entries on the person and their bookings keep what was done, by
        whom, when; the reasons typed (free text) go."""
        booking_ids = [
            str(i)
            for i in await self.session.scalars(
                select(Booking.id).where(Booking.candidate_id == candidate_id)
            )
        ]
        entries = await self.session.scalars(
            select(AuditLogEntry).where(
                or_(
                    (AuditLogEntry.entity == "candidate")
                    & (AuditLogEntry.entity_id == str(candidate_id)),
                    (AuditLogEntry.entity == "booking") & AuditLogEntry.entity_id.in_(booking_ids),
                )
            )
        )
        for entry in entries:
            if (entry.details or {}).get("reason") is not None:
                entry.details = {**entry.details, "reason": None}

    async def inactive_since(
        self, cutoff: datetime, now: datetime, limit: int, after: int = 0
    ) -> list[int]:
        """Candidates not erased yet (with an id above `after`) who have done nothing since
        `cutoff`: no change to their row, no message, no booking changed, none active for a time
        still to come (`now`), no place on a waiting list, no test or contact request since;
        nor has any other application of the same person (one account)."""
        other = aliased(Candidate)
        active_other = select(other.id).where(
            other.telegram_id == Candidate.telegram_id,
            other.id != Candidate.id,
            _active(other, cutoff, now),
        )
        stmt = (
            select(Candidate.id)
            .where(
                Candidate.id > after,
                Candidate.erased_at.is_(None),
                ~_active(Candidate, cutoff, now),
                ~active_other.exists(),
            )
            .order_by(Candidate.id)
            .limit(limit)
        )
        return list((await self.session.scalars(stmt)).all())

    async def claim_erasure(self, candidate_id: int, now: datetime) -> bool:
        """Mark the person erased unless they are already (by anyone, even meanwhile): whether
        this erasure is the one to go on."""
        result = await self.session.execute(
            update(Candidate)
            .where(Candidate.id == candidate_id, Candidate.erased_at.is_(None))
            .values(erased_at=now)
            .execution_options(synchronize_session=False)
        )
        self._uow.mark_written("candidates")
        return int(result.rowcount) == 1  # type: ignore[attr-defined]


def _active(candidate: Any, cutoff: datetime, now: datetime) -> ColumnElement[bool]:
    """Whether the application `candidate` (the table or an alias of it) did anything since
    `cutoff`, or holds something still to come."""
    recent_message = select(InboundMessage.id).where(
        InboundMessage.candidate_id == candidate.id, InboundMessage.created_at >= cutoff
    )
    recent_booking = select(Booking.id).where(
        Booking.candidate_id == candidate.id, Booking.updated_at >= cutoff
    )
    coming_booking = (
        select(Booking.id)
        .join(Slot, Slot.id == Booking.slot_id)
        .where(
            Booking.candidate_id == candidate.id,
            Booking.status.in_(ACTIVE_BOOKING_STATUSES),
            Slot.starts_at >= now,
        )
    )
    waiting = select(WaitlistEntry.id).where(WaitlistEntry.candidate_id == candidate.id)
    recent_test = select(TestResult.id).where(
        TestResult.candidate_id == candidate.id,
        or_(TestResult.started_at >= cutoff, TestResult.finished_at >= cutoff),
    )
    recent_request = select(ContactRequest.id).where(
        ContactRequest.candidate_id == candidate.id, ContactRequest.created_at >= cutoff
    )
    return or_(
        candidate.updated_at >= cutoff,
        candidate.created_at >= cutoff,
        recent_message.exists(),
        recent_booking.exists(),
        coming_booking.exists(),
        waiting.exists(),
        recent_test.exists(),
        recent_request.exists(),
    )

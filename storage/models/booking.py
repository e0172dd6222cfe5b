from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import uuid4

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.enums import ACTIVE_BOOKING_STATUSES, BookingStatus, SlotPurpose
from storage.models.base import Base, CreatedAt
from storage.models.indexes import partial_unique_index
from storage.types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from storage.models.candidate import Candidate
    from storage.models.slot import Slot


def new_calendar_uid() -> str:
    return f"{uuid4()}@recruiting-bot"


_ACTIVE_SQL = "status IN (" + ", ".join(f"'{s.value}'" for s in ACTIVE_BOOKING_STATUSES) + ")"
_ACTIVE = text(_ACTIVE_SQL)
# A booking held outright, and a request to move one (it stands beside the booking it would
# replace until approved): each at most one per candidate and purpose.
_HELD = text(_ACTIVE_SQL + " AND replaces_booking_id IS NULL")
_MOVE_REQUEST = text(_ACTIVE_SQL + " AND replaces_booking_id IS NOT NULL")


class Booking(CreatedAt, Base):
    """A candidate's hold on a seat of a slot. The database allows one active booking per seat and
    one per candidate and purpose (partial unique indexes, valid on SQLite and PostgreSQL),
    besides at most one pending request to move it (`replaces_booking_id` set): the booking it
    would replace stands until the request is approved."""

    __tablename__ = "bookings"
    __table_args__ = (
        # A slot seats `capacity` people: each active booking holds one numbered seat of it
        # (1..capacity, chosen in the statement that inserts it), never two the same.
        partial_unique_index(
            "uq_bookings_active_slot_seat",
            "slot_id",
            "seat",
            where=_ACTIVE,
        ),
        partial_unique_index(
            "uq_bookings_active_candidate_purpose",
            "candidate_id",
            "purpose",
            where=_HELD,
        ),
        partial_unique_index(
            "uq_bookings_move_request_candidate_purpose",
            "candidate_id",
            "purpose",
            where=_MOVE_REQUEST,
        ),
        CheckConstraint("seat >= 1", name="seat_positive"),
        Index("ix_bookings_slot", "slot_id"),
        Index("ix_bookings_candidate", "candidate_id"),
        Index("ix_bookings_status_updated", "status", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    seat: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Copied from the slot so the per-candidate uniqueness can be an index.
    purpose: Mapped[SlotPurpose] = mapped_column(str_enum(SlotPurpose))
    status: Mapped[BookingStatus] = mapped_column(
        str_enum(BookingStatus), default=BookingStatus.PENDING
    )
    reason: Mapped[str | None] = mapped_column(Text)
    # Set while this is a pending request to move that booking; cleared when approved.
    replaces_booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # The event this booking is in people's calendars: a move keeps the UID and raises the
    # sequence, so calendars update the event instead of adding another.
    calendar_uid: Mapped[str] = mapped_column(String(100), default=new_calendar_uid)
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    slot: Mapped[Slot] = relationship()
    candidate: Mapped[Candidate] = relationship()


class BookingStatusChange(CreatedAt, Base):
    __tablename__ = "booking_history"
    __table_args__ = (Index("ix_booking_history_booking", "booking_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    from_status: Mapped[BookingStatus | None] = mapped_column(str_enum(BookingStatus))
    to_status: Mapped[BookingStatus] = mapped_column(str_enum(BookingStatus))
    actor: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)

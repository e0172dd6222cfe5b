from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.enums import NotificationStatus
from storage.models.base import Base, CreatedAt
from storage.types import UTCDateTime, str_enum


class Notification(CreatedAt, Base):
    """The outbox: every message the system sends on its own is a row first."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_status_due", "status", "due_at"),
        Index("ix_notifications_booking", "booking_id"),
        Index("ix_notifications_recipient_status", "recipient_chat_id", "status"),
        Index("ix_notifications_auto_message", "auto_message_id"),
        # The candidate page's messages, and the cascade when a candidate is deleted.
        Index("ix_notifications_candidate", "candidate_id"),
        # A recruiter's reply to a relayed message finds the candidate it was about.
        Index("ix_notifications_sent_message", "recipient_chat_id", "sent_message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    recipient_chat_id: Mapped[int] = mapped_column(BigInteger)
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE")
    )
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    auto_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("auto_messages.id", ondelete="SET NULL")
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[NotificationStatus] = mapped_column(
        str_enum(NotificationStatus), default=NotificationStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    locked_by: Mapped[str | None] = mapped_column(String(64))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The Telegram message id it went out as (the last one, when it is text and a file).
    sent_message_id: Mapped[int | None] = mapped_column(BigInteger)


class NotificationSubject(Base):
    """A candidate a message names when it is not theirs alone (a recruiter's digest lists
    several): erasure finds the message through it and takes their name out of its text."""

    __tablename__ = "notification_subjects"

    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), primary_key=True
    )
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True, index=True
    )

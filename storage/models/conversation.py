"""The conversation with a candidate: what they wrote that no flow was waiting for, the
recruiters' private notes, and tags. What the product sends them is the outbox
(`notifications`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.enums import InboundKind
from storage.models.base import Base, CreatedAt
from storage.types import UTCDateTime, str_enum


class InboundMessage(CreatedAt, Base):
    """A message from a candidate kept for the thread: text, or media by Telegram file id
    (downloaded through the Bot API when someone opens it). Unread until `read_at`."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        Index("ix_inbound_messages_candidate", "candidate_id", "created_at"),
        # A Telegram message is kept once, however often its update is delivered.
        UniqueConstraint("candidate_id", "telegram_message_id"),
        # The inbox: unread messages, by candidate.
        Index("ix_inbound_messages_unread", "read_at", "candidate_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    kind: Mapped[InboundKind] = mapped_column(str_enum(InboundKind))
    text: Mapped[str | None] = mapped_column(Text)  # the text, or a media's caption
    file_id: Mapped[str | None] = mapped_column(String(255))
    file_name: Mapped[str | None] = mapped_column(String(255))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    read_by: Mapped[str | None] = mapped_column(String(64))  # the actor who opened the thread


class CandidateNote(CreatedAt, Base):
    """A private note on a candidate by a recruiter or an account: never sent to them."""

    __tablename__ = "candidate_notes"
    __table_args__ = (Index("ix_candidate_notes_candidate", "candidate_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(64))  # as the audit log names it
    text: Mapped[str] = mapped_column(Text)


class Tag(CreatedAt, Base):
    """A label recruiters give candidates; `key` is the name folded, so "Night shift" and
    "night shift" are one tag."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    key: Mapped[str] = mapped_column(String(50), unique=True)


class CandidateTag(CreatedAt, Base):
    __tablename__ = "candidate_tags"
    __table_args__ = (
        UniqueConstraint("candidate_id", "tag_id"),
        Index("ix_candidate_tags_tag", "tag_id", "candidate_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(64))

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, CreatedAt
from storage.models.enums import CandidateStatus
from storage.types import UTCDateTime, str_enum, utcnow


class Candidate(CreatedAt, Base):
    __tablename__ = "candidates"
    __table_args__ = (
        Index("ix_candidates_city_status", "city_id", "status"),
        Index("ix_candidates_status_updated", "status", "updated_at"),
        Index("ix_candidates_created_at", "created_at"),
        Index("ix_candidates_username", "username"),
        Index("ix_candidates_phone", "phone"),
        Index("ix_candidates_source", "source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    username: Mapped[str | None] = mapped_column(String(64))
    full_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="SET NULL"))
    locale: Mapped[str] = mapped_column(String(8), default="ru")
    status: Mapped[CandidateStatus] = mapped_column(
        str_enum(CandidateStatus), default=CandidateStatus.NEW
    )
    source: Mapped[str | None] = mapped_column(String(64))
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class CandidateStatusChange(CreatedAt, Base):
    """Every status change, with who or what caused it."""

    __tablename__ = "candidate_status_history"
    __table_args__ = (Index("ix_candidate_status_history_candidate", "candidate_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    from_status: Mapped[CandidateStatus | None] = mapped_column(str_enum(CandidateStatus))
    to_status: Mapped[CandidateStatus] = mapped_column(str_enum(CandidateStatus))
    actor: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)

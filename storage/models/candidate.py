from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text, event
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, Mapper, mapped_column

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
        Index("ix_candidates_full_name", "full_name"),
        Index("ix_candidates_updated_at", "updated_at"),
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
    # Name, @username and phone folded for substring search; kept up to date by this module.
    search_text: Mapped[str] = mapped_column(
        Text, default=lambda ctx: _search_text_default(ctx), server_default=""
    )


def search_key(text: str) -> str:
    """How search compares text: case-folded in Python, because SQLite's lower() knows only
    ASCII and most names are Cyrillic; ё is read as е, as people type it."""
    return text.casefold().replace("ё", "е")


def candidate_search_text(full_name: str | None, username: str | None, phone: str | None) -> str:
    """What a candidate is found by: the name, "@username", the phone as written and its digits."""
    digits = re.sub(r"\D", "", phone or "")
    parts = (full_name, f"@{username}" if username else None, phone, digits)
    return search_key("\n".join(part for part in parts if part))


def _search_text_default(context: DefaultExecutionContext) -> str:
    # Also serves Core inserts (`insert_many`), which bypass the ORM events below.
    row: dict[str, Any] = context.get_current_parameters()  # type: ignore[no-untyped-call]
    return candidate_search_text(row.get("full_name"), row.get("username"), row.get("phone"))


@event.listens_for(Candidate, "before_update")
def _refresh_search_text(_mapper: Mapper[Any], _connection: Any, candidate: Candidate) -> None:
    candidate.search_text = candidate_search_text(
        candidate.full_name, candidate.username, candidate.phone
    )


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

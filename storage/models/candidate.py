from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
    text,
    true,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from core.enums import CandidateStatus
from storage.models.base import Base, CreatedAt
from storage.models.indexes import partial_unique_index, postgresql_index
from storage.types import UTCDateTime, str_enum, utcnow

# One bit per status a candidate has ever held, and one for an interview marked "came": what
# happened to them, in one column the funnel counts from. Fixed numbers, never reordered.
STATUS_BITS: dict[CandidateStatus, int] = {
    status: 1 << n
    for n, status in enumerate(
        (
            CandidateStatus.NEW,
            CandidateStatus.SCREENING,
            CandidateStatus.SCREENING_FAILED,
            CandidateStatus.SCREENING_PASSED,
            CandidateStatus.INTERVIEW_REQUESTED,
            CandidateStatus.INTERVIEW_SCHEDULED,
            CandidateStatus.INTERVIEW_CONFIRMED,
            CandidateStatus.INTERVIEWED_PASSED,
            CandidateStatus.INTERVIEWED_FAILED,
            CandidateStatus.NO_SHOW,
            CandidateStatus.TEST2_PASSED,
            CandidateStatus.TEST2_FAILED,
            CandidateStatus.INTRO_DAY_SCHEDULED,
            CandidateStatus.HIRED,
            CandidateStatus.NOT_HIRED,
            CandidateStatus.WITHDRAWN,
        )
    )
}
CAME_TO_INTERVIEW = 1 << 20
# An intro day (a group event, one seat of it) marked "came".
CAME_TO_INTRO_DAY = 1 << 21


def milestones_of(statuses: Iterable[CandidateStatus], *, came: bool = False) -> int:
    bits = CAME_TO_INTERVIEW if came else 0
    for status in statuses:
        bits |= STATUS_BITS[status]
    return bits


_CURRENT = text("is_current")


class Candidate(CreatedAt, Base):
    """One person's application to one vacancy (`vacancy_id`; None until they chose one). A
    person's applications share their Telegram id; the one they go through now is current
    (one per person, by a partial unique index), and the bot reads that one."""

    __tablename__ = "candidates"
    __table_args__ = (
        partial_unique_index(
            "uq_candidates_current_telegram_id",
            "telegram_id",
            where=_CURRENT,
        ),
        # One application per person and vacancy.
        Index("uq_candidates_telegram_id_vacancy", "telegram_id", "vacancy_id", unique=True),
        Index("ix_candidates_vacancy_milestones", "vacancy_id", "milestones"),
        Index("ix_candidates_source_milestones", "source", "milestones"),
        Index("ix_candidates_city_status", "city_id", "status"),
        Index("ix_candidates_status_updated", "status", "updated_at"),
        Index("ix_candidates_created_at", "created_at"),
        Index("ix_candidates_username", "username"),
        Index("ix_candidates_phone", "phone"),
        Index("ix_candidates_source", "source"),
        Index("ix_candidates_full_name", "full_name"),
        Index("ix_candidates_updated_at", "updated_at"),
        # The funnel reads these alone (GROUP BY milestones), everywhere or per city.
        Index("ix_candidates_milestones", "milestones"),
        Index("ix_candidates_city_milestones", "city_id", "milestones"),
        # "Contains" search on PostgreSQL (pg_trgm; migration 0012, left out where the extension
        # may not be created). SQLite scans search_text: see the README.
        postgresql_index(
            "ix_candidates_search_trgm",
            "search_text",
            using="gin",
            ops={"search_text": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger)
    vacancy_id: Mapped[int | None] = mapped_column(ForeignKey("vacancies.id", ondelete="SET NULL"))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    username: Mapped[str | None] = mapped_column(String(64))
    full_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="SET NULL"))
    locale: Mapped[str] = mapped_column(String(8), default="ru")
    status: Mapped[CandidateStatus] = mapped_column(
        str_enum(CandidateStatus), default=CandidateStatus.NEW
    )
    source: Mapped[str | None] = mapped_column(String(64))
    # A city not in the list, asked for by a candidate who has none yet: the panel lists them.
    wanted_city: Mapped[str | None] = mapped_column(String(100))
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # STATUS_BITS of every status held, and CAME_TO_INTERVIEW: kept up to date by this module
    # (the status) and by the bookings' change function (came).
    milestones: Mapped[int] = mapped_column(
        Integer, default=lambda ctx: _milestones_default(ctx), server_default="0"
    )
    # Name, @username and phone folded for substring search; kept up to date by this module.
    search_text: Mapped[str] = mapped_column(
        Text, default=lambda ctx: _search_text_default(ctx), server_default=""
    )
    # Consent to the processing of personal data (`domain.privacy.consent`): "agreed" or
    # "declined", to the consent text of this version (a hash of it), at this time; "prior":
    # collected before consent was asked (migration 0018), not an agreement, no version.
    consent: Mapped[str | None] = mapped_column(String(16))
    consent_version: Mapped[str | None] = mapped_column(String(64))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the personal data was erased (`domain.privacy.erasure`): an anonymous row since.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


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


def _milestones_default(context: DefaultExecutionContext) -> int:
    # Core inserts too: the status a row starts with is one it has held.
    row: dict[str, Any] = context.get_current_parameters()  # type: ignore[no-untyped-call]
    status = row.get("status") or CandidateStatus.NEW
    return STATUS_BITS[CandidateStatus(status)]


@event.listens_for(Candidate, "before_insert")
def _first_milestone(_mapper: Mapper[Any], _connection: Any, candidate: Candidate) -> None:
    candidate.milestones = (candidate.milestones or 0) | STATUS_BITS[
        candidate.status or CandidateStatus.NEW
    ]


@event.listens_for(Candidate, "before_update")
def _refresh_search_text(_mapper: Mapper[Any], _connection: Any, candidate: Candidate) -> None:
    candidate.search_text = candidate_search_text(
        candidate.full_name, candidate.username, candidate.phone
    )
    if candidate.milestones is not None and candidate.status is not None:
        candidate.milestones |= STATUS_BITS[candidate.status]


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

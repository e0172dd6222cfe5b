from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.enums import SlotPurpose
from storage.models.base import Base, CreatedAt
from storage.types import UTCDateTime, str_enum


class WaitlistEntry(CreatedAt, Base):
    """A candidate waiting for a free time in a city; offered first-come-first-served."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (
        UniqueConstraint("candidate_id", "purpose", name="uq_waitlist_candidate_purpose"),
        Index("ix_waitlist_city_purpose_created", "city_id", "purpose", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    purpose: Mapped[SlotPurpose] = mapped_column(
        str_enum(SlotPurpose), default=SlotPurpose.INTERVIEW
    )
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

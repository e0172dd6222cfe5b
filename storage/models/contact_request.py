from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.enums import ContactReason
from storage.models.base import Base, CreatedAt
from storage.types import UTCDateTime, str_enum


class ContactRequest(CreatedAt, Base):
    """A candidate asked to be contacted. The city's recruiters are told in the chat; a request
    no recruiter could be told of (`recruiters_told` 0) is for the admins. Every request stands
    in the panel's inbox until someone marks it handled."""

    __tablename__ = "contact_requests"
    __table_args__ = (
        Index("ix_contact_requests_open", "handled_at", "created_at"),
        Index("ix_contact_requests_candidate", "candidate_id", "reason", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="SET NULL"))
    reason: Mapped[ContactReason] = mapped_column(str_enum(ContactReason))
    wrote: Mapped[str | None] = mapped_column(Text)
    recruiters_told: Mapped[int] = mapped_column(default=0)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handled_by: Mapped[str | None] = mapped_column(String(100))

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, CreatedAt
from storage.models.city import recruiter_cities
from storage.types import UTCDateTime

if TYPE_CHECKING:
    from storage.models.city import City


class Recruiter(CreatedAt, Base):
    __tablename__ = "recruiters"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    timezone: Mapped[str] = mapped_column(String(64))
    meeting_link: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The chat's language: set from Telegram's on linking, changed by /lang; None: the default.
    locale: Mapped[str | None] = mapped_column(String(8))

    cities: Mapped[list[City]] = relationship(
        secondary=recruiter_cities, back_populates="recruiters"
    )


class RecruiterInvite(CreatedAt, Base):
    """A one-time deep-link token that links a Telegram chat to a recruiter."""

    __tablename__ = "recruiter_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    recruiter_id: Mapped[int] = mapped_column(
        ForeignKey("recruiters.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    used_by_chat_id: Mapped[int | None] = mapped_column(BigInteger)

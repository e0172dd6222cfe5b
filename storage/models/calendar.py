"""Calendars: the secret feeds people subscribe to, and the busy times read from recruiters' own
calendars."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, CreatedAt
from storage.models.indexes import partial_unique_index
from storage.types import UTCDateTime

_LIVE = text("revoked_at IS NULL")


class CalendarFeed(CreatedAt, Base):
    """A secret calendar URL: a recruiter's own bookings and free slots, or a panel account's
    feeds per city. The token is the whole secret (shown again on request, so kept as it is: it
    only reads what the database already holds); revoking ends it, a new one replaces it."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (
        CheckConstraint("(recruiter_id IS NULL) <> (admin_user_id IS NULL)", name="one_holder"),
        partial_unique_index(
            "uq_calendar_feeds_live_recruiter",
            "recruiter_id",
            where=_LIVE,
        ),
        partial_unique_index(
            "uq_calendar_feeds_live_admin_user",
            "admin_user_id",
            where=_LIVE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    recruiter_id: Mapped[int | None] = mapped_column(
        ForeignKey("recruiters.id", ondelete="CASCADE")
    )
    admin_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("admin_users.id", ondelete="CASCADE")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BusyCalendar(CreatedAt, Base):
    """The secret iCalendar URL of a recruiter's own calendar, and how its last fetches went.
    `etag` / `last_modified` make the next fetch conditional; the busy times of the last good
    copy stay in `busy_times` while a fetch fails (`error`, `error_at`)."""

    __tablename__ = "busy_calendars"

    recruiter_id: Mapped[int] = mapped_column(
        ForeignKey("recruiters.id", ondelete="CASCADE"), primary_key=True
    )
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the last attempt
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the last good copy
    # When a body was last read and expanded (not a "not modified"): after a day the next read
    # asks for the whole calendar, so the window recurring events are expanded over moves on.
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(Text)  # the last attempt's, None when it worked
    error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BusyTime(Base):
    """One busy interval of a recruiter's own calendar (recurrences expanded), in UTC. Only the
    times are kept: what the recruiter is busy with is not ours to store."""

    __tablename__ = "busy_times"
    __table_args__ = (Index("ix_busy_times_recruiter_starts", "recruiter_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recruiter_id: Mapped[int] = mapped_column(ForeignKey("recruiters.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, Integer, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.enums import SlotPurpose
from storage.models.base import Base, CreatedAt
from storage.types import UTCDateTime, str_enum

if TYPE_CHECKING:
    from storage.models.city import City
    from storage.models.recruiter import Recruiter


class Slot(CreatedAt, Base):
    """A time a recruiter offers, stored in UTC."""

    __tablename__ = "slots"
    __table_args__ = (
        UniqueConstraint("recruiter_id", "starts_at", name="uq_slots_recruiter_start"),
        Index("ix_slots_city_purpose_start", "city_id", "purpose", "starts_at"),
        Index("ix_slots_starts_at", "starts_at"),
        # A city's slots in time order (lists, the week view) without sorting them all.
        Index("ix_slots_city_start", "city_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recruiter_id: Mapped[int] = mapped_column(ForeignKey("recruiters.id", ondelete="CASCADE"))
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_minutes: Mapped[int] = mapped_column(Integer, default=30)
    purpose: Mapped[SlotPurpose] = mapped_column(
        str_enum(SlotPurpose), default=SlotPurpose.INTERVIEW
    )
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    # The recruiter cancelled its booking because they cannot make it: kept (with its history)
    # but never offered or booked again.
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    recruiter: Mapped[Recruiter] = relationship()
    city: Mapped[City] = relationship()

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

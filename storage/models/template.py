from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.models.indexes import partial_unique_index
from storage.types import UTCDateTime, utcnow

_GLOBAL = text("city_id IS NULL AND vacancy_id IS NULL")
_PER_CITY = text("city_id IS NOT NULL")
_PER_VACANCY = text("vacancy_id IS NOT NULL")


class MessageTemplate(Base):
    """An admin's override of a shipped text, for all cities, for one, or for one vacancy."""

    __tablename__ = "message_templates"
    __table_args__ = (
        # NULL never equals NULL in a unique index, so global and per-city rows get one each.
        partial_unique_index(
            "uq_message_templates_global",
            "key",
            "locale",
            where=_GLOBAL,
        ),
        partial_unique_index(
            "uq_message_templates_city",
            "key",
            "locale",
            "city_id",
            where=_PER_CITY,
        ),
        partial_unique_index(
            "uq_message_templates_vacancy",
            "key",
            "locale",
            "vacancy_id",
            where=_PER_VACANCY,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    locale: Mapped[str] = mapped_column(String(8))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    vacancy_id: Mapped[int | None] = mapped_column(ForeignKey("vacancies.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

"""Vacancies: the jobs a team hires for. A candidate row is one person's application to one
vacancy (`Candidate.vacancy_id`); a person's applications share their Telegram id, and the one
they are going through now is `current`."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, String, Table, true
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, CreatedAt

vacancy_cities = Table(
    "vacancy_cities",
    Base.metadata,
    Column("vacancy_id", ForeignKey("vacancies.id", ondelete="CASCADE"), primary_key=True),
    Column("city_id", ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Vacancy(CreatedAt, Base):
    __tablename__ = "vacancies"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The short name in links (`/start <slug>`): lower-case letters, digits and hyphens.
    slug: Mapped[str | None] = mapped_column(String(40), unique=True)
    # Per locale: {"ru": ..., "en": ...}; a locale missing shows the first one given.
    title: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    description: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    owner_recruiter_id: Mapped[int | None] = mapped_column(
        ForeignKey("recruiters.id", ondelete="SET NULL")
    )
    # Open from `opens_on` through `closes_on` (dates in the city's zone; None: no limit).
    opens_on: Mapped[date | None] = mapped_column(Date)
    closes_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

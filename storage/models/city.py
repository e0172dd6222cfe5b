from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from storage.models.base import Base, CreatedAt

if TYPE_CHECKING:
    from storage.models.recruiter import Recruiter

recruiter_cities = Table(
    "recruiter_cities",
    Base.metadata,
    Column("recruiter_id", ForeignKey("recruiters.id", ondelete="CASCADE"), primary_key=True),
    Column("city_id", ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True, index=True),
)


def city_name_key(name: str) -> str:
    """What makes two city names the same: case folded in every alphabet ("Straße" and
    "STRASSE", "Казань" and "казань"), spaces collapsed. SQLite's lower() folds ASCII only, so
    the key is computed here and kept unique by the database."""
    return " ".join(name.split()).casefold()


class City(CreatedAt, Base):
    __tablename__ = "cities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    name_key: Mapped[str] = mapped_column(String(120), unique=True)
    timezone: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    plan_per_week: Mapped[int | None] = mapped_column(Integer)
    plan_per_month: Mapped[int | None] = mapped_column(Integer)
    # Whether a booking waits for a recruiter's approval or is approved at once.
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=True)
    intro_day_address: Mapped[str | None] = mapped_column(String(500))

    recruiters: Mapped[list[Recruiter]] = relationship(
        secondary=recruiter_cities, back_populates="cities"
    )

    @validates("name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        self.name_key = city_name_key(name)
        return name

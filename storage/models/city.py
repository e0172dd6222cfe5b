from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
    # The name in each locale that has its own (loaded with the city: every text shows one).
    locale_names: Mapped[list[CityName]] = relationship(
        back_populates="city", cascade="all, delete-orphan", lazy="selectin"
    )

    def __init__(self, **fields: Any) -> None:
        super().__init__(**fields)
        # A new city's names start empty here, so reading them never loads (no I/O outside
        # async) after it is flushed.
        if "locale_names" not in fields:
            self.locale_names = []

    @property
    def names(self) -> dict[str, str]:
        """The city's own name per locale; a locale missing here shows the main `name`."""
        return {n.locale: n.name for n in self.locale_names}

    def set_name_in(self, locale: str, name: str | None) -> None:
        """Give the city its own name in `locale`; None or empty: show the main name there."""
        own = next((n for n in self.locale_names if n.locale == locale), None)
        if not name:
            if own is not None:
                self.locale_names.remove(own)
        elif own is None:
            self.locale_names.append(CityName(locale=locale, name=name))
        else:
            own.name = name

    @validates("name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        self.name_key = city_name_key(name)
        return name


class CityName(Base):
    """A city's name in one locale ("Moscow" for en), beside its main `name`."""

    __tablename__ = "city_names"

    city_id: Mapped[int] = mapped_column(
        ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True
    )
    locale: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # city_name_key(name): typed names are matched, and kept apart from other cities', by it.
    name_key: Mapped[str] = mapped_column(String(120), index=True)

    city: Mapped[City] = relationship(back_populates="locale_names")

    @validates("name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        self.name_key = city_name_key(name)
        return name

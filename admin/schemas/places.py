"""Cities and recruiters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from admin.schemas.common import CityName, Id, Input, Link, Name, Output, TimeZone


class CityNamesIn(Input):
    """The city's own name in each language; one left out or null shows the main name."""

    ru: CityName | None = None
    en: CityName | None = None


class CityNamesOut(Output):
    ru: str | None = None
    en: str | None = None


class CityIn(Input):
    name: CityName
    # Given: replaces the names per language; left out: they stay as they are.
    names: CityNamesIn | None = None
    timezone: TimeZone
    active: bool = True
    requires_approval: bool = True
    plan_per_week: int | None = Field(None, ge=0, le=100_000)
    plan_per_month: int | None = Field(None, ge=0, le=100_000)
    intro_day_address: str | None = Field(None, max_length=500)


class CityForm(CityIn):
    """The panel's city form: the names per language are fields of their own (an empty one
    shows the main name in that language)."""

    name_ru: CityName | None = None
    name_en: CityName | None = None

    def fields(self) -> dict[str, Any]:
        fields = self.model_dump(exclude={"name_ru", "name_en"})
        fields["names"] = {"ru": self.name_ru, "en": self.name_en}
        return fields


class CityOut(Output):
    id: int
    name: str
    names: CityNamesOut
    timezone: str
    active: bool
    requires_approval: bool
    plan_per_week: int | None
    plan_per_month: int | None
    intro_day_address: str | None


class RecruiterIn(Input):
    name: Name
    timezone: TimeZone
    city_ids: list[Id] = Field(min_length=1, max_length=200)
    meeting_link: Link | None = None
    active: bool = True


class RecruiterOut(Output):
    id: int
    name: str
    timezone: str
    meeting_link: str | None
    active: bool
    linked: bool
    city_ids: list[int]


class BusyCalendarIn(Input):
    busy_calendar_url: str | None = Field(
        None,
        max_length=4000,
        description="The secret iCalendar (ICS) address of the recruiter's own calendar "
        "(http://, https:// or webcal://, at most 2000 characters); null or empty: none",
    )


class BusyCalendarOut(Output):
    busy_calendar_url: str | None = Field(
        description="The address given, only its host shown (the rest is a secret); null: none"
    )
    fetched_at: datetime | None = Field(description="The last successful read")
    checked_at: datetime | None = Field(description="The last read tried")
    error: str | None = Field(description="Why the last read failed, when it did")
    error_at: datetime | None
    busy_ahead: int = Field(description="Busy times read that have not ended yet")

"""Cities and recruiters."""

from __future__ import annotations

from pydantic import Field

from admin.schemas.common import CityName, Id, Input, Link, Name, Output, TimeZone


class CityIn(Input):
    name: CityName
    timezone: TimeZone
    active: bool = True
    requires_approval: bool = True
    plan_per_week: int | None = Field(None, ge=0, le=100_000)
    plan_per_month: int | None = Field(None, ge=0, le=100_000)
    intro_day_address: str | None = Field(None, max_length=500)


class CityOut(Output):
    id: int
    name: str
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

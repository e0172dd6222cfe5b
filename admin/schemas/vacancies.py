"""Vacancies: what the panel's form and the API accept, and how a vacancy is shown. The rules
that need stored data (cities and owner exist, a free slug, dates in order, a title in some
language) are the domain's (domain.vacancies.editing); these say only what a field looks like."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from admin.schemas.common import Id, Input, Output
from core.iso import IsoDate
from domain.vacancies.editing import MAX_DESCRIPTION, MAX_TITLE, VacancyFields
from domain.vacancies.links import SLUG, SOURCE
from storage.dto import VacancyDTO

Title = Field(None, max_length=MAX_TITLE)
Description = Field(None, max_length=MAX_DESCRIPTION)
Slug = Field(None, pattern=SLUG.pattern, max_length=40)


class VacancyTextsIn(Input):
    """A text per language; one left out or null is not shown in that language (the other is)."""

    ru: str | None = Title
    en: str | None = Title


class VacancyDescriptionsIn(Input):
    ru: str | None = Description
    en: str | None = Description


def _texts(texts: Input | None) -> dict[str, str]:
    return {k: v for k, v in (texts.model_dump() if texts else {}).items() if v}


class VacancyIn(Input):
    title: VacancyTextsIn
    description: VacancyDescriptionsIn | None = None
    city_ids: list[Id] = Field(min_length=1, max_length=200)
    slug: str | None = Slug
    owner_recruiter_id: Id | None = None
    opens_on: IsoDate | None = None
    closes_on: IsoDate | None = None
    active: bool = True

    def fields(self) -> VacancyFields:
        return VacancyFields(
            title=_texts(self.title),
            description=_texts(self.description),
            city_ids=tuple(self.city_ids),
            slug=self.slug,
            owner_recruiter_id=self.owner_recruiter_id,
            opens_on=self.opens_on,
            closes_on=self.closes_on,
            active=self.active,
        )


class VacancyPatch(Input):
    """Only the fields given change; null clears a field that may be empty."""

    title: VacancyTextsIn | None = None
    description: VacancyDescriptionsIn | None = None
    city_ids: list[Id] | None = Field(None, min_length=1, max_length=200)
    slug: str | None = Slug
    owner_recruiter_id: Id | None = None
    opens_on: IsoDate | None = None
    closes_on: IsoDate | None = None
    active: bool | None = None

    def applied_to(self, vacancy: VacancyDTO) -> VacancyFields:
        given = self.model_fields_set
        now: dict[str, Any] = {
            "title": _texts(self.title) if "title" in given else vacancy.title,
            "description": (
                _texts(self.description) if "description" in given else vacancy.description
            ),
            "city_ids": tuple(self.city_ids or vacancy.city_ids),
            "active": vacancy.active if self.active is None else self.active,
        }
        for name in ("slug", "owner_recruiter_id", "opens_on", "closes_on"):
            now[name] = getattr(self, name) if name in given else getattr(vacancy, name)
        return VacancyFields(**now)


class VacancyForm(Input):
    """The panel's form: a field per language, cities as a multi-select."""

    title_ru: str | None = Title
    title_en: str | None = Title
    description_ru: str | None = Description
    description_en: str | None = Description
    city_ids: list[Id] = Field(default_factory=list, max_length=200)
    slug: str | None = Slug
    owner_recruiter_id: Id | None = None
    opens_on: IsoDate | None = None
    closes_on: IsoDate | None = None
    active: bool = False

    def fields(self) -> VacancyFields:
        return VacancyFields(
            title={"ru": self.title_ru or "", "en": self.title_en or ""},
            description={"ru": self.description_ru or "", "en": self.description_en or ""},
            city_ids=tuple(self.city_ids),
            slug=self.slug,
            owner_recruiter_id=self.owner_recruiter_id,
            opens_on=self.opens_on,
            closes_on=self.closes_on,
            active=self.active,
        )


def form_values(vacancy: VacancyDTO) -> dict[str, Any]:
    """A stored vacancy as the form shows it."""
    return {
        **{f"title_{k}": v for k, v in vacancy.title.items()},
        **{f"description_{k}": v for k, v in vacancy.description.items()},
        "city_ids": list(vacancy.city_ids),
        "slug": vacancy.slug,
        "owner_recruiter_id": vacancy.owner_recruiter_id,
        "opens_on": vacancy.opens_on.isoformat() if vacancy.opens_on else None,
        "closes_on": vacancy.closes_on.isoformat() if vacancy.closes_on else None,
        "active": vacancy.active,
    }


class VacancyTextsOut(Output):
    ru: str | None = None
    en: str | None = None


class VacancyOut(Output):
    id: int
    slug: str | None
    title: VacancyTextsOut
    description: VacancyTextsOut
    city_ids: list[int]
    owner_recruiter_id: int | None
    opens_on: date | None
    closes_on: date | None
    active: bool
    open_now: bool = Field(description="Active, and today within its dates in one of its cities")
    applications: int = Field(description="How many applications it has")


class SourceQuery(Input):
    source: str | None = Field(
        None, pattern=SOURCE.pattern, description="The source tag the link carries (optional)"
    )


class LinkOut(Output):
    payload: str
    link: str


class FunnelQuery(Input):
    by: Literal["vacancy", "source"] = "vacancy"


class StageCounts(Output):
    started: int
    passed_screening: int
    booked: int
    came: int
    intro_day: int
    came_to_intro_day: int
    hired: int


class StageShares(Output):
    started: float | None
    passed_screening: float | None
    booked: float | None
    came: float | None
    intro_day: float | None
    came_to_intro_day: float | None
    hired: float | None


class FunnelOut(Output):
    vacancy_id: int | None = Field(description="By vacancy: None is candidates with no vacancy")
    source: str | None = Field(description="By source: None is candidates who came untagged")
    label: str
    reached: StageCounts
    conversion: StageShares = Field(description="The share of those who started")


class FunnelsOut(Output):
    by: Literal["vacancy", "source"]
    funnels: list[FunnelOut]
    counted_at: datetime = Field(description="When counted: kept for 30 s, then counted again")

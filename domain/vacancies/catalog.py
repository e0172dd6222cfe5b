"""Reading vacancies: by id or slug, the ones open in a city today, a title in a language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from storage.dto import VacancyDTO
from storage.uow import UnitOfWork


def title_in(vacancy: VacancyDTO, locale: str) -> str:
    """The title in `locale`, else the first one given."""
    return _in(vacancy.title, locale) or f"#{vacancy.id}"


def description_in(vacancy: VacancyDTO, locale: str) -> str:
    return _in(vacancy.description, locale)


def title_of(titles: dict[str, str], locale: str) -> str:
    """A title given by language (a vacancy's, read as a plain column), in `locale` if it can."""
    return _in(titles, locale)


def _in(texts: dict[str, str], locale: str) -> str:
    if texts.get(locale):
        return texts[locale]
    return next((text for text in texts.values() if text), "")


async def open_in_city(uow: UnitOfWork, city_id: int, now: datetime) -> list[VacancyDTO]:
    """The city's vacancies a candidate may apply to now (dates in the city's zone)."""
    city = await uow.cities.get_dto(city_id)
    if city is None:
        return []
    day = now.astimezone(ZoneInfo(city.timezone)).date()
    return await uow.vacancies.open_in_city(city_id, day)


async def is_open(uow: UnitOfWork, vacancy: VacancyDTO, now: datetime) -> bool:
    """Open in at least one of its cities today."""
    for city_id in vacancy.city_ids:
        if any(v.id == vacancy.id for v in await open_in_city(uow, city_id, now)):
            return True
    return False


async def title_of_application(uow: UnitOfWork, vacancy_id: int | None, locale: str) -> str:
    """The title of an application's vacancy in `locale` ("" when it has none): what a
    message names so the reader knows which job."""
    vacancy = await uow.vacancies.get_dto(vacancy_id) if vacancy_id is not None else None
    return title_in(vacancy, locale) if vacancy else ""


def visible_to(vacancy: VacancyDTO, city_ids: frozenset[int] | None) -> bool:
    """Whether someone limited to `city_ids` (None: every city) sees the vacancy: one of its
    cities is theirs."""
    return city_ids is None or any(c in city_ids for c in vacancy.city_ids)


async def find_vacancy(
    uow: UnitOfWork, vacancy_id: int, city_ids: frozenset[int] | None = None
) -> VacancyDTO | None:
    """The vacancy, None when absent or outside `city_ids`."""
    vacancy = await uow.vacancies.get_dto(vacancy_id)
    return vacancy if vacancy is not None and visible_to(vacancy, city_ids) else None


async def vacancies_in(uow: UnitOfWork, city_ids: frozenset[int] | None) -> list[VacancyDTO]:
    """Every vacancy someone limited to `city_ids` sees, oldest first."""
    return [v for v in await uow.vacancies.list_all() if visible_to(v, city_ids)]


@dataclass(frozen=True)
class VacancyLine:
    """A vacancy as the list shows it: open to candidates today, and how many applied."""

    vacancy: VacancyDTO
    open_now: bool
    applications: int


async def vacancy_lines(
    uow: UnitOfWork, vacancies: Sequence[VacancyDTO], now: datetime
) -> list[VacancyLine]:
    """The vacancies with whether each is open today and how many applied (one count)."""
    counts = await uow.vacancies.application_counts()
    return [VacancyLine(v, await is_open(uow, v, now), counts.get(v.id, 0)) for v in vacancies]

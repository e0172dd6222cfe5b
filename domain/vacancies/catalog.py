"""Reading vacancies: by id or slug, the ones open in a city today, a title in a language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from storage.dto import VacancyDTO
from storage.uow import UnitOfWork


def title_in(vacancy: VacancyDTO, locale: str) -> str:
    """The title in `locale`, else the first one given."""
    return _in(vacancy.title, locale) or f"#{vacancy.id}"


def description_in(vacancy: VacancyDTO, locale: str) -> str:
    return _in(vacancy.description, locale)


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


async def every_vacancy(uow: UnitOfWork) -> list[VacancyDTO]:
    """All vacancies, open or not, oldest first: for a form's select."""
    return await uow.vacancies.list_all()

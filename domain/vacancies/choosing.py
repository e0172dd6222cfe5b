"""Which vacancy a person's application is for: from a link, after the city, or from their
list of applications (`/vacancies`). The bot calls these; the rules live here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.enums import CandidateStatus
from domain.records import Candidate
from domain.vacancies import applications, catalog
from domain.vacancies.links import Arrival
from storage.dto import CityDTO, VacancyDTO
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Applied:
    """The application now current, and whether it is another one than before (the person
    was going through another application, which keeps its state)."""

    candidate: Candidate
    vacancy: VacancyDTO
    switched: bool


async def apply_from_link(
    uow: UnitOfWork, current: Candidate, arrival: Arrival, now: datetime
) -> Applied | None:
    """What a `/start` link to a vacancy does (`links.read_payload` read it): the person's
    application to it, made current, when the vacancy is open today (else nothing: the link
    is a source tag). A vacancy in one city gives a person without a city that city. The
    caller commits."""
    if arrival.vacancy is None or not await catalog.is_open(uow, arrival.vacancy, now):
        return None
    return await apply_to(uow, current, arrival.vacancy, source=arrival.source)


async def apply_to(
    uow: UnitOfWork, current: Candidate, vacancy: VacancyDTO, *, source: str | None = None
) -> Applied:
    """Apply (or go back) to `vacancy`; a vacancy in one city is the city of an application
    that has none. The caller commits."""
    candidate = await applications.apply(uow, current, vacancy, source=source)
    if candidate.city_id is None and len(vacancy.city_ids) == 1:
        city = await uow.cities.get_dto(vacancy.city_ids[0])
        if city is not None and city.active and candidate.status is CandidateStatus.NEW:
            candidate.city_id = city.id
    return Applied(candidate, vacancy, switched=candidate is not current)


async def vacancy_of(uow: UnitOfWork, candidate: Candidate) -> VacancyDTO | None:
    if candidate.vacancy_id is None:
        return None
    return await uow.vacancies.get_dto(candidate.vacancy_id)


def cities_offered(cities: list[CityDTO], vacancy: VacancyDTO | None) -> list[CityDTO]:
    """The cities the picker offers: the vacancy's, when the application has one."""
    if vacancy is None:
        return cities
    return [c for c in cities if c.id in vacancy.city_ids]


async def to_choose(uow: UnitOfWork, candidate: Candidate, now: datetime) -> list[VacancyDTO]:
    """The vacancies a person must choose among before their screening: those open in their
    city, while their application has none and its screening has not begun. Empty: nothing to
    choose (no vacancy there: the screening goes on with the default test)."""
    if (
        candidate.vacancy_id is not None
        or candidate.city_id is None
        or candidate.status is not CandidateStatus.NEW
    ):
        return []
    return await catalog.open_in_city(uow, candidate.city_id, now)


async def settle_after_city(
    uow: UnitOfWork, candidate: Candidate, now: datetime
) -> tuple[Applied | None, list[VacancyDTO]]:
    """After the city: the one vacancy open there applied to, or the several to choose among
    (none: as before vacancies). The caller commits."""
    options = await to_choose(uow, candidate, now)
    if len(options) == 1:
        return await apply_to(uow, candidate, options[0]), []
    return None, options


@dataclass(frozen=True)
class Overview:
    """What `/vacancies` shows: the person's applications (with their vacancy), and the open
    vacancies of their city they have not applied to."""

    applications: list[tuple[Candidate, VacancyDTO]]
    open: list[VacancyDTO]


async def overview(uow: UnitOfWork, candidate: Candidate, now: datetime) -> Overview:
    mine = await applications.applications_of(uow, candidate)
    listed: list[tuple[Candidate, VacancyDTO]] = []
    for application in mine:
        vacancy = await vacancy_of(uow, application)
        if vacancy is not None:
            listed.append((application, vacancy))
    applied = {a.vacancy_id for a in mine}
    city_id = candidate.city_id or next((a.city_id for a in reversed(mine) if a.city_id), None)
    open_here = await catalog.open_in_city(uow, city_id, now) if city_id else []
    return Overview(listed, [v for v in open_here if v.id not in applied])


async def choose_open(
    uow: UnitOfWork, candidate: Candidate, vacancy_id: int, now: datetime
) -> Applied | None:
    """Apply to a vacancy chosen from a list (None: no longer open). The caller commits."""
    vacancy = await uow.vacancies.get_dto(vacancy_id)
    if vacancy is None or not await catalog.is_open(uow, vacancy, now):
        return None
    return await apply_to(uow, candidate, vacancy)

"""Vacancies, the cities they are in, and their tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.exc import IntegrityError

from storage.cache.decorators import cached
from storage.dto import VacancyDTO
from storage.models import Candidate, Vacancy, vacancy_cities
from storage.repositories.base import Repository


class VacancyRepository(Repository[Vacancy]):
    model = Vacancy
    cache_tag = "vacancies"

    async def write_unique(self, vacancy: Vacancy, change: Callable[[], None]) -> bool:
        """Make `change` to a new or loaded vacancy and write it now; False (and nothing
        written) when the database finds its slug taken meanwhile. The change is made inside a
        savepoint (opening one flushes what is pending), which keeps the unit usable."""
        try:
            async with self._uow.savepoint():
                change()
                self.session.add(vacancy)
                await self.session.flush()
        except IntegrityError:
            return False
        self._uow.mark_written(self.cache_tag)
        return True

    async def city_ids(self, vacancy_id: int) -> tuple[int, ...]:
        stmt = select(vacancy_cities.c.city_id).where(vacancy_cities.c.vacancy_id == vacancy_id)
        return tuple(sorted((await self.session.scalars(stmt)).all()))

    async def set_cities(self, vacancy_id: int, city_ids: Sequence[int]) -> None:
        await self.session.execute(
            delete(vacancy_cities).where(vacancy_cities.c.vacancy_id == vacancy_id)
        )
        if city_ids:
            await self.session.execute(
                insert(vacancy_cities),
                [{"vacancy_id": vacancy_id, "city_id": c} for c in sorted(set(city_ids))],
            )
        self._uow.mark_written(self.cache_tag)

    async def _dto(self, vacancy: Vacancy) -> VacancyDTO:
        return VacancyDTO.model_validate(
            {
                **{k: getattr(vacancy, k) for k in VacancyDTO.model_fields if k != "city_ids"},
                "city_ids": await self.city_ids(vacancy.id),
            }
        )

    @cached()
    async def get_dto(self, vacancy_id: int) -> VacancyDTO | None:
        vacancy = await self.session.get(Vacancy, vacancy_id)
        return await self._dto(vacancy) if vacancy else None

    async def by_slug(self, slug: str) -> Vacancy | None:
        return (await self.session.scalars(select(Vacancy).where(Vacancy.slug == slug))).first()

    @cached()
    async def id_by_slug(self, slug: str) -> int | None:
        """The vacancy a link's slug names; a slug naming none is remembered too (every /start
        of a campaign link with a plain source tag asks)."""
        stmt = select(Vacancy.id).where(Vacancy.slug == slug)
        return (await self.session.scalars(stmt)).first()

    @cached()
    async def list_all(self) -> list[VacancyDTO]:
        vacancies = (await self.session.scalars(select(Vacancy).order_by(Vacancy.id))).all()
        return [await self._dto(v) for v in vacancies]

    @cached()
    async def open_in_city(self, city_id: int, day: date) -> list[VacancyDTO]:
        """Active vacancies of the city open on `day` (in the city's zone), oldest first."""
        stmt = (
            select(Vacancy)
            .join(vacancy_cities, vacancy_cities.c.vacancy_id == Vacancy.id)
            .where(
                vacancy_cities.c.city_id == city_id,
                Vacancy.active.is_(True),
                or_(Vacancy.opens_on.is_(None), Vacancy.opens_on <= day),
                or_(Vacancy.closes_on.is_(None), Vacancy.closes_on >= day),
            )
            .order_by(Vacancy.id)
        )
        return [await self._dto(v) for v in (await self.session.scalars(stmt)).all()]

    async def applications_of(self, telegram_id: int) -> list[Candidate]:
        """Every application of the person writing from this account, oldest first."""
        stmt = select(Candidate).where(Candidate.telegram_id == telegram_id).order_by(Candidate.id)
        return list((await self.session.scalars(stmt)).all())

    async def application_counts(self) -> dict[int, int]:
        """How many applications each vacancy has (absent: none), one GROUP BY."""
        stmt = (
            select(Candidate.vacancy_id, func.count())
            .where(Candidate.vacancy_id.is_not(None))
            .group_by(Candidate.vacancy_id)
        )
        rows = (await self.session.execute(stmt)).all()
        return {vacancy_id: n for vacancy_id, n in rows if vacancy_id is not None}

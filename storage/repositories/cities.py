from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from storage.cache.decorators import cached
from storage.dto import CityDTO
from storage.models import City
from storage.repositories.base import Repository


class CityRepository(Repository[City]):
    model = City
    cache_tag = "cities"

    @cached()
    async def get_dto(self, city_id: int) -> CityDTO | None:
        city = await self.session.get(City, city_id)
        return CityDTO.model_validate(city) if city else None

    @cached()
    async def list_active(self) -> list[CityDTO]:
        stmt = select(City).where(City.active.is_(True)).order_by(City.name)
        return [CityDTO.model_validate(c) for c in (await self.session.scalars(stmt)).all()]

    async def get_by_name(self, name: str) -> City | None:
        stmt = select(City).where(func.lower(City.name) == name.strip().lower())
        return (await self.session.scalars(stmt)).first()

    async def id_by_name(self, name: str) -> int | None:
        """The city called `name`, whatever the case (names are compared as given)."""
        stmt = select(City.id).where(func.lower(City.name) == name.lower())
        return (await self.session.scalars(stmt)).first()

    async def get_many(self, city_ids: Sequence[int]) -> list[City]:
        """The cities among `city_ids` that exist, in no particular order."""
        stmt = select(City).where(City.id.in_(city_ids))
        return list((await self.session.scalars(stmt)).all())

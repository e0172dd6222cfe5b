from __future__ import annotations

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

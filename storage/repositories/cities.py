from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, union
from sqlalchemy.exc import IntegrityError

from storage.cache.decorators import cached
from storage.dto import CityDTO
from storage.models import City, CityName
from storage.models.city import city_name_key
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

    @cached()
    async def time_zones_in_use(self) -> list[str]:
        """Every city's time zone, once each (kept until a city is written)."""
        return list((await self.session.scalars(select(City.timezone).distinct())).all())

    async def get_by_name(self, name: str) -> City | None:
        """The city called `name`, whatever its case and spacing (`city_name_key`)."""
        stmt = select(City).where(City.name_key == city_name_key(name))
        return (await self.session.scalars(stmt)).first()

    async def id_by_name(self, name: str) -> int | None:
        stmt = select(City.id).where(City.name_key == city_name_key(name))
        return (await self.session.scalars(stmt)).first()

    async def ids_named(self, name: str) -> set[int]:
        """The cities known as `name` (whatever its case and spacing), by their main name or
        their name in any locale."""
        key = city_name_key(name)
        stmt = union(
            select(City.id).where(City.name_key == key),
            select(CityName.city_id).where(CityName.name_key == key),
        )
        return set((await self.session.scalars(stmt)).all())

    async def write_unique(self, city: City) -> bool:
        """Write a new or changed city now; False (and nothing written) when the database finds
        its name taken meanwhile. A savepoint keeps the unit of work usable."""
        try:
            async with self._uow.savepoint():
                self.session.add(city)
                await self.session.flush()
        except IntegrityError:
            return False
        return True

    async def get_many(self, city_ids: Sequence[int]) -> list[City]:
        """The cities among `city_ids` that exist, in no particular order."""
        stmt = select(City).where(City.id.in_(city_ids))
        return list((await self.session.scalars(stmt)).all())

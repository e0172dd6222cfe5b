"""The database itself keeps city names unique regardless of case, in every alphabet."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from storage.models import City
from tests.conftest import Storage


@pytest.mark.parametrize(("first", "again"), [("Москва", "МОСКВА"), ("Omsk", "omsk ")])
async def test_a_second_spelling_of_a_name_is_refused_by_the_database(
    storage: Storage, first: str, again: str
) -> None:
    async with storage.uow() as uow:
        uow.cities.add(City(name=first, timezone="UTC"))
        await uow.commit()
    with pytest.raises(IntegrityError):
        async with storage.uow() as uow:
            uow.cities.add(City(name=again, timezone="UTC"))
            await uow.commit()


async def test_a_city_is_found_by_any_spelling_of_its_name(storage: Storage) -> None:
    async with storage.uow() as uow:
        uow.cities.add(City(name="Нижний Новгород", timezone="UTC"))
        await uow.commit()
    async with storage.uow() as uow:
        found = await uow.cities.get_by_name("нижний  новгород")
        assert found is not None and found.name == "Нижний Новгород"
        assert await uow.cities.id_by_name("НИЖНИЙ НОВГОРОД") == found.id

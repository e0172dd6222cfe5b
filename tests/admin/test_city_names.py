"""City names are unique regardless of case in every alphabet (SQLite's lower() folds ASCII
only), and a taken name is a 422 on the field, never a 500."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from tests.admin.conftest import bearer
from tests.conftest import Storage

Api = tuple[TestClient, Storage, dict[str, str]]


@pytest.mark.parametrize(
    ("first", "again"),
    [
        ("Москва", "Москва"),  # the very same name: the unique index used to answer 500
        ("Казань", "казань"),
        ("Санкт-Петербург", "САНКТ-ПЕТЕРБУРГ"),
        ("Ekaterinburg", "  ekaterinburg "),
        ("Straße", "STRASSE"),  # full case folding, not only lower()
    ],
)
async def test_a_taken_name_is_refused_on_its_field(api: Api, first: str, again: str) -> None:
    client, storage, tokens = api
    boss = bearer(tokens["boss"])
    created = await client.post(
        "/api/v1/cities", json={"name": first, "timezone": "Europe/Moscow"}, headers=boss
    )
    assert created.status == 201, await created.text()
    refused = await client.post(
        "/api/v1/cities", json={"name": again, "timezone": "Europe/Moscow"}, headers=boss
    )
    assert refused.status == 422, await refused.text()
    assert (await refused.json())["field"] == "name"
    renamed = await client.put(
        "/api/v1/cities/1", json={"name": again, "timezone": "Europe/Moscow"}, headers=boss
    )
    assert renamed.status == 422, await renamed.text()
    async with storage.uow() as uow:
        names = [c.name for c in await uow.cities.list_active()]
    assert sorted(names) == sorted([first.strip(), (await _first_city(storage))])


async def _first_city(storage: Storage) -> str:
    async with storage.uow() as uow:
        city = await uow.cities.get(1)
        assert city is not None
        return city.name

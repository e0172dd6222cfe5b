"""An admin gives a city its name per language in the API and the panel; a name another city
has (main or in any language) is refused on its field, never a 500."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.admin.conftest import Panel, bearer
from tests.conftest import Storage

Api = tuple[TestClient, Storage, dict[str, str]]
ZONE = "Europe/Moscow"


async def _post(api: Api, body: dict[str, Any]) -> Any:
    client, _storage, tokens = api
    return await client.post("/api/v1/cities", json=body, headers=bearer(tokens["boss"]))


async def _put(api: Api, city_id: int, body: dict[str, Any]) -> Any:
    client, _storage, tokens = api
    return await client.put(f"/api/v1/cities/{city_id}", json=body, headers=bearer(tokens["boss"]))


async def test_the_api_sets_keeps_and_clears_the_names_per_language(api: Api) -> None:
    created = await _post(api, {"name": "Москва", "timezone": ZONE, "names": {"en": "Moscow"}})
    assert created.status == 201, await created.text()
    city = await created.json()
    assert city["names"] == {"ru": None, "en": "Moscow"}
    renamed = await _put(api, city["id"], {"name": "Москва", "timezone": ZONE})
    assert (await renamed.json())["names"]["en"] == "Moscow"  # left out: kept
    changed = await _put(
        api, city["id"], {"name": "Москва", "timezone": ZONE, "names": {"en": "Moskva"}}
    )
    assert (await changed.json())["names"] == {"ru": None, "en": "Moskva"}
    cleared = await _put(api, city["id"], {"name": "Москва", "timezone": ZONE, "names": {}})
    assert (await cleared.json())["names"] == {"ru": None, "en": None}
    client, _storage, tokens = api
    read = await client.get(f"/api/v1/cities/{city['id']}", headers=bearer(tokens["boss"]))
    assert (await read.json())["names"] == {"ru": None, "en": None}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Moscow"}, "name"),  # another city's English name as a main name
        ({"name": "Тверь", "names": {"en": " MOSCOW "}}, "names.en"),
        ({"name": "Тверь", "names": {"ru": "москва"}}, "names.ru"),  # another's main name
        ({"name": "Тверь", "names": {"en": "   "}}, "names.en"),
        ({"name": "Тверь", "names": {"de": "Twer"}}, "names.de"),  # a language we do not speak
        ({"name": "Тверь", "names": {"en": "x" * 121}}, "names.en"),
    ],
)
async def test_a_taken_or_bad_name_is_refused_on_its_field(
    api: Api, body: dict[str, Any], field: str
) -> None:
    first = await _post(api, {"name": "Москва", "timezone": ZONE, "names": {"en": "Moscow"}})
    assert first.status == 201
    refused = await _post(api, {**body, "timezone": ZONE})
    assert refused.status == 422, await refused.text()
    assert (await refused.json())["field"] == field


async def test_a_city_may_share_its_own_names(api: Api) -> None:
    """One city's names may repeat each other (Berlin is Berlin in English and in Russian
    transliteration); only another city's names are taken."""
    created = await _post(
        api, {"name": "Berlin", "timezone": ZONE, "names": {"en": "berlin", "ru": "Berlin"}}
    )
    assert created.status == 201, await created.text()


async def test_the_openapi_document_describes_the_names(api: Api) -> None:
    client, _storage, _tokens = api
    document = await (await client.get("/api/v1/openapi.json")).json()
    schemas = document["components"]["schemas"]
    city_in = schemas["CityIn"]["properties"]
    assert "names" in city_in
    assert set(schemas["CityNamesIn"]["properties"]) == {"ru", "en"}
    assert "names" in schemas["CityOut"]["required"]


async def test_the_panel_edits_the_english_name(panel: Panel) -> None:
    await panel.login()
    saved = await panel.post(
        f"/cities/{panel.kazan_id}",
        {"name": "Kazan", "timezone": ZONE, "name_en": "Kazan", "name_ru": "Казань"},
        allow_redirects=False,
    )
    assert saved.status in (302, 303), await saved.text()
    async with panel.storage.uow() as uow:
        city = await uow.cities.get_dto(panel.kazan_id)
        assert city is not None and city.names == {"en": "Kazan", "ru": "Казань"}
    form = await (await panel.client.get(f"/cities/{panel.kazan_id}")).text()
    assert re.search(r'name="name_ru" type="text" value="Казань"', form)
    listed = await (await panel.client.get("/cities")).text()
    assert "<td>Kazan</td><td>Kazan</td>" in listed


async def test_the_panel_shows_a_taken_name_next_to_its_field(panel: Panel) -> None:
    await panel.login()
    refused = await panel.post(
        f"/cities/{panel.samara_id}",
        {"name": "Samara", "timezone": ZONE, "name_ru": "kazan"},  # Kazan's main name
    )
    assert refused.status == 422
    page = await refused.text()
    field = page.index('name="name_ru"')
    assert "exists already" in page[field : page.index("</div>", field)]


async def test_a_changed_english_name_is_read_at_once_not_from_the_cache(api: Api) -> None:
    """Only the name per language changes (the city's own row does not): cached reads of the
    city are stale all the same."""
    created = await _post(api, {"name": "Москва", "timezone": ZONE, "names": {"en": "Moscow"}})
    city_id = (await created.json())["id"]
    _client, storage, _tokens = api
    async with storage.uow() as uow:
        before = await uow.cities.get_dto(city_id)  # cached now
        assert before is not None and before.names == {"en": "Moscow"}
    await _put(api, city_id, {"name": "Москва", "timezone": ZONE, "names": {"en": "Moskva"}})
    async with storage.uow() as uow:
        after = await uow.cities.get_dto(city_id)
        assert after is not None and after.names == {"en": "Moskva"}

"""An override of a message for one vacancy, from the panel's editor and from the API: it wins
over the city's override for that vacancy's applications; a city and a vacancy together are
refused with a reason."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from domain.messaging.texts import Catalog, render_message
from tests.admin.conftest import Panel, bearer
from tests.conftest import Storage
from tests.support.factories import make_city, make_vacancy

Api = tuple[TestClient, Storage, dict[str, str]]
CATALOG = Catalog.load("ru")


async def _vacancy(storage: Storage, title: str = "Courier") -> tuple[int, int]:
    async with storage.uow() as uow:
        city = await make_city(uow, "Omsk")
        vacancy = await make_vacancy(uow, city, title=title)
        await uow.commit()
        return city.id, vacancy.id


async def _render(storage: Storage, city_id: int | None, vacancy_id: int | None) -> str:
    async with storage.uow() as uow:
        return await render_message(
            uow, CATALOG, "welcome", "en", city_id, vacancy_id=vacancy_id, name="Ann"
        )


async def test_the_editor_saves_an_override_for_a_vacancy(panel: Panel) -> None:
    _, vacancy_id = await _vacancy(panel.storage, "Barista")
    await panel.login()
    page = await (await panel.client.get("/templates/welcome?locale=en")).text()
    assert f'<option value="{vacancy_id}">Barista</option>' in page
    response = await panel.post(
        "/templates/welcome",
        {"locale": "en", "vacancy_id": str(vacancy_id), "body": "Barista? {{ name }}!"},
        allow_redirects=False,
    )
    assert response.status == 303
    assert response.headers["Location"] == f"/templates/welcome?locale=en&vacancy_id={vacancy_id}"
    shown = await (await panel.client.get(response.headers["Location"])).text()
    assert "vacancy Barista" in shown and "the bot now sends this override" in shown
    assert await _render(panel.storage, panel.kazan_id, vacancy_id) == "Barista? Ann!"
    assert (await _render(panel.storage, panel.kazan_id, None)).startswith("Hello, Ann!")
    listed = await (await panel.client.get("/templates")).text()
    assert "English · vacancy Barista" in listed

    both = await panel.post(
        "/templates/welcome",
        {
            "locale": "en",
            "city_id": str(panel.kazan_id),
            "vacancy_id": str(vacancy_id),
            "body": "Both {{ name }}",
        },
    )
    assert both.status == 422
    assert "not both" in await both.text()

    await panel.post("/templates/welcome/reset", {"locale": "en", "vacancy_id": str(vacancy_id)})
    assert (await _render(panel.storage, panel.kazan_id, vacancy_id)).startswith("Hello, Ann!")


async def test_the_api_sets_a_vacancy_override_that_wins_over_the_citys(api: Api) -> None:
    client, storage, tokens = api
    boss = bearer(tokens["boss"])
    city_id, vacancy_id = await _vacancy(storage)
    for place, body in (
        ({"city_id": city_id}, "City {{ name }}"),
        ({"vacancy_id": vacancy_id}, "Vacancy {{ name }}"),
        ({}, "All {{ name }}"),
    ):
        saved = await client.put(
            "/api/v1/templates/welcome", json={"locale": "en", "body": body, **place}, headers=boss
        )
        assert saved.status == 200, await saved.text()
    assert (await saved.json())["vacancy_id"] is None
    assert await _render(storage, city_id, vacancy_id) == "Vacancy Ann"
    assert await _render(storage, city_id, None) == "City Ann"
    assert await _render(storage, None, None) == "All Ann"
    assert await _render(storage, None, vacancy_id) == "Vacancy Ann"
    listed = await (await client.get("/api/v1/templates/welcome", headers=boss)).json()
    assert {o["vacancy_id"] for o in listed["overrides"]} == {None, vacancy_id}

    both = await client.put(
        "/api/v1/templates/welcome",
        json={"locale": "en", "body": "x", "city_id": city_id, "vacancy_id": vacancy_id},
        headers=boss,
    )
    assert both.status == 422
    answer = await both.json()
    assert answer["field"] == "vacancy_id" and "not both" in answer["error"]
    missing = await client.put(
        "/api/v1/templates/welcome",
        json={"locale": "en", "body": "x", "vacancy_id": 99_999},
        headers=boss,
    )
    assert missing.status == 422 and (await missing.json())["field"] == "vacancy_id"

    gone = await client.delete(
        f"/api/v1/templates/welcome?locale=en&vacancy_id={vacancy_id}", headers=boss
    )
    assert gone.status == 204
    assert await _render(storage, city_id, vacancy_id) == "City Ann"

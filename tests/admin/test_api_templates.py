"""/api/v1/templates: read, override, preview, reset; unknown variables are refused."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from domain.messaging.texts import Catalog, render_message
from tests.admin.conftest import bearer
from tests.conftest import Storage

Api = tuple[TestClient, Storage, dict[str, str]]


async def test_an_override_is_saved_used_by_the_bot_and_reset(api: Api) -> None:
    client, storage, tokens = api
    boss = bearer(tokens["boss"])
    shown = await (await client.get("/api/v1/templates/welcome", headers=boss)).json()
    assert shown["variables"] == ["name"] and shown["overrides"] == []
    body = {"locale": "en", "body": "Hi {{ name }}, welcome aboard!"}
    saved = await client.put("/api/v1/templates/welcome", json=body, headers=boss)
    assert saved.status == 200 and (await saved.json())["version"] == 1
    async with storage.uow() as uow:
        text = await render_message(uow, Catalog.load("ru"), "welcome", "en", None, name="Ann")
    assert text == "Hi Ann, welcome aboard!"
    gone = await client.delete("/api/v1/templates/welcome?locale=en", headers=boss)
    assert gone.status == 204
    again = await client.delete("/api/v1/templates/welcome?locale=en", headers=boss)
    assert again.status == 404


async def test_unknown_variables_and_broken_bodies_are_refused(api: Api) -> None:
    client, _, tokens = api
    boss = bearer(tokens["boss"])
    for text in ("Hi {{ salary }}", "Hi {{ name", "<b>unclosed"):
        response = await client.put(
            "/api/v1/templates/welcome", json={"locale": "en", "body": text}, headers=boss
        )
        assert response.status == 422, text
        answer = await response.json()
        assert answer["field"] == "body" and answer["error"], answer
    unknown = await client.put(
        "/api/v1/templates/no_such_key", json={"locale": "en", "body": "x"}, headers=boss
    )
    assert unknown.status == 404


async def test_a_preview_renders_with_sample_values(api: Api) -> None:
    client, _, tokens = api
    boss = bearer(tokens["boss"])
    preview = await client.post(
        "/api/v1/templates/welcome/preview", json={"body": "Hi <b>{{ name }}</b>"}, headers=boss
    )
    assert preview.status == 200
    shown = await preview.json()
    assert shown["html"].startswith("Hi <b>") and shown["length"] > 3
    bad = await client.post(
        "/api/v1/templates/welcome/preview", json={"body": "{{ nope }}"}, headers=boss
    )
    assert bad.status == 422


async def test_templates_are_for_admins(api: Api) -> None:
    client, _, tokens = api
    response = await client.get("/api/v1/templates", headers=bearer(tokens["rec"]))
    assert response.status == 403


async def test_a_city_override_of_a_message_shown_before_a_city_is_refused(api: Api) -> None:
    client, storage, tokens = api
    boss = bearer(tokens["boss"])
    shown = await (await client.get("/api/v1/templates/consent", headers=boss)).json()
    assert shown["per_city"] is False
    assert (await (await client.get("/api/v1/templates/welcome", headers=boss)).json())["per_city"]
    async with storage.uow() as uow:
        city_id = (await uow.cities.list_active())[0].id
    body = {"locale": "en", "city_id": city_id, "body": "Agree?"}
    refused = await client.put("/api/v1/templates/consent", json=body, headers=boss)
    assert refused.status == 422
    answer = await refused.json()
    assert answer["field"] == "city_id" and "before the candidate" in answer["error"]
    for_all = await client.put(
        "/api/v1/templates/consent", json={"locale": "en", "body": "Agree?"}, headers=boss
    )
    assert for_all.status == 200


async def test_a_preview_shows_the_message_as_telegram_does_in_the_templates_language(
    api: Api,
) -> None:
    client, _, tokens = api
    boss = bearer(tokens["boss"])
    url = "/api/v1/templates/welcome/preview"
    body = '<b onclick="x">Hi</b> <a href="javascript:alert(1)">{{ name }}</a>'
    russian = await client.post(url, json={"body": body, "locale": "ru"}, headers=boss)
    assert russian.status == 200
    shown = await russian.json()
    assert shown["shown"] == '<b>Hi</b> <a class="muted">Анна Иванова</a>'
    assert shown["html"] == '<b onclick="x">Hi</b> <a href="javascript:alert(1)">Анна Иванова</a>'
    english = await client.post(url, json={"body": "{{ name }}", "locale": "en"}, headers=boss)
    assert (await english.json())["shown"] == "Anna Ivanova"
    wrong = await client.post(url, json={"body": "{{ name }}", "locale": "de"}, headers=boss)
    assert wrong.status == 422


async def test_putting_the_shipped_text_keeps_no_override(api: Api) -> None:
    client, storage, tokens = api
    boss = bearer(tokens["boss"])
    shipped = Catalog.load("ru").templates["en"]["welcome"]
    saved = await client.put(
        "/api/v1/templates/welcome", json={"locale": "en", "body": "Hi {{ name }}"}, headers=boss
    )
    assert saved.status == 200
    same = await client.put(
        "/api/v1/templates/welcome", json={"locale": "en", "body": shipped + "\n"}, headers=boss
    )
    assert same.status == 204
    shown = await (await client.get("/api/v1/templates/welcome", headers=boss)).json()
    assert shown["overrides"] == []
    async with storage.uow() as uow:
        assert await uow.templates.count() == 0

"""/api/v1/cities and /api/v1/recruiters: create, change, read, and the role limits."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.admin.conftest import bearer
from tests.conftest import Storage

Api = tuple[TestClient, Storage, dict[str, str]]


async def test_an_admin_adds_and_changes_a_city(api: Api) -> None:
    client, storage, tokens = api
    body = {"name": "Omsk", "timezone": "Asia/Omsk", "plan_per_week": 12}
    created = await client.post("/api/v1/cities", json=body, headers=bearer(tokens["boss"]))
    assert created.status == 201
    city = await created.json()
    assert city["name"] == "Omsk" and city["requires_approval"] is True
    changed = await client.put(
        f"/api/v1/cities/{city['id']}",
        json={**body, "requires_approval": False},
        headers=bearer(tokens["boss"]),
    )
    assert (await changed.json())["requires_approval"] is False
    listed = await (await client.get("/api/v1/cities", headers=bearer(tokens["boss"]))).json()
    assert listed["total"] == 2 and "Omsk" in [c["name"] for c in listed["items"]]
    async with storage.uow() as uow:
        actions = [(e.action, e.entity) for e in await uow.audit.list(limit=100)]
    assert ("create", "city") in actions and ("update", "city") in actions


async def test_bad_city_fields_get_422_with_the_field(api: Api) -> None:
    client, _, tokens = api
    cases = [
        ({"name": "X", "timezone": "Mars/Olympus"}, "timezone"),
        ({"name": "", "timezone": "Europe/Moscow"}, "name"),
        ({"timezone": "Europe/Moscow"}, "name"),
        ({"name": "X", "timezone": "Europe/Moscow", "plan_per_week": -1}, "plan_per_week"),
        ({"name": "X", "timezone": "Europe/Moscow", "colour": "red"}, "colour"),
    ]
    for body, field in cases:
        response = await client.post("/api/v1/cities", json=body, headers=bearer(tokens["boss"]))
        assert response.status == 422, body
        answer = await response.json()
        assert answer["field"] == field, answer
        assert answer["error"]


async def test_a_taken_city_name_is_refused_whatever_its_case(api: Api) -> None:
    client, _, tokens = api
    body = {"name": "Omsk", "timezone": "Asia/Omsk"}
    await client.post("/api/v1/cities", json=body, headers=bearer(tokens["boss"]))
    again = await client.post(
        "/api/v1/cities", json={**body, "name": "OMSK"}, headers=bearer(tokens["boss"])
    )
    assert again.status == 422
    assert (await again.json())["field"] == "name"


async def test_a_recruiter_is_added_with_cities_and_refused_unknown_ones(api: Api) -> None:
    client, _, tokens = api
    body = {"name": "Vera", "timezone": "Europe/Moscow", "city_ids": [1]}
    created = await client.post("/api/v1/recruiters", json=body, headers=bearer(tokens["boss"]))
    assert created.status == 201
    vera = await created.json()
    assert vera["city_ids"] == [1] and vera["linked"] is False
    unknown = await client.post(
        "/api/v1/recruiters", json={**body, "city_ids": [999]}, headers=bearer(tokens["boss"])
    )
    assert unknown.status == 422
    assert (await unknown.json())["field"] == "city_ids"
    link = await client.post(
        "/api/v1/recruiters",
        json={**body, "meeting_link": "ftp://x"},
        headers=bearer(tokens["boss"]),
    )
    assert (await link.json())["field"] == "meeting_link"


async def test_a_recruiter_token_reads_only_its_own_and_changes_nothing(api: Api) -> None:
    client, _, tokens = api
    boss, rec = bearer(tokens["boss"]), bearer(tokens["rec"])
    other = await client.post(
        "/api/v1/cities", json={"name": "Omsk", "timezone": "Asia/Omsk"}, headers=boss
    )
    other_id = (await other.json())["id"]
    vera = await client.post(
        "/api/v1/recruiters",
        json={"name": "Vera", "timezone": "Europe/Moscow", "city_ids": [other_id]},
        headers=boss,
    )
    vera_id = (await vera.json())["id"]
    cities = await (await client.get("/api/v1/cities", headers=rec)).json()
    assert [c["id"] for c in cities["items"]] == [1]
    assert (await client.get(f"/api/v1/cities/{other_id}", headers=rec)).status == 404
    assert (await client.get(f"/api/v1/recruiters/{vera_id}", headers=rec)).status == 404
    recruiters = await (await client.get("/api/v1/recruiters", headers=rec)).json()
    assert [r["name"] for r in recruiters["items"]] == ["Anna"]
    body = {"name": "Ufa", "timezone": "Asia/Yekaterinburg"}
    assert (await client.post("/api/v1/cities", json=body, headers=rec)).status == 403


async def test_lists_page_and_refuse_unknown_parameters(api: Api) -> None:
    client, _, tokens = api
    boss = bearer(tokens["boss"])
    for name in ("A", "B", "C"):
        await client.post(
            "/api/v1/cities", json={"name": name, "timezone": "Europe/Moscow"}, headers=boss
        )
    page = await (await client.get("/api/v1/cities?limit=2&offset=1", headers=boss)).json()
    assert page["total"] == 4 and len(page["items"]) == 2 and page["offset"] == 1
    typo = await client.get("/api/v1/cities?limt=2", headers=boss)
    assert typo.status == 422 and (await typo.json())["field"] == "limt"
    assert (await client.get("/api/v1/cities?limit=0", headers=boss)).status == 422


async def test_the_openapi_document_describes_every_route(api: Api) -> None:
    client, _, _ = api
    response = await client.get("/api/v1/openapi.json")
    assert response.status == 200
    spec = await response.json()
    assert spec["openapi"].startswith("3.")
    routes = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    for resource in ("cities", "recruiters", "auto-messages"):
        assert ("GET", f"/api/v1/{resource}") in routes
    assert spec["paths"]["/api/v1/cities"]["post"]["responses"]["422"]


async def test_a_recruiters_own_calendar_through_the_api(api: Api) -> None:
    client, storage, tokens = api
    listed = await (await client.get("/api/v1/recruiters", headers=bearer(tokens["rec"]))).json()
    anna = listed["items"][0]["id"]
    path = f"/api/v1/recruiters/{anna}/busy-calendar"
    empty = await (await client.get(path, headers=bearer(tokens["boss"]))).json()
    assert empty["busy_calendar_url"] is None and empty["busy_ahead"] == 0
    secret = {"busy_calendar_url": "webcal://calendar.example.org/private-abc/basic.ics"}
    given = await client.put(path, json=secret, headers=bearer(tokens["rec"]))  # her own
    assert given.status == 200
    shown = await given.json()
    assert shown["busy_calendar_url"] == "https://calendar.example.org/…"
    assert shown["fetched_at"] is None and shown["error"] is None
    refused = await client.put(
        path, json={"busy_calendar_url": "ftp://x.example.org/a"}, headers=bearer(tokens["boss"])
    )
    assert refused.status == 422
    assert (await refused.json())["field"] == "busy_calendar_url"
    removed = await client.put(
        path, json={"busy_calendar_url": None}, headers=bearer(tokens["boss"])
    )
    assert (await removed.json())["busy_calendar_url"] is None
    async with storage.uow() as uow:
        actions = [e.action for e in await uow.audit.list(limit=100)]
    assert "busy_calendar_set" in actions and "busy_calendar_cleared" in actions

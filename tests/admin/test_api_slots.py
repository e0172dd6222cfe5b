"""/api/v1/slots: one slot, a series with its preview, the list, deleting; a recruiter's token
manages only its own recruiter's slots."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient

from tests.admin.conftest import bearer
from tests.conftest import Storage
from tests.support.factories import NOW, make_recruiter

Api = tuple[TestClient, Storage, dict[str, str]]
TOMORROW_NOON_MSK = (NOW + timedelta(days=1)).replace(hour=9).isoformat()  # 12:00 in Moscow
SERIES = {
    "recruiter_id": 1,
    "city_id": 1,
    "weekdays": [0, 2],
    "start": "10:00",
    "end": "12:00",
    "step_minutes": 60,
    "first_day": "2026-12-07",
    "last_day": "2026-12-13",
}


async def test_one_slot_is_added_listed_and_deleted(api: Api) -> None:
    client, storage, tokens = api
    boss = bearer(tokens["boss"])
    body = {"recruiter_id": 1, "city_id": 1, "starts_at": TOMORROW_NOON_MSK}
    created = await client.post("/api/v1/slots", json=body, headers=boss)
    assert created.status == 201
    slot = await created.json()
    assert slot["duration_minutes"] == 30 and slot["booking_id"] is None
    again = await client.post("/api/v1/slots", json=body, headers=boss)
    assert again.status == 422 and (await again.json())["field"] == "starts_at"
    listed = await (await client.get("/api/v1/slots?recruiter_id=1", headers=boss)).json()
    assert [s["id"] for s in listed["items"]] == [slot["id"]]
    assert listed["items"][0]["withdrawn"] is False
    async with storage.uow() as uow:  # its recruiter cannot make it: not a free time any more
        row = await uow.slots.get(slot["id"])
        assert row is not None
        row.withdrawn = True
        await uow.commit()
    listed = await (await client.get("/api/v1/slots?recruiter_id=1", headers=boss)).json()
    assert listed["items"][0]["withdrawn"] is True
    deleted = await client.delete(f"/api/v1/slots/{slot['id']}", headers=boss)
    assert deleted.status == 204
    assert (await client.delete(f"/api/v1/slots/{slot['id']}", headers=boss)).status == 404
    async with storage.uow() as uow:
        actions = [e.action for e in await uow.audit.list(limit=50) if e.entity == "slot"]
    assert actions == ["create", "delete"]


async def test_bad_slots_are_refused_with_the_field(api: Api) -> None:
    client, _, tokens = api
    boss = bearer(tokens["boss"])
    cases = [
        ({"recruiter_id": 1, "city_id": 1, "starts_at": "2026-12-02T12:00"}, "starts_at"),
        ({"recruiter_id": 1, "city_id": 1, "starts_at": NOW.isoformat()}, "starts_at"),
        ({"recruiter_id": 1, "city_id": 99, "starts_at": TOMORROW_NOON_MSK}, "city_id"),
        (
            {
                "recruiter_id": 1,
                "city_id": 1,
                "starts_at": TOMORROW_NOON_MSK,
                "duration_minutes": 5,
            },
            "duration_minutes",
        ),
        ({"recruiter_id": 1, "city_id": 1, "starts_at": "9999-12-31T23:50:00Z"}, "starts_at"),
    ]
    for body, field in cases:
        response = await client.post("/api/v1/slots", json=body, headers=boss)
        assert response.status == 422, body
        assert (await response.json())["field"] == field, body
    assert (await client.get("/api/v1/slots", headers=boss)).status == 422  # whose slots?
    far = "/api/v1/slots?recruiter_id=1&starts_from=9999-12-31T00:00:00Z"
    assert (await client.get(far, headers=boss)).status == 422
    for fields, field in (
        ({"start": "10:00:00+03:00"}, "start"),
        ({"last_day": "9999-12-31"}, "last_day"),
    ):
        body = {**SERIES, **fields}
        response = await client.post("/api/v1/slots/series/preview", json=body, headers=boss)
        assert response.status == 422, body
        assert (await response.json())["field"] == field, body


async def test_a_series_is_previewed_then_created(api: Api) -> None:
    client, _, tokens = api
    boss = bearer(tokens["boss"])
    preview = await client.post("/api/v1/slots/series/preview", json=SERIES, headers=boss)
    assert preview.status == 200
    plan = await preview.json()
    assert plan["count"] == 4 and plan["skipped"] == 0  # Mon and Wed, 10:00 and 11:00
    listed = await (await client.get("/api/v1/slots?recruiter_id=1", headers=boss)).json()
    assert listed["total"] == 0  # a preview writes nothing
    created = await client.post("/api/v1/slots/series", json=SERIES, headers=boss)
    assert created.status == 201 and (await created.json())["created"] == 4
    paged = await client.get("/api/v1/slots?recruiter_id=1&limit=3&offset=2", headers=boss)
    page = await paged.json()
    assert page["total"] == 4 and len(page["items"]) == 2  # the database pages, not Python
    past = await client.get("/api/v1/slots?recruiter_id=1&limit=3&offset=9", headers=boss)
    assert (await past.json())["total"] == 4  # a page past the end still says how many
    again = await client.post("/api/v1/slots/series/preview", json=SERIES, headers=boss)
    assert (await again.json())["skipped"] == 4
    bad = await client.post("/api/v1/slots/series", json={**SERIES, "end": "09:00"}, headers=boss)
    assert bad.status == 422 and (await bad.json())["field"] == "end"


async def test_a_recruiter_token_manages_only_its_own_slots(api: Api) -> None:
    client, storage, tokens = api
    async with storage.uow() as uow:
        city = await uow.cities.get(1)
        assert city is not None
        boris = await make_recruiter(uow, city, name="Boris")
        await uow.commit()
    boss, rec = bearer(tokens["boss"]), bearer(tokens["rec"])
    body = {"recruiter_id": boris.id, "city_id": 1, "starts_at": TOMORROW_NOON_MSK}
    borises = await (await client.post("/api/v1/slots", json=body, headers=boss)).json()
    assert (await client.post("/api/v1/slots", json=body, headers=rec)).status == 404
    assert (await client.delete(f"/api/v1/slots/{borises['id']}", headers=rec)).status == 404
    mine = await client.get(f"/api/v1/slots?recruiter_id={boris.id}", headers=rec)
    assert mine.status == 404
    own = await client.post("/api/v1/slots", json={**body, "recruiter_id": 1}, headers=rec)
    assert own.status == 201
    listed = await (await client.get("/api/v1/slots", headers=rec)).json()
    assert [s["recruiter_id"] for s in listed["items"]] == [1]

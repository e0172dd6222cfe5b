"""/api/v1/vacancies (create, change only what is given, read, each one's link and QR code per
source), /api/v1/reports/funnel per vacancy and per source, and a vacancy's applications as
/api/v1/candidates?vacancy_id=; the role limits and malformed input refused with a reason."""

from __future__ import annotations

from typing import Any

import segno
from aiohttp.test_utils import TestClient

from admin.qr import qr_png
from core.enums import CandidateStatus
from domain.organisation.directory import city_choices
from tests.admin.conftest import bearer
from tests.conftest import Storage
from tests.support.factories import make_candidate, make_city

Api = tuple[TestClient, Storage, dict[str, str]]
S = CandidateStatus


async def _city(storage: Storage) -> int:
    """The fixture's city, where the recruiter's token works."""
    async with storage.uow() as uow:
        cities = await city_choices(uow)
    return min(c.id for c in cities)


async def _create(api: Api, **fields: Any) -> dict[str, Any]:
    client, storage, tokens = api
    body = {"title": {"ru": "Повар", "en": "Cook"}, "city_ids": [await _city(storage)], **fields}
    response = await client.post("/api/v1/vacancies", json=body, headers=bearer(tokens["boss"]))
    assert response.status == 201, await response.text()
    created: dict[str, Any] = await response.json()
    return created


async def test_an_admin_adds_changes_and_reads_a_vacancy(api: Api) -> None:
    client, storage, tokens = api
    created = await _create(api, slug="cook", opens_on="2026-01-01")
    assert created["title"] == {"ru": "Повар", "en": "Cook"}
    assert created["open_now"] is True and created["applications"] == 0
    one = f"/api/v1/vacancies/{created['id']}"
    changed = await client.patch(one, json={"active": False}, headers=bearer(tokens["boss"]))
    assert changed.status == 200, await changed.text()
    answer = await changed.json()
    # Only what was given changed.
    assert answer["active"] is False and answer["open_now"] is False
    assert answer["slug"] == "cook" and answer["opens_on"] == "2026-01-01"
    cleared = await client.patch(one, json={"slug": None}, headers=bearer(tokens["boss"]))
    assert (await cleared.json())["slug"] is None
    async with storage.uow() as uow:
        await make_candidate(uow, vacancy_id=created["id"])
        await uow.commit()
    read = await (await client.get(one, headers=bearer(tokens["rec"]))).json()
    assert read["applications"] == 1
    listed = await (await client.get("/api/v1/vacancies", headers=bearer(tokens["boss"]))).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == created["id"]


async def test_malformed_vacancies_are_refused_with_the_field(api: Api) -> None:
    client, storage, tokens = api
    city = await _city(storage)
    await _create(api, slug="taken")
    title = {"ru": "Повар"}
    cases = [
        ({"city_ids": [city]}, "title"),
        ({"title": {"ru": " "}, "city_ids": [city]}, "title"),
        ({"title": {"de": "Koch"}, "city_ids": [city]}, "title.de"),
        ({"title": title, "city_ids": []}, "city_ids"),
        ({"title": title, "city_ids": [999]}, "city_ids"),
        ({"title": title, "city_ids": [city], "slug": "Bad Slug"}, "slug"),
        ({"title": title, "city_ids": [city], "slug": "taken"}, "slug"),
        ({"title": title, "city_ids": [city], "owner_recruiter_id": 999}, "owner_recruiter_id"),
        (
            {
                "title": title,
                "city_ids": [city],
                "opens_on": "2026-03-01",
                "closes_on": "2026-01-01",
            },
            "closes_on",
        ),
        ({"title": title, "city_ids": [city], "opens_on": "soon"}, "opens_on"),
        ({"title": title, "city_ids": [city], "colour": "red"}, "colour"),
    ]
    for body, field in cases:
        response = await client.post("/api/v1/vacancies", json=body, headers=bearer(tokens["boss"]))
        assert response.status == 422, body
        answer = await response.json()
        assert answer["field"] == field and answer["error"], (body, answer)
    broken = await client.post(
        "/api/v1/vacancies", data=b"{not json", headers=bearer(tokens["boss"])
    )
    assert broken.status == 422 and (await broken.json())["field"] == "body"


async def test_a_recruiter_reads_their_cities_vacancies_only(api: Api) -> None:
    client, storage, tokens = api
    async with storage.uow() as uow:
        elsewhere = await make_city(uow, "Elsewhere")
        await uow.commit()
    mine = await _create(api)
    other = await _create(api, city_ids=[elsewhere.id])
    listed = await (await client.get("/api/v1/vacancies", headers=bearer(tokens["rec"]))).json()
    assert [v["id"] for v in listed["items"]] == [mine["id"]]
    hidden = await client.get(f"/api/v1/vacancies/{other['id']}", headers=bearer(tokens["rec"]))
    assert hidden.status == 404
    refused = await client.patch(
        f"/api/v1/vacancies/{mine['id']}", json={"active": False}, headers=bearer(tokens["rec"])
    )
    assert refused.status == 403
    body = {"title": {"en": "X"}, "city_ids": [await _city(storage)]}
    created = await client.post("/api/v1/vacancies", json=body, headers=bearer(tokens["rec"]))
    assert created.status == 403


async def test_the_link_and_the_qr_code_per_source(api: Api) -> None:
    client, _storage, tokens = api
    vacancy = await _create(api)
    one = f"/api/v1/vacancies/{vacancy['id']}"
    link = await (await client.get(f"{one}/link?source=hh", headers=bearer(tokens["rec"]))).json()
    expected = f"https://t.me/our_bot?start=v{vacancy['id']}_hh"
    assert link == {"payload": f"v{vacancy['id']}_hh", "link": expected}
    plain = await (await client.get(f"{one}/link", headers=bearer(tokens["rec"]))).json()
    assert plain["payload"] == f"v{vacancy['id']}"
    response = await client.get(f"{one}/qr.png?source=hh", headers=bearer(tokens["rec"]))
    assert response.status == 200 and response.content_type == "image/png"
    png = await response.read()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png == qr_png(expected)
    assert segno.make_qr(expected, error="m").designator  # a full QR code, not a Micro QR
    bad = await client.get(f"{one}/link?source=no%20spaces", headers=bearer(tokens["rec"]))
    assert bad.status == 422 and (await bad.json())["field"] == "source"
    room = 64 - len(f"v{vacancy['id']}_")  # Telegram keeps 64 characters of the payload
    for path in ("link", "qr.png"):
        long = await client.get(
            f"{one}/{path}?source={'a' * (room + 1)}", headers=bearer(tokens["rec"])
        )
        assert long.status == 422 and (await long.json())["field"] == "source"


async def test_the_funnel_report_and_the_applications_of_a_vacancy(api: Api) -> None:
    client, storage, tokens = api
    cook = await _create(api)
    driver = await _create(api, title={"en": "Driver"})
    async with storage.uow() as uow:
        city = await uow.cities.get(await _city(storage))
        await make_candidate(uow, city, vacancy_id=cook["id"], source="hh", status=S.HIRED)
        await make_candidate(uow, city, vacancy_id=cook["id"], source="hh", status=S.NEW)
        await make_candidate(uow, city, vacancy_id=driver["id"], status=S.SCREENING_PASSED)
        await uow.commit()
    by_vacancy = await (
        await client.get("/api/v1/reports/funnel?by=vacancy", headers=bearer(tokens["boss"]))
    ).json()
    funnels = {f["vacancy_id"]: f for f in by_vacancy["funnels"]}
    assert funnels[cook["id"]]["reached"] == {
        "started": 2,
        "passed_screening": 0,
        "booked": 0,
        "came": 0,
        "intro_day": 0,
        "came_to_intro_day": 0,
        "hired": 1,
    }
    assert funnels[cook["id"]]["conversion"]["hired"] == 0.5
    assert funnels[cook["id"]]["label"] == "Cook"
    assert funnels[driver["id"]]["reached"]["passed_screening"] == 1
    by_source = await (
        await client.get("/api/v1/reports/funnel?by=source", headers=bearer(tokens["boss"]))
    ).json()
    assert {f["source"]: f["reached"]["started"] for f in by_source["funnels"]} == {
        "hh": 2,
        None: 1,
    }
    bad = await client.get("/api/v1/reports/funnel?by=city", headers=bearer(tokens["boss"]))
    assert bad.status == 422 and (await bad.json())["field"] == "by"
    page = await (
        await client.get(
            f"/api/v1/candidates?vacancy_id={cook['id']}", headers=bearer(tokens["boss"])
        )
    ).json()
    assert page["total"] == 2
    assert {c["vacancy_id"] for c in page["items"]} == {cook["id"]}

"""/api/v1/auto-messages: define, list with progress, pause and resume."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient

from admin.api import OPERATIONS
from admin.api.openapi import document
from admin.schemas.common import NOT_BLANK
from core.enums import CandidateStatus
from tests.admin.conftest import bearer
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate
from tests.support.query_counter import count_queries


async def test_create_list_pause_and_resume(
    api: tuple[TestClient, Storage, dict[str, str]],
) -> None:
    client, _, tokens = api
    spec = {
        "name": "Nudge",
        "kind": "trigger",
        "trigger": "no_show_follow_up",
        "after_hours": 4,
        "text": "Hi {{ name }}, shall we try again?",
        "audience": {"city_ids": [1]},
    }
    created = await client.post("/api/v1/auto-messages", json=spec, headers=bearer(tokens["boss"]))
    assert created.status == 201
    body = await created.json()
    assert (body["state"], body["trigger"], body["after_hours"]) == (
        "scheduled",
        "no_show_follow_up",
        4,
    )
    assert body["progress"] == {"queued": 0, "sent": 0, "failed": 0, "unreachable": 0, "pending": 0}
    listed = await (
        await client.get("/api/v1/auto-messages", headers=bearer(tokens["boss"]))
    ).json()
    assert [m["name"] for m in listed["items"]] == ["Nudge"]
    paused = await client.post(
        f"/api/v1/auto-messages/{body['id']}/pause", headers=bearer(tokens["boss"])
    )
    assert (await paused.json())["state"] == "paused"
    resumed = await client.post(
        f"/api/v1/auto-messages/{body['id']}/resume", headers=bearer(tokens["boss"])
    )
    assert (await resumed.json())["state"] == "scheduled"
    missing = await client.post("/api/v1/auto-messages/999/pause", headers=bearer(tokens["boss"]))
    assert missing.status == 404


async def test_invalid_definitions_get_422_with_the_field(
    api: tuple[TestClient, Storage, dict[str, str]],
) -> None:
    client, _, tokens = api
    response = await client.post(
        "/api/v1/auto-messages",
        json={"name": "x", "kind": "broadcast", "template_key": "nope"},
        headers=bearer(tokens["boss"]),
    )
    assert response.status == 422
    assert (await response.json())["field"] == "template_key"
    garbage = await client.post(
        "/api/v1/auto-messages", data="not json", headers=bearer(tokens["boss"])
    )
    assert garbage.status == 422
    # a send time gone by is a mistake, not "now"; a minute ago (typed a moment ago) is now
    spec = {"name": "x", "kind": "broadcast", "text": "Hi"}
    for ago, status in ((timedelta(days=1), 422), (timedelta(minutes=1), 201)):
        sent = {**spec, "send_at": (NOW - ago).isoformat()}
        answer = await client.post(
            "/api/v1/auto-messages", json=sent, headers=bearer(tokens["boss"])
        )
        assert answer.status == status, await answer.text()
        if status == 422:
            assert (await answer.json())["field"] == "send_at"
            assert "this time has passed" in (await answer.json())["error"]


async def test_recruiter_accounts_may_not_define_auto_messages(
    api: tuple[TestClient, Storage, dict[str, str]],
) -> None:
    client, _, tokens = api
    response = await client.get("/api/v1/auto-messages", headers=bearer(tokens["rec"]))
    assert response.status == 403


async def test_the_list_counts_progress_in_one_query_however_many_messages(
    api: tuple[TestClient, Storage, dict[str, str]],
) -> None:
    client, storage, tokens = api
    boss = bearer(tokens["boss"])

    async def statements_to_list() -> int:
        with count_queries(storage.engine) as statements:
            assert (await client.get("/api/v1/auto-messages", headers=boss)).status == 200
        return len(statements)

    spec = {"name": "Hello", "kind": "broadcast", "text": "Hi {{ name }}"}
    await client.post("/api/v1/auto-messages", json=spec, headers=boss)
    with_one = await statements_to_list()
    for n in range(4):
        await client.post("/api/v1/auto-messages", json={**spec, "name": f"H{n}"}, headers=boss)
    assert await statements_to_list() == with_one


async def test_a_broadcast_is_scheduled_at_an_iso_time_and_dates_are_checked(
    api: tuple[TestClient, Storage, dict[str, str]],
) -> None:
    client, _, tokens = api
    boss = bearer(tokens["boss"])
    spec = {
        "name": "Open day",
        "kind": "broadcast",
        "template_key": "welcome",
        "send_at": "2026-12-05T10:00:00+03:00",
        "audience": {"registered_from": "2026-11-01T00:00:00Z"},
    }
    created = await client.post("/api/v1/auto-messages", json=spec, headers=boss)
    assert created.status == 201, await created.text()
    assert (await created.json())["send_at"] == "2026-12-05T10:00:00+03:00"
    for send_at in (1764918000, "soon", "2026-12-05T10:00:00", "9999-12-31T00:00:00Z"):
        refused = await client.post(
            "/api/v1/auto-messages", json={**spec, "send_at": send_at}, headers=boss
        )
        assert refused.status == 422, send_at
        assert (await refused.json())["field"] == "send_at", send_at


async def test_the_document_says_a_name_is_not_blank_as_the_server_does(
    api: tuple[TestClient, Storage, dict[str, str]],
) -> None:
    """A name of spaces alone is refused; the document says so too (schemathesis found the
    document allowing it: a valid request by the document answered 422)."""
    client, _, tokens = api
    spec = {"name": "   ", "kind": "broadcast", "text": "Hello"}
    response = await client.post("/api/v1/auto-messages", json=spec, headers=bearer(tokens["boss"]))
    assert (response.status, (await response.json())["field"]) == (422, "name")
    body = document(OPERATIONS)["paths"]["/api/v1/auto-messages"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = document(OPERATIONS)["components"]["schemas"][schema["$ref"].split("/")[-1]]
    assert schema["properties"]["name"]["pattern"] == NOT_BLANK


async def test_the_audience_is_counted_before_sending_as_the_run_counts_it(
    api: tuple[TestClient, Storage, dict[str, str]],
) -> None:
    client, storage, tokens = api
    boss = bearer(tokens["boss"])
    async with storage.uow() as uow:
        [city] = await uow.cities.list(limit=1)
        twice = await make_candidate(uow, city, is_current=False)
        await make_candidate(uow, city, telegram_id=twice.telegram_id)  # one person, two rows
        await make_candidate(uow, city, status=CandidateStatus.NO_SHOW)
        await make_candidate(uow, city, reachable=False)
        await uow.commit()
    url = "/api/v1/auto-messages/audience-count"
    everyone = await client.post(url, json={}, headers=boss)
    assert (everyone.status, await everyone.json()) == (200, {"count": 2})
    passed = {"city_ids": [city.id], "statuses": ["screening_passed"]}
    assert await (await client.post(url, json=passed, headers=boss)).json() == {"count": 1}
    wrong = await client.post(url, json={"statuses": ["nope"]}, headers=boss)
    assert wrong.status == 422
    assert (await wrong.json())["field"].startswith("statuses")
    assert (await client.post(url, json={}, headers=bearer(tokens["rec"]))).status == 403
    assert "post" in document(OPERATIONS)["paths"][url]

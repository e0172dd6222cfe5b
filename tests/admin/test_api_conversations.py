"""/api/v1: the thread with a candidate both directions, writing to them, marking it read, the
inbox, notes and tags; a recruiter's token reaches its own cities' candidates only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

from aiohttp.test_utils import TestClient
from sqlalchemy import update

from core.clock import FrozenClock
from core.enums import InboundKind
from domain.conversations.inbox import Inbound, record_inbound
from storage.models import Notification
from tests.admin.conftest import bearer
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city
from tests.support.languages import RUSSIAN

Api = tuple[TestClient, Storage, dict[str, str]]


async def _people(storage: Storage) -> dict[str, int]:
    """Ivan in the recruiter account's city (Anna's), Fedor in another; both wrote."""
    async with storage.uow() as uow:
        home = await uow.cities.get(1)
        assert home is not None
        away = await make_city(uow, "Faraway")
        ivan = await make_candidate(uow, home, full_name="Ivan Petrov")
        far = await make_candidate(uow, away, full_name="Fedor Dalny")
        blocked = await make_candidate(uow, home, full_name="Gone", reachable=False)
        await uow.commit()
        ids = {"ivan": ivan.id, "far": far.id, "blocked": blocked.id, "home": home.id}
        await _wrote(storage, ivan.id, 3, Inbound(InboundKind.TEXT, "Can I come at 9?"))
        await _wrote(
            storage,
            ivan.id,
            2,
            Inbound(InboundKind.DOCUMENT, "My CV", file_id="F1", file_name="cv.pdf"),
        )
        await _wrote(storage, far.id, 5, Inbound(InboundKind.TEXT, "Hello?"))
        return ids


async def _wrote(storage: Storage, candidate_id: int, hours_ago: int, what: Inbound) -> None:
    async with storage.uow() as uow:
        candidate = await uow.candidates.get(candidate_id)
        assert candidate is not None
        await record_inbound(uow, FrozenClock(NOW - timedelta(hours=hours_ago)), candidate, what)
        await uow.commit()


async def _sent_at(storage: Storage, notification_id: int, hours_ago: int) -> None:
    """The outbox row's time set, so the thread's order does not depend on the machine's."""
    async with storage.uow() as uow:
        at = NOW - timedelta(hours=hours_ago)
        await uow.session.execute(
            update(Notification).where(Notification.id == notification_id).values(created_at=at)
        )
        await uow.commit()


async def _json(client: TestClient, method: str, path: str, token: str, **kw: Any) -> Any:
    answer = await client.request(method, "/api/v1" + path, headers=bearer(token), **kw)
    assert answer.status < 300, (answer.status, await answer.text())
    return await answer.json()


async def test_the_thread_has_both_directions_oldest_first_and_pages_from_its_end(
    api: Api,
) -> None:
    client, storage, tokens = api
    ids = await _people(storage)
    thread = f"/candidates/{ids['ivan']}/messages"
    sent = await client.post(
        "/api/v1" + thread, json={"text": "Yes, <b>9</b> is fine"}, headers=bearer(tokens["boss"])
    )
    assert sent.status == 202
    await _sent_at(storage, (await sent.json())["notification_id"], 1)

    page = await _json(client, "GET", thread, tokens["boss"])
    assert page["total"] == 3 and page["limit"] == 50 and page["offset"] == 0
    asked, cv, reply = page["items"]
    assert (asked["direction"], asked["kind"], asked["text"], asked["read"]) == (
        "in",
        "text",
        "Can I come at 9?",
        False,
    )
    assert (cv["kind"], cv["text"], cv["file_name"], cv["has_file"]) == (
        "document",
        "My CV",
        "cv.pdf",
        True,
    )
    assert reply["direction"] == "out" and reply["kind"] == "panel_message"
    assert (reply["author_kind"], reply["author_name"]) == ("api_token", "boss")
    assert reply["status"] == "pending"
    assert "Yes, &lt;b&gt;9&lt;/b&gt; is fine" in reply["text"]  # as sent: Telegram HTML

    latest = await _json(client, "GET", thread + "?limit=1", tokens["boss"])
    assert [m["direction"] for m in latest["items"]] == ["out"] and latest["total"] == 3
    before = await _json(client, "GET", thread + "?limit=2&offset=1", tokens["boss"])
    assert [m["text"] for m in before["items"]] == ["Can I come at 9?", "My CV"]
    past_the_start = await _json(client, "GET", thread + "?offset=3", tokens["boss"])
    assert past_the_start["items"] == [] and past_the_start["total"] == 3
    too_many = await client.get("/api/v1" + thread + "?limit=1000", headers=bearer(tokens["boss"]))
    assert too_many.status == 422 and (await too_many.json())["field"] == "limit"


async def test_reading_the_thread_marks_it_read_and_empties_the_inbox(api: Api) -> None:
    client, storage, tokens = api
    ids = await _people(storage)
    boss = tokens["boss"]
    inbox = await _json(client, "GET", "/inbox", boss)
    assert (inbox["total"], inbox["unread"]) == (2, 3)
    # who has waited longest first: Fedor (5 hours), then Ivan (3 hours, two messages)
    assert [(t["full_name"], t["unread"]) for t in inbox["items"]] == [
        ("Fedor Dalny", 1),
        ("Ivan Petrov", 2),
    ]
    assert inbox["items"][1]["city_id"] == ids["home"]
    assert inbox["items"][1]["waiting_since"].startswith("2026-12-01T06:00")
    second = await _json(client, "GET", "/inbox?limit=1&offset=1", boss)
    assert [t["candidate_id"] for t in second["items"]] == [ids["ivan"]] and second["total"] == 2

    read = await _json(client, "POST", f"/candidates/{ids['ivan']}/messages/read", boss)
    assert read == {"read": 2}
    again = await _json(client, "POST", f"/candidates/{ids['ivan']}/messages/read", boss)
    assert again == {"read": 0}
    thread = await _json(client, "GET", f"/candidates/{ids['ivan']}/messages", boss)
    assert all(m["read"] for m in thread["items"])
    inbox = await _json(client, "GET", "/inbox", boss)
    assert [t["candidate_id"] for t in inbox["items"]] == [ids["far"]]
    assert (inbox["total"], inbox["unread"]) == (1, 1)


async def test_writing_to_a_candidate_who_blocked_the_bot_says_so(api: Api) -> None:
    client, storage, tokens = api
    ids = await _people(storage)
    refused = await client.post(
        f"/api/v1/candidates/{ids['blocked']}/messages",
        json={"text": "Are you there?"},
        headers=bearer(tokens["boss"]),
    )
    assert refused.status == 422
    assert await refused.json() == {
        "error": "the candidate has blocked the bot: nothing reaches them",
        "field": "text",
        "errors": [
            {"field": "text", "reason": "the candidate has blocked the bot: nothing reaches them"}
        ],
    }
    thread = await _json(client, "GET", f"/candidates/{ids['blocked']}/messages", tokens["boss"])
    assert thread["items"] == []  # nothing queued


async def test_notes_are_kept_with_their_author(api: Api) -> None:
    client, storage, tokens = api
    ids = await _people(storage)
    notes = f"/candidates/{ids['ivan']}/notes"
    added = await client.post(
        "/api/v1" + notes, json={"text": "  Prefers mornings "}, headers=bearer(tokens["rec"])
    )
    assert added.status == 201
    note = await added.json()
    assert (note["text"], note["author_kind"], note["author_name"]) == (
        "Prefers mornings",
        "api_token",
        "rec",
    )
    await _json(client, "POST", notes, tokens["boss"], json={"text": "Called back"})
    listed = await _json(client, "GET", notes, tokens["boss"])
    assert [(n["text"], n["author_name"]) for n in listed["items"]] == [
        ("Prefers mornings", "rec"),
        ("Called back", "boss"),
    ]
    assert listed["items"][0]["id"] == note["id"] and listed["items"][0]["created_at"]
    for body, field in (({"text": "   "}, "text"), ({}, "text"), ({"txt": "x"}, "txt")):
        bad = await client.post("/api/v1" + notes, json=body, headers=bearer(tokens["boss"]))
        assert bad.status == 422 and (await bad.json())["field"] == field, body
    assert len((await _json(client, "GET", notes, tokens["boss"]))["items"]) == 2


async def test_tags_are_given_listed_filtered_by_and_taken_away(api: Api) -> None:
    client, storage, tokens = api
    ids = await _people(storage)
    boss = tokens["boss"]
    tags = f"/candidates/{ids['ivan']}/tags"
    given = await _json(client, "POST", tags, boss, json={"name": "Night shift"})
    assert [t["name"] for t in given["items"]] == ["Night shift"]
    # the same tag whatever its case and spacing: given twice, it is there once
    again = await _json(client, "POST", tags, boss, json={"name": "night   SHIFT"})
    assert again == given
    await _json(client, "POST", tags, boss, json={"name": "A/B test"})
    await _json(client, "POST", f"/candidates/{ids['far']}/tags", boss, json={"name": "A/B test"})
    night_id = given["items"][0]["id"]

    everything = await _json(client, "GET", "/tags", boss)
    assert [(t["name"], t["count"]) for t in everything["items"]] == [
        ("A/B test", 2),
        ("Night shift", 1),
    ]
    carried = await _json(client, "GET", tags, boss)
    assert [t["name"] for t in carried["items"]] == ["A/B test", "Night shift"]
    tagged = await _json(client, "GET", f"/candidates?tag_id={night_id}", boss)
    assert [c["id"] for c in tagged["items"]] == [ids["ivan"]]
    assert tagged["items"][0]["tags"] == ["A/B test", "Night shift"]
    listed = await _json(client, "GET", "/candidates?sort=full_name", boss)
    assert {c["full_name"]: c["tags"] for c in listed["items"]} == {
        "Fedor Dalny": ["A/B test"],
        "Gone": [],
        "Ivan Petrov": ["A/B test", "Night shift"],
    }
    record = await _json(client, "GET", f"/candidates/{ids['ivan']}", boss)
    assert record["candidate"]["tags"] == ["A/B test", "Night shift"]

    for name in ("NIGHT shift", "A/B test"):
        gone = await client.delete(f"/api/v1{tags}/{quote(name, safe='')}", headers=bearer(boss))
        assert gone.status == 204, (name, await gone.text())
    assert (await _json(client, "GET", tags, boss))["items"] == []
    # not carried (any more): a repeated DELETE is done all the same
    repeated = await client.delete(f"/api/v1{tags}/Night%20shift", headers=bearer(boss))
    assert repeated.status == 204
    no_name = await client.delete(f"/api/v1{tags}/%20%23", headers=bearer(boss))
    assert no_name.status == 422 and (await no_name.json())["field"] == "name"
    for name, reason in (("a,b", "a tag has no commas"), ("x" * 51, "at most 50 characters")):
        bad = await client.post("/api/v1" + tags, json={"name": name}, headers=bearer(boss))
        assert bad.status == 422 and reason in (await bad.json())["error"], name
    # The same refusals in Russian, the tag's own rule (its limit included) as well as pydantic's.
    russian = {**bearer(boss), **RUSSIAN}
    for name, reason in (("a,b", "в метке не может быть запятых"), ("#", "обязательно")):
        bad = await client.post("/api/v1" + tags, json={"name": name}, headers=russian)
        assert bad.status == 422 and (await bad.json())["error"] == reason, name
    long_name = quote("y" * 51, safe="")
    gone = await client.delete(f"/api/v1{tags}/{long_name}", headers=russian)
    assert (await gone.json())["error"] == "не длиннее 50 символов"
    far_tags = await _json(client, "GET", f"/candidates/{ids['far']}/tags", boss)
    assert [t["name"] for t in far_tags["items"]] == ["A/B test"]


async def test_a_recruiter_token_reaches_only_its_cities_conversations(api: Api) -> None:
    client, storage, tokens = api
    ids = await _people(storage)
    rec = tokens["rec"]
    far = f"/api/v1/candidates/{ids['far']}"
    for method, path, body in (
        ("GET", "/messages", None),
        ("POST", "/messages", {"text": "hi"}),
        ("POST", "/messages/read", None),
        ("GET", "/notes", None),
        ("POST", "/notes", {"text": "x"}),
        ("GET", "/tags", None),
        ("POST", "/tags", {"name": "x"}),
        ("DELETE", "/tags/x", None),
    ):
        answer = await client.request(method, far + path, json=body, headers=bearer(rec))
        assert answer.status == 404, (method, path)
        assert await answer.json() == {"error": "no such candidate"}, (method, path)
    inbox = await _json(client, "GET", "/inbox", rec)
    assert [t["candidate_id"] for t in inbox["items"]] == [ids["ivan"]]
    assert (inbox["total"], inbox["unread"]) == (1, 2)
    # its own city's candidate: read, answered, noted and tagged
    own = f"/candidates/{ids['ivan']}"
    assert len((await _json(client, "GET", own + "/messages", rec))["items"]) == 2
    assert (await _json(client, "POST", own + "/messages", rec, json={"text": "Sure"}))[
        "notification_id"
    ]
    assert await _json(client, "POST", own + "/messages/read", rec) == {"read": 2}
    await _json(client, "POST", own + "/tags", rec, json={"name": "Called"})
    # nothing was written to the other city's candidate
    async with storage.uow() as uow:
        assert await uow.inbound_messages.unread_of(ids["far"]) == 1
        assert await uow.tags.of_candidate(ids["far"]) == []
        assert await uow.notes.of_candidate(ids["far"], 10) == []


async def test_the_document_describes_the_conversation_routes(api: Api) -> None:
    client, _, _ = api
    spec = await (await client.get("/api/v1/openapi.json")).json()
    paths = spec["paths"]
    thread = paths["/api/v1/candidates/{candidate_id}/messages"]
    assert {"limit", "offset"} <= {p["name"] for p in thread["get"]["parameters"]}
    assert set(thread["post"]["responses"]) == {"202", "400", "401", "404", "422"}
    expected = {
        ("get", "/candidates/{candidate_id}/messages"): "200",
        ("post", "/candidates/{candidate_id}/messages/read"): "200",
        ("get", "/inbox"): "200",
        ("get", "/candidates/{candidate_id}/notes"): "200",
        ("post", "/candidates/{candidate_id}/notes"): "201",
        ("get", "/tags"): "200",
        ("get", "/candidates/{candidate_id}/tags"): "200",
        ("post", "/candidates/{candidate_id}/tags"): "200",
        ("delete", "/candidates/{candidate_id}/tags/{name}"): "204",
    }
    for (method, path), status in expected.items():
        responses = paths["/api/v1" + path][method]["responses"]
        assert {status, "401"} <= set(responses), (method, path)
        if status != "204":
            assert responses[status]["content"]["application/json"]["schema"], (method, path)
        if "{candidate_id}" in path:
            assert "404" in responses, (method, path)
    assert "requestBody" in paths["/api/v1/candidates/{candidate_id}/tags"]["post"]
    [name] = [
        p
        for p in paths["/api/v1/candidates/{candidate_id}/tags/{name}"]["delete"]["parameters"]
        if p["name"] == "name"
    ]
    assert name["schema"]["maxLength"] == 50
    listed = spec["components"]["schemas"]["CandidateOut"]["properties"]
    assert listed["tags"]["type"] == "array"

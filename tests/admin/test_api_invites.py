"""POST /api/v1/recruiters/{id}/invites: bearer tokens, roles, validation, and a link that works."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from core.clock import FrozenClock
from core.result import Success
from domain.organisation.invites import redeem_invite
from tests.admin.conftest import bearer
from tests.conftest import Storage
from tests.support.factories import NOW


async def test_an_admin_gets_a_link_that_links_a_chat(
    api: tuple[TestClient, Storage, dict[str, str]],
) -> None:
    client, storage, tokens = api
    response = await client.post(
        "/api/v1/recruiters/1/invites", json={"hours": 24}, headers=bearer(tokens["boss"])
    )
    assert response.status == 201
    body = await response.json()
    assert body["link"] == f"https://t.me/our_bot?start={body['payload']}"
    assert body["expires_in_hours"] == 24
    async with storage.uow() as uow:
        linked = await redeem_invite(uow, body["payload"], 4242, FrozenClock(NOW))
    assert isinstance(linked, Success)
    assert linked.value.telegram_chat_id == 4242


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer rbt_wrong"}, 401), ({"Authorization": "Basic x"}, 401)],
)
async def test_without_a_valid_token_it_is_401(
    api: tuple[TestClient, Storage, dict[str, str]], headers: dict[str, str], status: int
) -> None:
    client, _, _ = api
    response = await client.post("/api/v1/recruiters/1/invites", headers=headers)
    assert response.status == status
    assert "error" in await response.json()


async def test_a_recruiter_account_may_not_invite(
    api: tuple[TestClient, Storage, dict[str, str]],
) -> None:
    client, _, tokens = api
    response = await client.post("/api/v1/recruiters/1/invites", headers=bearer(tokens["rec"]))
    assert response.status == 403


async def test_a_revoked_token_stops_working(
    api: tuple[TestClient, Storage, dict[str, str]],
) -> None:
    client, storage, tokens = api
    async with storage.uow() as uow:
        for token in await uow.api_tokens.list():
            token.revoked_at = NOW
        await uow.commit()
    response = await client.post("/api/v1/recruiters/1/invites", headers=bearer(tokens["boss"]))
    assert response.status == 401


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("/api/v1/recruiters/999/invites", None, 404, None),
        ("/api/v1/recruiters/abc/invites", None, 404, None),
        ("/api/v1/recruiters/1/invites", {"hours": -1}, 422, "hours"),
        ("/api/v1/recruiters/1/invites", {"hours": "soon"}, 422, "hours"),
        ("/api/v1/recruiters/1/invites", [1, 2], 422, "body"),
    ],
)
async def test_bad_requests_get_a_reason(
    api: tuple[TestClient, Storage, dict[str, str]],
    path: str,
    body: object,
    status: int,
    field: str | None,
) -> None:
    client, _, tokens = api
    response = await client.post(path, json=body, headers=bearer(tokens["boss"]))
    assert response.status == status
    answer = await response.json()
    assert answer["error"]
    assert answer.get("field") == field

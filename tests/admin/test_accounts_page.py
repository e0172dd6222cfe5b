"""The panel's accounts page: creating accounts, deactivating them, signing them out
everywhere, and API tokens that are shown once and can be revoked."""

from __future__ import annotations

import dataclasses
import hashlib
import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from core.enums import AdminRole
from storage.models import AdminUser, ApiToken, AuditLogEntry
from tests.admin.conftest import PASSWORD, Panel, bearer
from tests.support.languages import ENGLISH

NEW_PASSWORD = "carols long password"


@asynccontextmanager
async def second_browser(panel: Panel) -> AsyncIterator[Panel]:
    """Another browser on the same server: its own cookie jar, its own session."""
    client: TestClient = TestClient(panel.client.server, headers=ENGLISH)
    await client.start_server()
    try:
        yield dataclasses.replace(panel, client=client)
    finally:
        await client.session.close()


@asynccontextmanager
async def rec_signed_in_elsewhere(panel: Panel) -> AsyncIterator[Panel]:
    """The recruiter account "rec", signed in in another browser (admin pages: 403)."""
    async with second_browser(panel) as other:
        await other.login("rec")
        assert (await other.client.get("/audit", allow_redirects=False)).status == 403
        yield other


async def assert_signed_out(other: Panel) -> None:
    response = await other.client.get("/audit", allow_redirects=False)
    assert (response.status, response.headers["Location"]) == (302, "/login")


async def _account(panel: Panel, login: str) -> AdminUser:
    async with panel.storage.uow() as uow:
        user = await uow.admin_users.get_by_login(login)
    assert user is not None
    return user


async def _tokens(panel: Panel) -> list[ApiToken]:
    async with panel.storage.uow() as uow:
        return list(await uow.api_tokens.list(limit=100))


def _error(page: str, field: str) -> str:
    match = re.search(rf'<div class="error" id="{re.escape(field)}-error">([^<]*)</div>', page)
    assert match, page
    return html.unescape(match.group(1))


async def test_the_page_lists_accounts_and_every_token(panel: Panel) -> None:
    await panel.login()
    page = await (await panel.client.get("/accounts")).text()
    boss, rec = await _account(panel, "boss"), await _account(panel, "rec")
    boss_row = page[page.index(f'id="account-{boss.id}"') :].split("</tr>")[0]
    rec_row = page[page.index(f'id="account-{rec.id}"') :].split("</tr>")[0]
    assert "admin" in boss_row and "UTC" in boss_row  # the last login
    assert "/deactivate" not in boss_row  # not oneself
    assert "recruiter" in rec_row and "&lt;script&gt;alert(1)&lt;/script&gt; Anna" in rec_row
    assert f'action="/accounts/{rec.id}/deactivate"' in rec_row
    assert "No API tokens yet." in page


async def test_an_admin_creates_an_account_that_can_log_in(panel: Panel) -> None:
    await panel.login()
    response = await panel.post(
        "/accounts",
        {"login": "carol", "password": NEW_PASSWORD, "role": "recruiter", "recruiter_id": "4"},
        allow_redirects=False,
    )
    assert response.status == 422  # recruiter 4 does not exist
    assert _error(await response.text(), "recruiter_id") == "no such recruiter"
    response = await panel.post(
        "/accounts",
        {
            "login": "carol",
            "password": NEW_PASSWORD,
            "role": "recruiter",
            "recruiter_id": str(panel.boris_id),
        },
        allow_redirects=False,
    )
    assert response.status == 303
    carol = await _account(panel, "carol")
    assert (carol.role, carol.recruiter_id, carol.active) == (
        AdminRole.RECRUITER,
        panel.boris_id,
        True,
    )
    assert NEW_PASSWORD not in carol.password_hash
    boss = await _account(panel, "boss")
    async with panel.storage.uow() as uow:
        [entry] = [e for e in await uow.audit.list(limit=100) if e.entity_id == str(carol.id)]
    assert (entry.action, entry.actor, entry.admin_user_id) == (
        "create",
        f"admin:{boss.id}",
        boss.id,
    )
    assert NEW_PASSWORD not in str(entry.details)
    assert (await panel.login("carol", NEW_PASSWORD)).status == 303
    assert (await panel.client.get("/accounts")).status == 403  # a recruiter now


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        (
            {"role": "recruiter"},
            "recruiter_id",
            "a recruiter account must be linked to a recruiter",
        ),
        ({"role": "admin", "password": "short"}, "password", "at least 10 characters"),
        ({"role": "admin", "login": "a b"}, "login", "3–64 letters, digits or . _ @ -"),
        ({"role": "admin", "login": "rec"}, "login", "an account with this login exists already"),
        ({"role": "boss"}, "role", "Input should be 'admin' or 'recruiter'"),
    ],
)
async def test_a_refused_account_says_why_next_to_the_field(
    panel: Panel, fields: dict[str, str], field: str, reason: str
) -> None:
    await panel.login()
    response = await panel.post("/accounts", {"login": "dave", "password": NEW_PASSWORD, **fields})
    assert response.status == 422
    page = await response.text()
    assert _error(page, field) == reason
    assert NEW_PASSWORD not in page and 'value="short"' not in page  # never sent back
    async with panel.storage.uow() as uow:
        assert await uow.admin_users.count() == 2


async def test_deactivating_ends_access_at_the_next_request(panel: Panel) -> None:
    rec = await _account(panel, "rec")
    await panel.login()
    async with rec_signed_in_elsewhere(panel) as other:
        response = await panel.post(f"/accounts/{rec.id}/deactivate", allow_redirects=False)
        assert response.status == 303
        await assert_signed_out(other)
        assert "Wrong login or password." in await (await other.login("rec")).text()
        await panel.post(f"/accounts/{rec.id}/reactivate")
        assert (await other.login("rec")).status == 303
    assert (await _account(panel, "rec")).active
    async with panel.storage.uow() as uow:
        entries = [e for e in await uow.audit.list(limit=100) if e.entity_id == str(rec.id)]
    boss = await _account(panel, "boss")
    assert [(e.action, e.admin_user_id) for e in entries if e.action != "login"] == [
        ("create", None),
        ("deactivate", boss.id),
        ("reactivate", boss.id),
    ]


async def test_an_admin_cannot_deactivate_themselves(panel: Panel) -> None:
    boss = await _account(panel, "boss")
    await panel.login()
    response = await panel.post(f"/accounts/{boss.id}/deactivate")
    assert response.status == 409
    assert (await _account(panel, "boss")).active
    assert (await panel.client.get("/accounts")).status == 200
    assert (await panel.post("/accounts/999/deactivate")).status == 404


async def test_sign_out_everywhere_ends_an_existing_session(panel: Panel) -> None:
    rec = await _account(panel, "rec")
    await panel.login()
    async with rec_signed_in_elsewhere(panel) as other:
        response = await panel.post(f"/accounts/{rec.id}/sign-out", allow_redirects=False)
        assert response.status == 303
        await assert_signed_out(other)
        assert (await other.login("rec")).status == 303  # the account itself still works
        assert (await other.client.get("/audit", allow_redirects=False)).status == 403
    assert (await panel.client.get("/accounts")).status == 200  # the admin's own session stays
    assert (await panel.post("/accounts/999/sign-out")).status == 404


async def test_a_token_made_in_the_panel_works_once_shown_and_stops_when_revoked(
    panel: Panel,
) -> None:
    client = panel.client
    rec, boss = await _account(panel, "rec"), await _account(panel, "boss")
    await panel.login()
    created = await panel.post("/accounts/tokens", {"admin_user_id": str(boss.id), "name": "CI"})
    assert created.status == 200
    assert created.headers["Cache-Control"] == "no-store"
    page = await created.text()
    match = re.search(r'id="new-token".*?<code>(rbt_[^<]+)</code>', page, re.S)
    assert match, page
    raw = match.group(1)
    [token] = await _tokens(panel)
    assert (token.admin_user_id, token.name) == (boss.id, "CI")
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    listing = await (await client.get("/accounts")).text()
    assert raw not in listing  # shown once, never again
    assert f'action="/accounts/tokens/{token.id}/revoke"' in listing
    async with panel.storage.uow() as uow:
        assert all(raw not in str(e.details) for e in await uow.audit.list(limit=100))

    api = await client.get("/api/v1/auto-messages", headers=bearer(raw))
    assert api.status == 200
    revoked = await panel.post(f"/accounts/tokens/{token.id}/revoke", allow_redirects=False)
    assert revoked.status == 303
    assert (await client.get("/api/v1/auto-messages", headers=bearer(raw))).status == 401
    [token] = await _tokens(panel)
    assert token.revoked_at is not None and token.last_used_at is not None
    listing = await (await client.get("/accounts")).text()
    assert f'action="/accounts/tokens/{token.id}/revoke"' not in listing
    assert (await panel.post("/accounts/tokens/999/revoke")).status == 404

    refused = await panel.post("/accounts/tokens", {"admin_user_id": str(rec.id), "name": ""})
    assert refused.status == 422
    assert _error(await refused.text(), "name")
    await panel.post(f"/accounts/{rec.id}/deactivate")
    refused = await panel.post("/accounts/tokens", {"admin_user_id": str(rec.id), "name": "x"})
    assert refused.status == 422
    assert _error(await refused.text(), "admin_user_id") == "an active account"
    assert len(await _tokens(panel)) == 1


async def test_recruiters_may_not_manage_accounts(panel: Panel) -> None:
    boss = await _account(panel, "boss")
    await panel.login("rec")
    assert (await panel.client.get("/accounts")).status == 403
    for path, data in (
        ("/accounts", {"login": "eve", "password": NEW_PASSWORD, "role": "admin"}),
        ("/accounts/tokens", {"admin_user_id": "1", "name": "x"}),
        (f"/accounts/{boss.id}/deactivate", {}),
        (f"/accounts/{boss.id}/sign-out", {}),
    ):
        assert (await panel.post(path, data)).status == 403
    assert (await _account(panel, "boss")).active
    assert await _tokens(panel) == []
    assert (await panel.login("boss", PASSWORD)).status == 303


async def test_forms_without_the_csrf_token_are_refused(panel: Panel) -> None:
    rec = await _account(panel, "rec")
    await panel.login()
    client = panel.client
    for path, data in (
        ("/accounts", {"login": "eve", "password": NEW_PASSWORD, "role": "admin"}),
        ("/accounts/tokens", {"admin_user_id": str(rec.id), "name": "x"}),
        (f"/accounts/{rec.id}/deactivate", {}),
        (f"/accounts/{rec.id}/sign-out", {}),
    ):
        assert (await client.post(path, data=data)).status == 403
    assert (await _account(panel, "rec")).active
    assert await _tokens(panel) == []


async def test_an_account_is_linked_to_a_recruiter_later(panel: Panel) -> None:
    """An existing admin account is linked to a recruiter (whose chat is then the admin's own
    Telegram), and unlinked; a recruiter account cannot be left without one."""
    await panel.login()
    boss = await _account(panel, "boss")
    linked = await panel.post(
        f"/accounts/{boss.id}/recruiter", {"recruiter_id": str(panel.boris_id)}
    )
    assert linked.status == 200 and "boss is linked." in await linked.text()
    assert (await _account(panel, "boss")).recruiter_id == panel.boris_id
    await panel.post(f"/accounts/{boss.id}/recruiter", {"recruiter_id": ""})
    assert (await _account(panel, "boss")).recruiter_id is None
    # not to a recruiter another account speaks for (Anna is "rec"'s): a test send would reach her
    taken = await panel.post(f"/accounts/{boss.id}/recruiter", {"recruiter_id": str(panel.anna_id)})
    assert taken.status == 422
    assert "another account is linked" in _error(await taken.text(), f"link-{boss.id}")

    rec = await _account(panel, "rec")
    refused = await panel.post(f"/accounts/{rec.id}/recruiter", {"recruiter_id": ""})
    assert refused.status == 422
    assert _error(await refused.text(), f"link-{rec.id}")
    for wrong in ("999999", "x"):
        answer = await panel.post(f"/accounts/{rec.id}/recruiter", {"recruiter_id": wrong})
        assert answer.status == 422, wrong
    assert (await _account(panel, "rec")).recruiter_id == panel.anna_id
    async with panel.storage.uow() as uow:
        linked_rows = await uow.session.scalars(
            select(AuditLogEntry).where(AuditLogEntry.action == "link_recruiter")
        )
        assert len(linked_rows.all()) == 2

"""Issue 16, item 9 (accounts): an account changes its own password with the current one, and
an admin resets another's (audited); either way that account's other sessions end."""

from __future__ import annotations

import html
import re
from typing import Any

from domain.organisation import account_admin
from domain.organisation.accounts import create_admin, hash_password
from tests.conftest import Storage
from tests.security.conftest import PASSWORD, Panel, panel_on
from tests.security.test_login_lockout import MAX_FAILURES
from tests.security.test_sessions import _cookie, _with_copied_cookie
from tests.support.factories import NOW

NEW_PASSWORD = "a brand new password"


def _error(page: str, field: str) -> str:
    match = re.search(rf'<div class="error" id="{re.escape(field)}-error">([^<]*)</div>', page)
    assert match, page
    return html.unescape(match.group(1))


async def _change(panel: Panel, current: str, new: str, again: str | None = None) -> Any:
    return await panel.post(
        "/account/password",
        {
            "current_password": current,
            "new_password": new,
            "new_password_again": new if again is None else again,
        },
        allow_redirects=False,
    )


async def _audit(storage: Storage) -> list[tuple[str, str | None, int | None]]:
    async with storage.uow() as uow:
        entries = await uow.audit.list(limit=100)
    return [(e.action, e.entity_id, e.admin_user_id) for e in entries if e.action != "login"]


async def test_an_account_changes_its_own_password_and_its_other_sessions_end(
    storage: Storage, aiohttp_client: Any
) -> None:
    panel = await panel_on(storage, aiohttp_client)
    await panel.login("rec")
    elsewhere = _cookie(panel)
    panel.client.session.cookie_jar.clear()
    await panel.login("rec")
    page = await (await panel.client.get("/account/password")).text()
    assert 'action="/account/password"' in page and "Current password" in page
    changed = await _change(panel, PASSWORD, NEW_PASSWORD)
    assert (changed.status, changed.headers["Location"]) == (303, "/account/password")
    here = _cookie(panel)
    assert "other sessions have ended" in await (await panel.client.get("/account/password")).text()
    assert await _with_copied_cookie(panel, elsewhere) == 302
    assert await _with_copied_cookie(panel, here) == 200  # this session goes on
    panel.client.session.cookie_jar.clear()
    assert "Wrong login or password." in await (await panel.login("rec")).text()
    assert (await panel.login("rec", NEW_PASSWORD)).status == 303
    async with storage.uow() as uow:
        rec = await uow.admin_users.get_by_login("rec")
    assert rec is not None
    assert ("change_password", str(rec.id), rec.id) in await _audit(storage)


async def test_a_wrong_current_password_changes_nothing_and_counts_as_a_failure(
    sqlite_storage: Storage, aiohttp_client: Any
) -> None:
    panel = await panel_on(sqlite_storage, aiohttp_client)
    await panel.login("rec")
    refused = await _change(panel, "not my password", NEW_PASSWORD)
    assert refused.status == 422
    assert _error(await refused.text(), "current_password") == "this is not your current password"
    differ = await _change(panel, PASSWORD, NEW_PASSWORD, again="something else entirely")
    assert _error(await differ.text(), "new_password_again") == "the two new passwords differ"
    short = await _change(panel, PASSWORD, "short")
    assert _error(await short.text(), "new_password") == "at least 10 characters"
    for _ in range(MAX_FAILURES - 1):
        await _change(panel, "not my password", NEW_PASSWORD)
    locked = await _change(panel, PASSWORD, NEW_PASSWORD)  # the guesses count as failures
    assert locked.status == 429
    panel.client.session.cookie_jar.clear()
    assert (await panel.login("boss")).status == 303  # the admin is not locked by it


async def test_an_admin_resets_another_accounts_password_which_ends_its_sessions(
    storage: Storage, aiohttp_client: Any
) -> None:
    panel = await panel_on(storage, aiohttp_client)
    await panel.login("rec")
    rec_cookie = _cookie(panel)
    panel.client.session.cookie_jar.clear()
    await panel.login("boss")
    async with storage.uow() as uow:
        rec = await uow.admin_users.get_by_login("rec")
        boss = await uow.admin_users.get_by_login("boss")
    assert rec is not None and boss is not None
    page = await (await panel.client.get("/accounts")).text()
    assert f'action="/accounts/{rec.id}/password"' in page
    assert f'action="/accounts/{boss.id}/password"' not in page  # one's own: the own page
    short = await panel.post(f"/accounts/{rec.id}/password", {"password": "short"})
    assert short.status == 422
    assert _error(await short.text(), f"reset-{rec.id}") == "at least 10 characters"
    own = await panel.post(f"/accounts/{boss.id}/password", {"password": NEW_PASSWORD})
    assert own.status == 422
    done = await panel.post(
        f"/accounts/{rec.id}/password", {"password": NEW_PASSWORD}, allow_redirects=False
    )
    assert done.status == 303
    assert "The password of rec is reset" in await (await panel.client.get("/accounts")).text()
    assert await _with_copied_cookie(panel, rec_cookie) == 302
    assert ("reset_password", str(rec.id), boss.id) in await _audit(storage)
    panel.client.session.cookie_jar.clear()
    assert (await panel.login("rec", NEW_PASSWORD)).status == 303


async def test_a_recruiter_cannot_reset_anyones_password(
    sqlite_storage: Storage, aiohttp_client: Any
) -> None:
    panel = await panel_on(sqlite_storage, aiohttp_client)
    await panel.login("rec")
    async with sqlite_storage.uow() as uow:
        boss = await uow.admin_users.get_by_login("boss")
    assert boss is not None
    refused = await panel.post(f"/accounts/{boss.id}/password", {"password": NEW_PASSWORD})
    assert refused.status == 403
    panel.client.session.cookie_jar.clear()
    assert (await panel.login("boss")).status == 303


async def test_no_transaction_is_open_while_a_new_password_is_hashed(
    storage: Storage, monkeypatch: Any
) -> None:
    """A hash takes a good part of a second; on SQLite an open transaction holds the write
    lock, so the bot's writers would wait on it."""
    async with storage.uow() as uow:
        boss = await create_admin(uow, "boss2", PASSWORD)
        other = await create_admin(uow, "other2", PASSWORD)
    open_during_hash: list[bool] = []

    async def watched_hash(password: str) -> str:
        open_during_hash.append(uow.session.in_transaction())
        return await hash_password(password)

    monkeypatch.setattr(account_admin, "hash_password", watched_hash)
    async with storage.uow() as uow:
        await uow.admin_users.get(boss.id)  # the request's own reads came first
        reset = await account_admin.reset_password(
            uow, other.id, NEW_PASSWORD, actor="admin:boss2", admin_user_id=boss.id
        )
        assert reset.ok, reset
    async with storage.uow() as uow:
        user = await uow.admin_users.get(other.id)
        assert user is not None
        changed = await account_admin.change_own_password(
            uow,
            user,
            NEW_PASSWORD,
            "yet another password",
            session_token="t",
            address="127.0.0.1",
            now=NOW,
        )
        assert changed.ok, changed
    assert open_during_hash == [False, False]

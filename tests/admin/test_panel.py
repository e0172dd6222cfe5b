"""The panel's login, sessions and CSRF, and creating a recruiter's invite link from it."""

from __future__ import annotations

import re

from core.clock import FrozenClock
from core.result import Success
from domain.organisation.accounts import set_password
from domain.organisation.invites import redeem_invite
from tests.admin.conftest import PASSWORD, Panel
from tests.support.factories import NOW


async def test_pages_need_a_login(panel: Panel) -> None:
    client = panel.client
    response = await client.get("/recruiters", allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"] == "/login"


async def test_a_wrong_password_is_shown_next_to_the_field(
    panel: Panel,
) -> None:
    response = await panel.login(password="nope")
    assert response.status == 200
    page = await response.text()
    assert '<div class="error" id="password-error">Wrong login or password.</div>' in page
    assert 'value="boss"' in page  # what was typed is kept


async def test_a_login_without_the_forms_token_is_refused(
    panel: Panel,
) -> None:
    client = panel.client
    await client.get("/login")
    response = await client.post("/login", data={"login": "boss", "password": PASSWORD})
    assert response.status == 403


async def test_the_session_cookie_is_encrypted_httponly_and_samesite(
    panel: Panel,
) -> None:
    response = await panel.login()
    assert response.status == 303
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "boss" not in cookie
    assert '"user_id"' not in cookie


async def test_repeated_failures_lock_the_login_for_a_while(panel: Panel) -> None:
    for _ in range(5):
        await panel.login(password="wrong")
    page = await (await panel.login()).text()  # even the right password, for now
    assert "Too many failed attempts" in page


async def test_an_admin_creates_an_invite_link_that_links(
    panel: Panel,
) -> None:
    client, storage = panel.client, panel.storage
    await panel.login()
    page = await (await client.get("/recruiters")).text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Anna" in page  # escaped, never run
    assert "<script>alert(1)" not in page
    refused = await client.post(f"/recruiters/{panel.anna_id}/invite", data={})
    assert refused.status == 403
    csrf = await panel.csrf("/recruiters")
    created = await client.post(f"/recruiters/{panel.anna_id}/invite", data={"csrf": csrf})
    assert created.status == 200
    page = await created.text()
    link = re.search(r'href="(https://t.me/our_bot\?start=(rec_[^"]+))"', page)
    assert link, page
    async with storage.uow() as uow:
        linked = await redeem_invite(uow, link.group(2), 777, FrozenClock(NOW))
    assert isinstance(linked, Success)
    async with storage.uow() as uow:
        assert [e.action for e in await uow.audit.list(limit=100)].count("invite") == 1


async def test_a_recruiter_account_cannot_manage_recruiters(
    panel: Panel,
) -> None:
    client = panel.client
    await panel.login("rec")
    assert (await client.get("/recruiters")).status == 403


async def test_a_new_password_ends_old_sessions_and_logout_works(
    panel: Panel,
) -> None:
    client, storage = panel.client, panel.storage
    await panel.login()
    assert (await client.get("/recruiters")).status == 200
    async with storage.uow() as uow:
        await set_password(uow, "boss", "another long password")
    response = await client.get("/recruiters", allow_redirects=False)
    assert response.status == 302
    await panel.login(password="another long password")
    csrf = await panel.csrf("/recruiters")
    await client.post("/logout", data={"csrf": csrf}, allow_redirects=False)
    assert (await client.get("/recruiters", allow_redirects=False)).status == 302


async def test_error_pages_say_why_in_words(panel: Panel) -> None:
    await panel.login("rec")
    refused = await panel.client.get("/cities")
    assert refused.status == 403
    assert "Only admins can do this." in await refused.text()
    missing = await (await panel.client.get("/no-such-page")).text()
    assert "Not Found" in missing and "404: Not Found" not in missing

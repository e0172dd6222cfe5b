"""The panel's login, sessions and CSRF, and creating a recruiter's invite link from it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from admin.app import create_app
from admin.deps import AdminDeps
from admin.health import HealthSources
from core.clock import FrozenClock
from core.result import Success
from scheduler.factory import SchedulerRunner
from services.accounts import create_admin, set_password
from services.recruiter_invites import redeem_invite
from services.texts import Catalog
from storage.models.enums import AdminRole
from tests.conftest import Storage
from tests.support.factories import NOW, make_city, make_recruiter

PASSWORD = "a long password 1"


class Off:
    state = "off"


@pytest.fixture
async def panel(sqlite_storage: Storage, aiohttp_client: Any) -> tuple[TestClient, Storage]:
    storage = sqlite_storage
    async with storage.uow() as uow:
        city = await make_city(uow, "Kazan")
        await make_recruiter(uow, city, name="<script>alert(1)</script> Anna")
        await uow.commit()
    for login, role in (("boss", AdminRole.ADMIN), ("rec", AdminRole.RECRUITER)):
        async with storage.uow() as uow:
            await create_admin(uow, login, PASSWORD, role)
    deps = AdminDeps(
        storage.uow,
        FrozenClock(NOW),
        Catalog.load("ru"),
        bot_username="our_bot",
        secret_key="k" * 40,
    )
    app = create_app(HealthSources(storage.engine, storage.cache, Off(), SchedulerRunner()), deps)
    return await aiohttp_client(app), storage


async def _csrf(client: TestClient, path: str) -> str:
    page = await (await client.get(path)).text()
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


async def _login(client: TestClient, login: str = "boss", password: str = PASSWORD) -> Any:
    csrf = await _csrf(client, "/login")
    return await client.post(
        "/login", data={"login": login, "password": password, "csrf": csrf}, allow_redirects=False
    )


async def test_pages_need_a_login(panel: tuple[TestClient, Storage]) -> None:
    client, _ = panel
    response = await client.get("/recruiters", allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"] == "/login"


async def test_a_wrong_password_is_shown_next_to_the_field(
    panel: tuple[TestClient, Storage],
) -> None:
    client, _ = panel
    response = await _login(client, password="nope")
    assert response.status == 200
    page = await response.text()
    assert '<div class="error" id="password-error">Wrong login or password.</div>' in page
    assert 'value="boss"' in page  # what was typed is kept


async def test_a_login_without_the_forms_token_is_refused(
    panel: tuple[TestClient, Storage],
) -> None:
    client, _ = panel
    await client.get("/login")
    response = await client.post("/login", data={"login": "boss", "password": PASSWORD})
    assert response.status == 403


async def test_the_session_cookie_is_encrypted_httponly_and_samesite(
    panel: tuple[TestClient, Storage],
) -> None:
    client, _ = panel
    response = await _login(client)
    assert response.status == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "boss" not in cookie
    assert '"user_id"' not in cookie


async def test_repeated_failures_lock_the_login_for_a_while(
    panel: tuple[TestClient, Storage], monkeypatch: pytest.MonkeyPatch
) -> None:
    from admin.panel_auth import LoginThrottle

    monkeypatch.setattr(LoginThrottle, "delay", lambda self, login: 0.0)
    client, _ = panel
    for _ in range(5):
        await _login(client, password="wrong")
    page = await (await _login(client)).text()  # even the right password, for now
    assert "Too many failed attempts" in page


async def test_an_admin_creates_an_invite_link_that_links(
    panel: tuple[TestClient, Storage],
) -> None:
    client, storage = panel
    await _login(client)
    page = await (await client.get("/recruiters")).text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Anna" in page  # escaped, never run
    assert "<script>alert(1)" not in page
    refused = await client.post("/recruiters/1/invite", data={})
    assert refused.status == 403
    csrf = await _csrf(client, "/recruiters")
    created = await client.post("/recruiters/1/invite", data={"csrf": csrf})
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
    panel: tuple[TestClient, Storage],
) -> None:
    client, _ = panel
    await _login(client, "rec")
    assert (await client.get("/recruiters")).status == 403


async def test_a_new_password_ends_old_sessions_and_logout_works(
    panel: tuple[TestClient, Storage],
) -> None:
    client, storage = panel
    await _login(client)
    assert (await client.get("/recruiters")).status == 200
    async with storage.uow() as uow:
        await set_password(uow, "boss", "another long password")
    response = await client.get("/recruiters", allow_redirects=False)
    assert response.status == 302
    await _login(client, password="another long password")
    csrf = await _csrf(client, "/recruiters")
    await client.post("/logout", data={"csrf": csrf}, allow_redirects=False)
    assert (await client.get("/recruiters", allow_redirects=False)).status == 302

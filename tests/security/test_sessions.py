"""Issue 16, item 4: a session ends on the server. A cookie copied before logout (or before the
password changed, or the account was deactivated) no longer opens anything."""

from __future__ import annotations

from typing import Any

from tests.conftest import Storage
from tests.security.conftest import Panel, panel_on

COOKIE = "rb_session"


def _cookie(panel: Panel) -> str:
    jar = {c.key: c.value for c in panel.client.session.cookie_jar}
    assert jar.get(COOKIE), jar
    return jar[COOKIE]


async def _with_copied_cookie(panel: Panel, cookie: str, path: str = "/candidates") -> int:
    """A request carrying only the copied cookie, as an attacker's browser would send it."""
    panel.client.session.cookie_jar.clear()
    response = await panel.client.get(
        path, headers={"Cookie": f"{COOKIE}={cookie}"}, allow_redirects=False
    )
    return int(response.status)


async def test_a_cookie_copied_before_logout_no_longer_works(
    storage: Storage, aiohttp_client: Any
) -> None:
    panel = await panel_on(storage, aiohttp_client)
    assert (await panel.login()).status == 303
    copied = _cookie(panel)
    assert await _with_copied_cookie(panel, copied) == 200  # the copy works while signed in
    panel.client.session.cookie_jar.update_cookies({COOKIE: copied})
    csrf = await panel.csrf("/candidates")
    logout = await panel.client.post("/logout", data={"csrf": csrf}, allow_redirects=False)
    assert logout.status == 303
    assert await _with_copied_cookie(panel, copied) == 302  # to /login: the session is over


async def test_logout_ends_only_that_session(storage: Storage, aiohttp_client: Any) -> None:
    panel = await panel_on(storage, aiohttp_client)
    await panel.login()
    first = _cookie(panel)
    panel.client.session.cookie_jar.clear()
    await panel.login()
    second = _cookie(panel)
    csrf = await panel.csrf("/candidates")
    await panel.client.post("/logout", data={"csrf": csrf}, allow_redirects=False)
    assert await _with_copied_cookie(panel, second) == 302
    assert await _with_copied_cookie(panel, first) == 200  # the other browser stays signed in


async def test_a_deactivated_accounts_copied_cookie_stays_dead_after_reactivation(
    sqlite_storage: Storage, aiohttp_client: Any
) -> None:
    panel = await panel_on(sqlite_storage, aiohttp_client)
    await panel.login("rec")
    rec_cookie = _cookie(panel)
    panel.client.session.cookie_jar.clear()
    await panel.login("boss")
    async with sqlite_storage.uow() as uow:
        rec = await uow.admin_users.get_by_login("rec")
    assert rec is not None
    for action in ("deactivate", "reactivate"):
        assert (
            await panel.post(f"/accounts/{rec.id}/{action}", allow_redirects=False)
        ).status == 303
    assert await _with_copied_cookie(panel, rec_cookie) == 302

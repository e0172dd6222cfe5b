"""Issue 16, item 9: what the panel's answers tell browsers, and the Origin check on unsafe
requests. The templates carry no inline script or style, so the policy breaks nothing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.admin.conftest import bearer
from tests.conftest import Storage
from tests.security.conftest import PASSWORD, panel_on

TEMPLATES = Path(__file__).resolve().parents[2] / "admin" / "templates"


async def test_pages_carry_the_policy_and_no_server_version(
    sqlite_storage: Storage, aiohttp_client: Any
) -> None:
    panel = await panel_on(sqlite_storage, aiohttp_client)
    await panel.login()
    for path in ("/login", "/candidates", "/accounts", "/no-such-page"):
        headers = (await panel.client.get(path)).headers
        policy = headers["Content-Security-Policy"]
        for directive in ("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"):
            assert directive in policy, (path, policy)
        assert "unsafe-inline" not in policy
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin")
        assert headers["Cache-Control"] == "no-store", path  # personal data: never kept
        assert not re.search(r"\d", headers.get("Server", "")), headers.get("Server")
        assert "Strict-Transport-Security" not in headers  # plain HTTP: no TLS setting
    static = await panel.client.get("/static/panel.css")
    assert static.status == 200 and "no-store" not in static.headers.get("Cache-Control", "")
    assert static.headers["X-Content-Type-Options"] == "nosniff"


async def test_api_answers_are_not_stored_either(
    sqlite_storage: Storage, aiohttp_client: Any
) -> None:
    panel = await panel_on(sqlite_storage, aiohttp_client)
    response = await panel.client.get("/api/v1/cities", headers=bearer("no such token"))
    assert response.status == 401
    assert response.headers["Cache-Control"] == "no-store"
    assert not re.search(r"\d", response.headers.get("Server", ""))


async def test_over_tls_the_cookie_is_secure_and_hsts_is_sent(
    sqlite_storage: Storage, aiohttp_client: Any
) -> None:
    panel = await panel_on(sqlite_storage, aiohttp_client, public_url="https://panel.example.org")
    # The login form's session (its CSRF token) is the first cookie: over TLS only. (The test
    # client speaks plain HTTP, so it keeps such a cookie to itself: no sign-in here.)
    form = await panel.client.get("/login")
    cookie = form.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
    hsts = form.headers["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 180 * 86400  # type: ignore[union-attr]


async def test_without_tls_the_cookie_is_not_marked_secure(
    sqlite_storage: Storage, aiohttp_client: Any
) -> None:
    panel = await panel_on(sqlite_storage, aiohttp_client)
    cookie = (await panel.login()).headers["Set-Cookie"]
    assert "Secure" not in cookie


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "http://127.0.0.1.evil.example"},
    ],
)
async def test_an_unsafe_request_from_another_site_is_refused_with_a_page(
    sqlite_storage: Storage, aiohttp_client: Any, headers: dict[str, str]
) -> None:
    panel = await panel_on(sqlite_storage, aiohttp_client)
    await panel.login()
    csrf = await panel.csrf("/cities")
    refused = await panel.client.post(
        "/cities",
        data={"name": "Perm", "timezone": "Asia/Yekaterinburg", "csrf": csrf},
        headers=headers,
    )
    assert refused.status == 403
    page = await refused.text()
    assert "came from another site" in page and "<html" in page
    login_csrf = await panel.csrf("/login")
    forged_login = await panel.client.post(
        "/login",
        data={"login": "boss", "password": PASSWORD, "csrf": login_csrf},
        headers=headers,
        allow_redirects=False,
    )
    assert forged_login.status == 403
    async with sqlite_storage.uow() as uow:
        assert [c.name for c in await uow.cities.list()] == ["Kazan"]


async def test_the_panels_own_origin_and_its_public_url_are_accepted(
    sqlite_storage: Storage, aiohttp_client: Any
) -> None:
    # Plain HTTP here: over https the test client would not send the Secure cookie back.
    panel = await panel_on(sqlite_storage, aiohttp_client, public_url="http://panel.example.org")
    await panel.login()
    own = f"http://{panel.client.host}:{panel.client.port}"
    for origin in (own, "http://panel.example.org"):
        csrf = await panel.csrf("/cities")
        saved = await panel.client.post(
            "/cities",
            data={"name": f"Perm {len(origin)}", "timezone": "Asia/Yekaterinburg", "csrf": csrf},
            headers={"Origin": origin, "Sec-Fetch-Site": "same-origin"},
            allow_redirects=False,
        )
        assert saved.status == 303, origin


def test_templates_have_no_inline_script_or_style() -> None:
    """The policy allows scripts and styles from files only: none may be written inline."""
    problems = []
    for template in sorted(TEMPLATES.glob("*.html")):
        source = template.read_text()
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",  # a script without src
            r"<style\b",
            r"\sstyle=",
            r"\son[a-z]+=",  # onclick= and the like
            r"javascript:",
        ):
            problems += [f"{template.name}: {m}" for m in re.findall(pattern, source)]
    assert problems == []

"""Every panel route, enumerated from the router: unsafe requests without the session's CSRF
token are refused, pages need a login, and admin pages refuse a recruiter's account."""

from __future__ import annotations

import re

from aiohttp import web

from tests.admin.conftest import Panel
from tests.support.languages import RUSSIAN

# Pages a recruiter's account may open (limited to what it owns); every other page is admins'.
RECRUITER_PAGES = {
    "/",
    "/candidates",
    "/candidates.csv",
    "/board",  # their cities' candidates
    "/slots",
    "/inbox",
    "/account/password",
    "/vacancies",  # their cities' vacancies, without the form
    "/vacancies/funnel",  # their cities' candidates
    "/calendars",  # their recruiter's calendar feed link
}
OPEN = {"/login", "/logout", "/health", "/metrics"}
# Calendar feeds: read by calendar apps, the secret in the path (test_calendar_feeds.py).
SECRET_LINKS = "/calendar/"


def _routes(panel: Panel) -> list[tuple[str, str]]:
    app: web.Application = panel.client.server.app  # type: ignore[attr-defined]
    found = []
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter")
        if (
            not path
            or path.startswith(("/api", "/static", "/sandbox", SECRET_LINKS))
            or path in OPEN
        ):
            continue
        if "pattern" in info:
            samples = {
                name: _sample(regex)
                for name, regex in re.findall(r"\(\?P<(\w+)>([^)]*)\)", info["pattern"].pattern)
            }
            path = path.format(**samples)
        found.append((route.method, path))
    return found


def _sample(regex: str) -> str:
    """A value the parameter's pattern accepts: `pause|resume` gives pause, anything else 1."""
    if re.fullmatch(r"[a-z_|-]+", regex):
        return regex.split("|")[0]
    return "1"


async def test_no_unsafe_request_passes_without_the_csrf_token(panel: Panel) -> None:
    await panel.login()
    unsafe = [(m, p) for m, p in _routes(panel) if m not in ("GET", "HEAD")]
    assert len(unsafe) >= 20  # every form of the panel
    for method, path in unsafe:
        response = await panel.client.request(method, path, data={"name": "x"})
        assert response.status == 403, (method, path, response.status)
    # Why, in the page's language.
    expired = await panel.client.post("/cities", data={"name": "x"}, headers=RUSSIAN)
    assert "Форма устарела" in await expired.text()


async def test_every_page_needs_a_login(panel: Panel) -> None:
    for method, path in _routes(panel):
        response = await panel.client.request(method, path, allow_redirects=False)
        assert response.status in (302, 303, 403), (method, path)
        if response.status != 403:
            assert response.headers["Location"] == "/login", (method, path)


async def test_admin_pages_refuse_a_recruiters_account(panel: Panel) -> None:
    await panel.login("rec")
    pages = [p for m, p in _routes(panel) if m == "GET" and "/1" not in p]
    assert len(pages) >= 10
    for path in pages:
        response = await panel.client.get(path)
        expected = 200 if path in RECRUITER_PAGES else 403
        assert response.status == expected, (path, response.status)

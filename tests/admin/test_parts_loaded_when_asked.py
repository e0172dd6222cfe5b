"""The panel's pages and the REST API are built at their first request (issue 15, memory): until
then a process holds neither; then they answer as before, and the shipped templates are
learned in the background for their template pages."""

from __future__ import annotations

from aiohttp import web

from admin.app import LEARNING
from admin.lazy_app import LazyApp
from domain.messaging.templates import used_variables
from tests.admin.conftest import Panel


def _parts(panel: Panel) -> dict[str, LazyApp]:
    app: web.Application = panel.client.server.app  # type: ignore[attr-defined]
    # The resources, not their routes: listing the routes would build the parts.
    return {r.canonical: r for r in app.router.resources() if isinstance(r, LazyApp)}


async def test_nothing_is_built_until_asked_then_each_part_at_its_first_request(
    panel: Panel,
) -> None:
    parts = _parts(panel)
    assert set(parts) == {"/", "/api/v1"}
    assert (await panel.client.get("/health")).status == 200
    assert not parts["/"].built and not parts["/api/v1"].built

    login = await panel.client.get("/login")
    assert login.status == 200 and 'name="csrf"' in await login.text()
    assert parts["/"].built and not parts["/api/v1"].built

    api = await panel.client.get("/api/v1/cities")
    assert api.status == 401  # the API's own answer: no token
    assert "error" in await api.json()
    assert parts["/api/v1"].built


async def test_an_unknown_address_is_the_panels_error_page(panel: Panel) -> None:
    answer = await panel.client.get("/no/such/page")
    assert answer.status == 404
    assert answer.content_type == "text/html"
    assert "<html" in await answer.text()
    machine = await panel.client.get("/api/v1/no-such-thing", headers={"Authorization": "x"})
    assert machine.status in (401, 404) and machine.content_type == "application/json"


async def test_the_first_page_starts_learning_the_shipped_templates(panel: Panel) -> None:
    used_variables.cache_clear()
    await panel.client.get("/login")
    pages = _parts(panel)["/"].app
    await pages[LEARNING]  # parsed and compiled in the templates' worker, once
    assert used_variables.cache_info().currsize > 50  # every shipped body, parsed once

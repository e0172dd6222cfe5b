"""Auto-message texts (issue 16, item 6) are checked as message templates are, by the same
function: Telegram's HTML subset, the length after rendering, the variables an auto-message
has (the name), and the sandbox's limits. `"Hello {{ name }} <img src=x>"` was accepted and
then failed for every recipient."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient

from tests.admin.conftest import Panel, api, bearer, panel  # noqa: F401  (fixtures)
from tests.conftest import Storage

Api = tuple[TestClient, Storage, dict[str, str]]

REFUSED = {
    "markup Telegram refuses": ("Hello {{ name }} <img src=x>", "img"),
    "an unclosed tag": ("Hello <b>{{ name }}", "Telegram"),
    "an unknown variable": ("Hello {{ salary }}", "salary"),
    "too long once rendered": ("{{ name }}" * 400, "4096"),
    "a range bomb": ("{% for i in range(101) %}{% endfor %}Hello {{ name }}", "range"),
    "empty once rendered": ("{% if false %}{{ name }}{% endif %}", "empty"),
}


@pytest.mark.parametrize(("text", "reason"), list(REFUSED.values()), ids=list(REFUSED))
async def test_the_api_refuses_a_text_the_bot_could_not_send(
    api: Api,  # noqa: F811
    text: str,
    reason: str,
) -> None:
    client, storage, tokens = api
    spec = {"name": "News", "kind": "broadcast", "text": text}
    response = await client.post("/api/v1/auto-messages", json=spec, headers=bearer(tokens["boss"]))
    assert response.status == 422
    answer = await response.json()
    assert answer["field"] == "text" and reason in answer["error"], answer
    async with storage.uow() as uow:
        assert await uow.auto_messages.count() == 0


@pytest.mark.parametrize(("text", "reason"), list(REFUSED.values()), ids=list(REFUSED))
async def test_the_panel_shows_why_next_to_the_text(
    panel: Panel,  # noqa: F811
    text: str,
    reason: str,
) -> None:
    await panel.login()
    response = await panel.post(
        "/auto-messages", {"name": "News", "kind": "broadcast", "text": text}
    )
    assert response.status == 422
    match = re.search(r'<div class="error" id="text-error">([^<]*)</div>', await response.text())
    assert match and reason in match.group(1), match
    async with panel.storage.uow() as uow:
        assert await uow.auto_messages.count() == 0


async def test_a_text_the_bot_can_send_is_accepted(api: Api) -> None:  # noqa: F811
    client, _, tokens = api
    spec = {"name": "News", "kind": "broadcast", "text": "Hello <b>{{ name }}</b> &amp; welcome"}
    response = await client.post("/api/v1/auto-messages", json=spec, headers=bearer(tokens["boss"]))
    assert response.status == 201

"""The sandbox (issue 16, item 10): its personas' Telegram ids never repeat, also after a
restart on the same database with a fresh sandbox (a new "candidate" once got the id of a
recruiter linked in an earlier run, and saw her agenda); and the sandbox and its API answer
only in sandbox mode, and only to a signed-in panel user or to a client on this machine."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, make_mocked_request

from runtime.sandbox_mode import SANDBOX_BOT_TOKEN, may_use_sandbox
from sandbox.world import World
from tests.admin.conftest import api, bearer  # noqa: F401  (fixtures)
from tests.conftest import Storage
from tests.e2e.conftest import RunningApp, e2e_now, running_app  # noqa: F401  (fixtures)

FROM_ELSEWHERE = {"X-Forwarded-For": "203.0.113.9"}


async def test_a_fresh_sandbox_on_the_same_database_hands_out_new_ids(
    running_app: RunningApp,  # noqa: F811
) -> None:
    first = await running_app.sandbox.persona("Olga")
    await first.start()
    await running_app.settled()
    # A restart with a sandbox that remembers nothing, as `make run` twice does.
    await running_app.stop()
    running_app.world = World()
    running_app.world.rules.chat_burst = 100
    running_app._watch_updates()
    await running_app.start(migrate=False)
    second = await running_app.sandbox.persona("Pavel")
    assert second.id != first.id
    assert second.id > first.id


async def test_the_sandbox_api_refuses_a_client_from_elsewhere(
    running_app: RunningApp,  # noqa: F811
) -> None:
    url = running_app.url + "/sandbox/api/users"
    refused = await running_app.http.get(url, headers=FROM_ELSEWHERE)
    assert refused.status == 403
    created = await running_app.http.post(url, json={"first_name": "X"}, headers=FROM_ELSEWHERE)
    assert created.status == 403
    chat = await running_app.http.get(
        running_app.url + "/sandbox/",
        headers={**FROM_ELSEWHERE, "Accept": "text/html"},
        allow_redirects=False,
    )
    assert chat.status == 303 and chat.headers["Location"] == "/login"
    # the same client, once signed in to the panel, may use it
    out = running_app.output
    login, password = re.search(r"One-time login:\s+(\S+) / (\S+)", out).groups()  # type: ignore[union-attr]
    page = await (await running_app.http.get(running_app.url + "/login")).text()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    await running_app.http.post(
        running_app.url + "/login", data={"login": login, "password": password, "csrf": csrf}
    )
    allowed = await running_app.http.get(url, headers=FROM_ELSEWHERE)
    assert allowed.status == 200


async def test_a_web_page_elsewhere_cannot_drive_the_sandbox_through_a_local_browser(
    running_app: RunningApp,  # noqa: F811
) -> None:
    url = running_app.url + "/sandbox/api/users"
    forged = await running_app.http.post(
        url, data='{"first_name": "X"}', headers={"Origin": "http://evil.example"}
    )
    assert forged.status == 403
    own = await running_app.http.post(
        url, json={"first_name": "Y"}, headers={"Origin": running_app.url}
    )
    assert own.status == 201
    # a plain GET from another site's page (an <img>, a link) carries no Origin; the browser
    # still says where it came from
    bot_api = f"{running_app.url}/sandbox/bot{SANDBOX_BOT_TOKEN}/getUpdates"
    for site in ("cross-site", "same-site"):
        driven = await running_app.http.get(bot_api, headers={"Sec-Fetch-Site": site})
        assert driven.status == 403, site
    typed = await running_app.http.get(
        running_app.url + "/sandbox/api/users", headers={"Sec-Fetch-Site": "none"}
    )
    assert typed.status == 200


def _request(peer: str, headers: dict[str, str] | None = None, host: str = "127.0.0.1:8080") -> Any:
    class Transport:
        def get_extra_info(self, name: str, default: Any = None) -> Any:
            return (peer, 40000) if name == "peername" else default

    return make_mocked_request(
        "GET",
        "/sandbox/api/users",
        headers={"Host": host, **(headers or {})},
        transport=Transport(),
    )


async def test_only_a_client_on_this_machine_counts_as_local() -> None:
    async def no_session(_request: web.Request) -> bool:
        return False

    assert await may_use_sandbox(_request("127.0.0.1"), no_session)
    assert await may_use_sandbox(_request("::1", host="localhost:8080"), no_session)
    assert not await may_use_sandbox(_request("10.0.0.7"), no_session)
    assert not await may_use_sandbox(_request("127.0.0.1", FROM_ELSEWHERE), no_session)
    # a name that resolves here only by a trick (DNS rebinding) is not this machine
    assert not await may_use_sandbox(_request("127.0.0.1", host="evil.example"), no_session)

    async def signed_in(_request: web.Request) -> bool:
        return True

    assert await may_use_sandbox(_request("10.0.0.7"), signed_in)


async def test_without_sandbox_mode_there_is_no_sandbox(
    api: tuple[TestClient, Storage, dict[str, str]],  # noqa: F811
) -> None:
    client, _, tokens = api
    for path in ("/sandbox/", "/sandbox/api/users", "/sandbox/bot1:x/getMe"):
        response = await client.get(path, headers=bearer(tokens["boss"]))
        assert response.status == 404, path

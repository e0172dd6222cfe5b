"""Bad input answers a clear 4xx, never a 500 or an exception in the logs (issue 16.8): a NUL
character (PostgreSQL refuses it in text) in a Telegram name or answer, an API field or query
parameter, a panel form or address; JSON nested 1,000 deep; ids at or above 2^31 (PostgreSQL's
INTEGER) and 2^63 (SQLite's) in paths, query parameters and JSON bodies. On SQLite and on
PostgreSQL. (Ids in a button's data: tests/security/test_forged_buttons.py.)"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.factory import create_bot, create_dispatcher
from core.clock import FrozenClock
from core.result import Success
from domain.bookings.booking import Messaging
from domain.messaging.texts import Catalog
from domain.organisation.api_tokens import create_api_token
from domain.scheduling.picker import BookingRules
from tests.admin.conftest import Panel, _accounts, _app, bearer
from tests.bot.conftest import button_update, shown_consent
from tests.conftest import Storage
from tests.support.bot import RecordingSession, text_update
from tests.support.factories import NOW, make_city, make_recruiter
from tests.support.languages import ENGLISH

HUGE = (2**31, 2**63, 2**64)
DEEP = 1_000


@pytest.fixture
def no_errors_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    with caplog.at_level(logging.INFO):
        yield
    errors = [r.getMessage()[:200] for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []


# --- the chat ---------------------------------------------------------------------------------


async def test_a_telegram_name_and_answer_with_nul_register_and_are_stored_without_it(
    storage: Storage, no_errors_logged: None
) -> None:
    """A user whose Telegram name carries NUL could not register on PostgreSQL."""
    session = RecordingSession()
    bot = create_bot("42:TEST", session=session)
    messaging = Messaging(Catalog.load("en"), FrozenClock(NOW), BookingRules())
    dispatcher = create_dispatcher(
        uow_factory=storage.uow, cache=storage.cache, messaging=messaging
    )
    async with storage.uow() as uow:
        await make_city(uow, "Kazan")
        await uow.commit()
    user = {"user_id": 8_001, "first_name": "An\x00na", "username": "an\x00na"}
    await dispatcher.feed_update(bot, text_update("/start src\x00x", **user))
    agree = button_update(
        shown_consent(session, agree=True),
        user_id=8_001,
        first_name="An\x00na",
        username="an\x00na",
    )
    await dispatcher.feed_update(bot, agree)
    await dispatcher.feed_update(bot, text_update("Ka\x00zan", **user))
    async with storage.uow() as uow:
        candidate = await uow.candidates.get_by_telegram_id(8_001)
    assert candidate is not None
    assert (candidate.full_name, candidate.username) == ("Anna", "anna")
    assert candidate.city_id is not None  # "Kazan" typed, the NUL taken out
    assert all("\x00" not in m.text for m in session.sent())


# --- the API ----------------------------------------------------------------------------------


@dataclass
class Api:
    client: TestClient
    headers: dict[str, str]
    city_id: int
    recruiter_id: int

    async def call(self, method: str, path: str, **kw: Any) -> tuple[int, Any]:
        kw.setdefault("headers", self.headers)
        response = await self.client.request(method, "/api/v1" + path, **kw)
        body = await response.json() if response.content_type == "application/json" else None
        return response.status, body


@pytest.fixture
async def api(storage: Storage, aiohttp_client: Any) -> Api:
    async with storage.uow() as uow:
        city = await make_city(uow)
        anna = await make_recruiter(uow, city, name="Anna")
        await uow.commit()
    await _accounts(storage, anna.id)
    async with storage.uow() as uow:
        token = await create_api_token(uow, "boss", "tests")
    assert isinstance(token, Success)
    return Api(
        await aiohttp_client(_app(storage), headers=ENGLISH), bearer(token.value), city.id, anna.id
    )


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/cities", {"name": "Ka\x00zan", "timezone": "Europe/Moscow"}, "name"),
        ("POST", "/recruiters", {"name": "R\x00", "timezone": "UTC", "city_ids": []}, "name"),
        ("PUT", "/cities/{city}", {"name": "\x00", "timezone": "Europe/Moscow"}, "name"),
        (
            "POST",
            "/auto-messages",
            {
                "name": "n",
                "kind": "broadcast",
                "send_at": "2026-12-10T10:00:00Z",
                "text": "hi",
                "audience": {"source": "vk\x00"},
            },
            "audience.source",
        ),
    ],
)
async def test_nul_in_a_json_field_is_a_422_naming_it(
    api: Api, method: str, path: str, body: dict[str, Any], field: str, no_errors_logged: None
) -> None:
    status, problem = await api.call(method, path.format(city=api.city_id), json=body)
    assert status == 422, problem
    assert problem["field"] == field and "NUL" in problem["error"]


@pytest.mark.parametrize("path", ["/candidates?q=a%00b", "/candidates?source=%00", "/slots?x=1"])
async def test_nul_in_a_query_parameter_is_a_422(
    api: Api, path: str, no_errors_logged: None
) -> None:
    status, problem = await api.call("GET", path)
    assert status == 422, problem


async def test_nul_in_a_path_key_is_not_found(api: Api, no_errors_logged: None) -> None:
    status, _ = await api.call("GET", "/templates/wel%00come")
    assert status == 404


@pytest.mark.parametrize(
    "body",
    [
        "[" * DEEP + "]" * DEEP,
        '{"a":' * DEEP + "1" + "}" * DEEP,
        '{"name": ' + "[" * DEEP + "]" * DEEP + ', "timezone": "UTC"}',
        '{"name": ' + "[" * 40 + "]" * 40 + ', "timezone": "UTC"}',  # parses, still too deep
    ],
)
async def test_json_nested_too_deep_is_a_422_with_the_reason(
    api: Api, body: str, no_errors_logged: None
) -> None:
    status, problem = await api.call(
        "POST", "/cities", data=body, headers={**api.headers, "Content-Type": "application/json"}
    )
    assert status == 422, problem
    assert "nested" in problem["error"]


@pytest.mark.parametrize("n", HUGE)
async def test_huge_ids_are_a_404_or_a_422_never_a_500(
    api: Api, n: int, no_errors_logged: None
) -> None:
    for path in (f"/cities/{n}", f"/recruiters/{n}", f"/candidates/{n}", f"/auto-messages/{n}"):
        assert (await api.call("GET", path))[0] == 404, path
    assert (await api.call("DELETE", f"/slots/{n}"))[0] == 404
    assert (await api.call("POST", f"/bookings/{n}/cancel", json={"reason": "x"}))[0] == 404
    for query in (f"recruiter_id={n}", f"city_id={n}", f"candidate_id={n}", f"offset={n}"):
        status, _ = await api.call("GET", f"/bookings?{query}")
        assert status == 422, query
    bodies = [
        ("/recruiters", {"name": "R", "timezone": "UTC", "city_ids": [n]}),
        ("/slots", {"recruiter_id": n, "city_id": api.city_id, "starts_at": "2026-12-10T10:00Z"}),
        ("/slots", {"recruiter_id": api.recruiter_id, "city_id": n, "starts_at": "2026-12-10Z"}),
        (f"/recruiters/{api.recruiter_id}/invites", {"hours": n}),
    ]
    for path, body in bodies:
        status, problem = await api.call("POST", path, json=body)
        assert status == 422, (path, problem)


# --- the panel --------------------------------------------------------------------------------


@pytest.fixture
async def panel(api: Api, storage: Storage) -> Panel:
    signed_in = Panel(api.client, storage, api.city_id, api.city_id, api.recruiter_id, 0)
    assert (await signed_in.login()).status in (302, 303)
    return signed_in


@pytest.mark.parametrize(
    "path",
    [
        "/candidates?q=%00",
        "/candidates?source=a%00",
        "/candidates.csv?q=%00",
        "/audit?actor=%00",
        "/audit?entity=%00",
        "/templates/welcome?locale=%00",
    ],
)
async def test_nul_in_a_pages_address_is_refused_with_a_reason(
    panel: Panel, path: str, no_errors_logged: None
) -> None:
    response = await panel.client.get(path)
    assert response.status == 422
    assert "NUL" in await response.text()


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/cities", {"name": "Ka\x00zan", "timezone": "Europe/Moscow"}),
        ("/recruiters", {"name": "R\x00", "timezone": "Europe/Moscow"}),
        ("/login", {"login": "bo\x00ss", "password": "x"}),
    ],
)
async def test_nul_in_a_form_is_refused_with_a_reason(
    panel: Panel, path: str, form: dict[str, str], no_errors_logged: None
) -> None:
    response = await panel.post(path, form)
    assert response.status == 422
    assert "NUL" in await response.text()


@pytest.mark.parametrize("n", HUGE)
async def test_huge_ids_in_a_pages_address_are_not_found(
    panel: Panel, n: int, no_errors_logged: None
) -> None:
    for path in (f"/candidates/{n}", f"/cities/{n}", f"/recruiters/{n}", f"/questions/{n}"):
        assert (await panel.client.get(path)).status == 404, path
    assert (await panel.client.get(f"/slots?recruiter_id={n}")).status == 404

"""One Unit of Work per panel page or API call: opened by the middleware, committed when the
answer is a success or a redirect, rolled back when the request fails half-way."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from admin.deps import DEPS, AdminDeps
from core.errors import InvalidField
from core.result import Failure
from domain.records import City
from storage.uow import UnitOfWork
from tests.admin.conftest import Panel, bearer
from tests.conftest import Storage
from tests.support.factories import NOW


@contextmanager
def counted(client: TestClient) -> Iterator[list[UnitOfWork]]:
    """The Units of Work the app opens inside the block."""
    deps: AdminDeps = client.app[DEPS]
    factory, opened = deps.uow_factory, []

    def counting() -> UnitOfWork:
        opened.append(factory())
        return opened[-1]

    deps.uow_factory = counting
    try:
        yield opened
    finally:
        deps.uow_factory = factory


async def _cities(storage: Storage) -> list[str]:
    async with storage.uow() as uow:
        return sorted(c.name for c in await uow.cities.list(limit=100))


async def test_a_panel_post_that_writes_uses_one_unit_of_work(panel: Panel) -> None:
    await panel.login()
    csrf = await panel.csrf("/login")
    slot = {
        "recruiter_id": str(panel.anna_id),
        "city_id": str(panel.kazan_id),
        "day": (NOW + timedelta(days=2)).date().isoformat(),
        "start_time": "11:00",
        "duration_minutes": "30",
        "purpose": "interview",
        "csrf": csrf,
    }
    with counted(panel.client) as opened:
        added = await panel.client.post("/slots", data=slot, allow_redirects=False)
    assert added.status == 303, await added.text()
    assert len(opened) == 1
    with counted(panel.client) as opened:
        city = {"name": "Perm", "timezone": "Asia/Yekaterinburg", "csrf": csrf}
        saved = await panel.client.post("/cities", data=city, allow_redirects=False)
    assert saved.status == 303 and len(opened) == 1
    assert "Perm" in await _cities(panel.storage)


async def test_an_api_post_that_writes_uses_one_unit_of_work(
    api: tuple[TestClient, Storage, dict[str, str]],
) -> None:
    client, storage, tokens = api
    with counted(client) as opened:
        body = {"name": "Perm", "timezone": "Asia/Yekaterinburg"}
        created = await client.post("/api/v1/cities", json=body, headers=bearer(tokens["boss"]))
    assert created.status == 201, await created.text()
    assert len(opened) == 1
    assert "Perm" in await _cities(storage)


async def test_health_and_static_files_open_none(panel: Panel) -> None:
    with counted(panel.client) as opened:
        assert (await panel.client.get("/health")).status == 200
        assert (await panel.client.get("/static/panel.css")).status == 200
    assert opened == []


def _write_then(outcome: BaseException | None) -> Any:
    """A stand-in for save_city that writes a city without committing, then fails."""

    async def save_city(uow: UnitOfWork, fields: dict[str, Any], **_kw: Any) -> Any:
        uow.cities.add(City(name="Half-way", timezone="Europe/Moscow"))
        await uow.session.flush()
        if outcome is not None:
            raise outcome
        return Failure(InvalidField("name", "refused after the write"))

    return save_city


@pytest.mark.parametrize(
    ("outcome", "status"), [(None, 422), (RuntimeError("boom"), 500)], ids=["refused", "crashed"]
)
async def test_an_api_call_that_fails_half_way_writes_nothing(
    api: tuple[TestClient, Storage, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
    outcome: BaseException | None,
    status: int,
) -> None:
    client, storage, tokens = api
    monkeypatch.setattr("admin.api.places.save_city", _write_then(outcome))
    body = {"name": "Perm", "timezone": "Asia/Yekaterinburg"}
    answer = await client.post("/api/v1/cities", json=body, headers=bearer(tokens["boss"]))
    assert answer.status == status
    if status == 422:
        assert await answer.json() == {
            "error": "refused after the write",
            "field": "name",
            "errors": [{"field": "name", "reason": "refused after the write"}],
        }
    assert "Half-way" not in await _cities(storage)


async def test_a_panel_form_refused_after_a_write_writes_nothing(
    panel: Panel, monkeypatch: pytest.MonkeyPatch
) -> None:
    await panel.login()
    monkeypatch.setattr("admin.panel.cities.save_city", _write_then(None))
    page = await panel.post("/cities", {"name": "Perm", "timezone": "Asia/Yekaterinburg"})
    assert page.status == 422
    assert "refused after the write" in await page.text()  # next to the name field
    assert "Half-way" not in await _cities(panel.storage)


async def test_a_sign_in_that_fails_half_way_writes_nothing(
    panel: Panel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signing in writes the last login and an audit row, then starts the session: when that
    fails, neither is kept."""

    async def broken(*_args: Any) -> None:
        raise RuntimeError("the session store is away")

    monkeypatch.setattr("admin.panel.login.start_session", broken)
    assert (await panel.login()).status == 500
    async with panel.storage.uow() as uow:
        boss = await uow.admin_users.get_by_login("boss")
        logins = [e for e in await uow.audit.list(limit=100) if e.action == "login"]
    assert boss is not None and boss.last_login_at is None
    assert logins == []


async def test_a_sign_in_answered_by_a_redirect_is_committed(panel: Panel) -> None:
    """aiohttp raises its redirects: the write before one is kept all the same."""
    assert (await panel.login()).status == 303
    async with panel.storage.uow() as uow:
        boss = await uow.admin_users.get_by_login("boss")
        logins = [e for e in await uow.audit.list(limit=100) if e.action == "login"]
    assert boss is not None and boss.last_login_at == NOW
    assert len(logins) == 1


async def test_a_domain_error_without_a_form_is_a_page_not_a_500(panel: Panel) -> None:
    await panel.login()
    missing = await panel.post("/accounts/999/sign-out")
    assert missing.status == 404 and "There is nothing here." in await missing.text()
    boss_page = await panel.client.get("/accounts")
    assert boss_page.status == 200


async def test_a_form_refused_after_the_domain_rolled_back_still_shows(
    panel: Panel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A race lost in the domain (a rollback, then the refusal) expired the recruiter the page
    holds in the same Unit of Work; the form comes back with the reason, not a 500."""

    async def lost_race(uow: UnitOfWork, **_kw: Any) -> Any:
        await uow.rollback()
        return Failure(InvalidField("starts_at", "the recruiter already has a slot at this time"))

    monkeypatch.setattr("admin.panel.slots.create_slot", lost_race)
    await panel.login()
    slot = {
        "recruiter_id": str(panel.anna_id),
        "city_id": str(panel.kazan_id),
        "day": (NOW + timedelta(days=2)).date().isoformat(),
        "start_time": "11:00",
        "duration_minutes": "30",
        "purpose": "interview",
    }
    page = await panel.post("/slots", slot)
    assert page.status == 422
    assert "already has a slot at this time" in await page.text()

"""Issue 16, item 3: argon2 runs in worker threads, a bounded number at once, so the event
loop (the bot, /health, every other page) goes on while passwords are checked; sign-ins beyond
the bound wait, and beyond the waiting room are told to try again (503 with Retry-After)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from core.enums import AdminRole
from domain.organisation import accounts
from domain.organisation.accounts import create_admin
from tests.conftest import Storage
from tests.security.conftest import PASSWORD, GatedHasher, Panel, panel_on
from tests.support.waiting import eventually


def _sign_in(panel: Panel, csrf: str, login: str) -> asyncio.Task[Any]:
    async def post() -> Any:
        response = await panel.client.post(
            "/login",
            data={"login": login, "password": "a wrong password", "csrf": csrf},
            allow_redirects=False,
        )
        await response.read()
        return response

    return asyncio.create_task(post())


async def test_health_answers_while_passwords_are_being_checked(
    sqlite_storage: Storage, aiohttp_client: Any, hasher: GatedHasher
) -> None:
    panel = await panel_on(sqlite_storage, aiohttp_client)
    logins = [f"someone{n}" for n in range(5)]  # one each: no lockout in the way
    for login in logins:
        async with sqlite_storage.uow() as uow:
            await create_admin(uow, login, PASSWORD, AdminRole.RECRUITER)
    csrf = await panel.csrf()
    hasher.gate.clear()
    held = [_sign_in(panel, csrf, login) for login in logins]
    await eventually(lambda: hasher.on_loop or hasher.running > 0, "checks under way")
    assert not hasher.on_loop, "argon2 ran on the event loop"
    at_once = accounts.PASSWORD_CHECKS_AT_ONCE
    assert at_once < len(held)
    await eventually(lambda: hasher.running == at_once, "as many checks as the bound allows")
    await eventually(
        lambda: accounts.PASSWORD_WORK.admitted == len(held), "every sign-in has arrived"
    )
    health = await panel.client.get("/health")  # answered while every check is held
    assert health.status in (200, 503)
    assert "database" in await health.json()
    assert hasher.running == at_once  # the others wait for a place
    hasher.gate.set()
    assert [r.status for r in await asyncio.gather(*held)] == [200] * len(held)
    assert hasher.most_at_once == at_once
    assert hasher.checks == len(held)


async def test_sign_ins_beyond_the_waiting_room_are_told_to_try_again(
    sqlite_storage: Storage,
    aiohttp_client: Any,
    hasher: GatedHasher,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(accounts, "PASSWORD_WORK", accounts.PasswordWork(at_once=1, waiting=1))
    panel = await panel_on(sqlite_storage, aiohttp_client)
    csrf = await panel.csrf()
    await _sign_in(panel, csrf, "warm-up")  # the dummy hash is made once, before the test
    hasher.gate.clear()
    held = [_sign_in(panel, csrf, f"someone{n}") for n in range(2)]
    await eventually(lambda: accounts.PASSWORD_WORK.admitted == 2, "two sign-ins admitted")
    refused = await _sign_in(panel, csrf, "one-too-many")
    assert refused.status == 503
    assert int(refused.headers["Retry-After"]) > 0
    assert "try again in a few seconds" in await refused.text()
    hasher.gate.set()
    assert [r.status for r in await asyncio.gather(*held)] == [200, 200]
    assert hasher.most_at_once == 1

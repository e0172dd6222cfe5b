"""The admin app's test clients on a SQLite storage.

`api`: the REST API with an admin's and a recruiter's bearer tokens.
`panel`: the web panel with two cities (Kazan: recruiter Anna, whose name tries an XSS;
Samara: recruiter Boris), an admin account "boss" and a recruiter account "rec" linked to Anna.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from admin.app import create_app
from admin.deps import AdminDeps
from admin.health import HealthSources
from core.clock import FrozenClock
from core.enums import AdminRole
from core.result import Success
from domain.messaging.texts import Catalog
from domain.organisation.accounts import create_admin
from domain.organisation.api_tokens import create_api_token
from scheduler.factory import SchedulerRunner
from tests.conftest import Storage
from tests.support.factories import NOW, make_city, make_recruiter
from tests.support.languages import ENGLISH

PASSWORD = "a long password 1"


class Off:
    state = "off"


def _app(storage: Storage, secret_key: str = "k" * 40) -> Any:
    deps = AdminDeps(
        uow_factory=storage.uow,
        clock=FrozenClock(NOW),
        catalog=Catalog.load("ru"),
        bot_username="our_bot",
        secret_key=secret_key,
        cache=storage.cache,
    )
    return create_app(HealthSources(storage.engine, storage.cache, Off(), SchedulerRunner()), deps)


async def _accounts(storage: Storage, anna_id: int | None) -> None:
    for login, role in (("boss", AdminRole.ADMIN), ("rec", AdminRole.RECRUITER)):
        async with storage.uow() as uow:
            user = await create_admin(uow, login, PASSWORD, role)
        if role is AdminRole.RECRUITER and anna_id is not None:
            async with storage.uow() as uow:
                linked = await uow.admin_users.get(user.id)
                assert linked is not None
                linked.recruiter_id = anna_id
                await uow.commit()


@pytest.fixture
async def api(
    sqlite_storage: Storage, aiohttp_client: Any
) -> tuple[TestClient, Storage, dict[str, str]]:
    storage = sqlite_storage
    async with storage.uow() as uow:
        city = await make_city(uow)
        anna = await make_recruiter(uow, city, name="Anna")
        await uow.commit()
    await _accounts(storage, anna.id)
    tokens = {}
    for login in ("boss", "rec"):
        async with storage.uow() as uow:
            result = await create_api_token(uow, login, "tests")
            assert isinstance(result, Success)
            tokens[login] = result.value
    return await aiohttp_client(_app(storage), headers=ENGLISH), storage, tokens


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Panel:
    client: TestClient
    storage: Storage
    kazan_id: int
    samara_id: int
    anna_id: int
    boris_id: int

    async def csrf(self, path: str = "/login") -> str:
        page = await (await self.client.get(path)).text()
        match = re.search(r'name="csrf" value="([^"]+)"', page)
        assert match, page
        return match.group(1)

    async def login(self, login: str = "boss", password: str = PASSWORD) -> Any:
        csrf = await self.csrf("/login")
        return await self.client.post(
            "/login",
            data={"login": login, "password": password, "csrf": csrf},
            allow_redirects=False,
        )

    async def post(self, path: str, data: Any = None, **kw: Any) -> Any:
        """A form post with the session's CSRF token, as the page's own form would send it."""
        fields = list(data.items()) if isinstance(data, dict) else list(data or [])
        fields.append(("csrf", await self.csrf("/login")))
        return await self.client.post(path, data=fields, **kw)


@pytest.fixture
async def panel(sqlite_storage: Storage, aiohttp_client: Any) -> Panel:
    storage = sqlite_storage
    async with storage.uow() as uow:
        kazan = await make_city(uow, "Kazan")
        samara = await make_city(uow, "Samara", timezone="Europe/Samara")
        anna = await make_recruiter(uow, kazan, name="<script>alert(1)</script> Anna")
        boris = await make_recruiter(uow, samara, name="Boris")
        await uow.commit()
    await _accounts(storage, anna.id)
    client = await aiohttp_client(_app(storage), headers=ENGLISH)
    return Panel(client, storage, kazan.id, samara.id, anna.id, boris.id)

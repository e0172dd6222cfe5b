"""The REST API's test client: an admin's and a recruiter's tokens on a SQLite storage."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from admin.app import create_app
from admin.deps import AdminDeps
from admin.health import HealthSources
from core.clock import FrozenClock
from core.result import Success
from scheduler.factory import SchedulerRunner
from services.accounts import create_admin
from services.api_tokens import create_api_token
from services.texts import Catalog
from storage.models.enums import AdminRole
from tests.conftest import Storage
from tests.support.factories import NOW, make_city, make_recruiter


class Off:
    state = "off"


@pytest.fixture
async def api(
    sqlite_storage: Storage, aiohttp_client: Any
) -> tuple[TestClient, Storage, dict[str, str]]:
    storage = sqlite_storage
    async with storage.uow() as uow:
        city = await make_city(uow)
        await make_recruiter(uow, city, name="Anna")
        await uow.commit()
    tokens = {}
    for login, role in (("boss", AdminRole.ADMIN), ("rec", AdminRole.RECRUITER)):
        async with storage.uow() as uow:
            await create_admin(uow, login, "a long password 1", role)
        async with storage.uow() as uow:
            result = await create_api_token(uow, login, "tests")
            assert isinstance(result, Success)
            tokens[login] = result.value
    deps = AdminDeps(
        uow_factory=storage.uow,
        clock=FrozenClock(NOW),
        catalog=Catalog.load("ru"),
        bot_username="our_bot",
    )
    app = create_app(HealthSources(storage.engine, storage.cache, Off(), SchedulerRunner()), deps)
    return await aiohttp_client(app), storage, tokens


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}

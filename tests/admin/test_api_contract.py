"""Schemathesis drives every documented API route with generated valid and invalid input
against a running server, and checks each answer against the OpenAPI document: no 5xx, only
documented statuses, bodies matching their schemas, invalid input refused with a 4xx."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.config import SchemathesisConfig

from admin.api import OPERATIONS
from admin.api.openapi import document
from admin.app import create_app
from admin.deps import AdminDeps
from admin.health import HealthSources
from core.clock import FrozenClock
from domain.messaging.texts import Catalog
from domain.organisation.accounts import create_admin
from domain.organisation.api_tokens import token_hash
from scheduler.factory import SchedulerRunner
from storage.cache import Cache, MemoryBackend
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import ApiToken
from storage.uow import uow_factory
from tests.support.factories import NOW, make_city, make_recruiter

TOKEN = "rbt_contract-tests-only"
# The token reaches schemathesis through the document's security scheme, so it knows which
# requests carry it and can also check that requests without it are refused.
schema = schemathesis.openapi.from_dict(
    document(OPERATIONS),
    config=SchemathesisConfig.from_dict({"auth": {"openapi": {"bearer": {"bearer": TOKEN}}}}),
)


class Off:
    state = "off"


@dataclass
class LiveApi:
    url: str


async def _start(directory: Path) -> tuple[web.AppRunner, str]:
    engine = create_engine(f"sqlite+aiosqlite:///{directory / 'contract.db'}")
    await upgrade(engine)
    cache = Cache(MemoryBackend())
    uows = uow_factory(create_session_factory(engine), cache)
    async with uows() as uow:
        city = await make_city(uow, "Kazan")
        await make_recruiter(uow, city, name="Anna")
        await uow.commit()
    async with uows() as uow:
        await create_admin(uow, "boss", "a long password 1")
    async with uows() as uow:
        boss = await uow.admin_users.get_by_login("boss")
        assert boss is not None
        uow.session.add(
            ApiToken(admin_user_id=boss.id, name="contract", token_hash=token_hash(TOKEN))
        )
        await uow.commit()
    deps = AdminDeps(uows, FrozenClock(NOW), Catalog.load("ru"), bot_username="our_bot")
    app = create_app(HealthSources(engine, cache, Off(), SchedulerRunner()), deps)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    """The admin app on a real port, its event loop in a thread of its own."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    started = asyncio.run_coroutine_threadsafe(_start(tmp_path_factory.mktemp("api")), loop)
    runner, url = started.result(timeout=60)
    yield LiveApi(url)
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_does_what_its_document_says(case: schemathesis.Case, live_api: LiveApi) -> None:
    case.call_and_validate(
        base_url=live_api.url,
        # A body the schema allows may still break a domain rule (a city name already taken, an
        # unknown template key): that is a 422 with a reason, not a contract violation.
        excluded_checks=[positive_data_acceptance],
    )

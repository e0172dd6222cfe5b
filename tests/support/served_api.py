"""The admin app served on a free port of 127.0.0.1 over a migrated engine, with what an API
probe needs: a city (Kazan) with a recruiter (Anna), a candidate there (id 1, who wrote to the
bot: a thread, notes and tags to reach), an admin `boss` and an API token of theirs.
The contract test and the security probe both drive it over HTTP."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from admin.app import create_app
from admin.deps import AdminDeps
from admin.health import HealthSources
from core.clock import FrozenClock
from core.enums import InboundKind
from domain.conversations.inbox import Inbound, record_inbound
from domain.messaging.texts import Catalog
from domain.organisation.accounts import create_admin
from domain.organisation.api_tokens import token_hash
from scheduler.factory import SchedulerRunner
from storage.cache import Cache, MemoryBackend
from storage.engine import create_session_factory
from storage.models import ApiToken
from storage.uow import uow_factory
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter


class _BotOff:
    state = "off"


async def serve_api(engine: AsyncEngine, token: str) -> tuple[web.AppRunner, str]:
    """The runner (clean it up when done) and the base URL."""
    cache = Cache(MemoryBackend())
    uows = uow_factory(create_session_factory(engine), cache)
    async with uows() as uow:
        city = await make_city(uow, "Kazan")
        await make_recruiter(uow, city, name="Anna")
        candidate = await make_candidate(uow, city, full_name="Ivan")
        await uow.commit()
        await record_inbound(uow, FrozenClock(NOW), candidate, Inbound(InboundKind.TEXT, "Hi"))
        await uow.commit()
    async with uows() as uow:
        await create_admin(uow, "boss", "a long password 1")
    async with uows() as uow:
        boss = await uow.admin_users.get_by_login("boss")
        assert boss is not None
        uow.session.add(ApiToken(admin_user_id=boss.id, name="probe", token_hash=token_hash(token)))
        await uow.commit()
    deps = AdminDeps(uows, FrozenClock(NOW), Catalog.load("ru"), bot_username="our_bot")
    app = create_app(HealthSources(engine, cache, _BotOff(), SchedulerRunner()), deps)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"

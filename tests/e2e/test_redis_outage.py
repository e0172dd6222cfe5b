"""Redis stopped under the running application (a private Redis, never the shared one): the bot
goes on, conversations keep their state, and when Redis comes back with what it held before,
nothing it cached before the outage is served stale."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from redis import asyncio as aioredis

from bot import fsm_fallback
from core.settings import load_settings
from storage.cache import redis as cache_redis
from storage.models import City
from tests.e2e.chat import Chat
from tests.e2e.conftest import E2E_NOW, RunningApp
from tests.e2e.journey import button_texts
from tests.support.private_services import PrivateRedis
from tests.support.waiting import eventually

NOT_HERE = "🏙 My city is not here"


@pytest.fixture
async def redis_server() -> AsyncIterator[PrivateRedis]:
    server = PrivateRedis()
    await server.start()
    try:
        yield server
    finally:
        await server.remove()


@pytest.fixture
async def app_on_redis(
    redis_server: PrivateRedis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[RunningApp]:
    monkeypatch.chdir(tmp_path)
    # Redis is tried again this often while away; shorter, so the test does not wait a second.
    monkeypatch.setattr(fsm_fallback, "RETRY_INTERVAL_SECONDS", 0.1)
    monkeypatch.setattr(cache_redis, "RETRY_INTERVAL_SECONDS", 0.1)
    settings = load_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'app.db'}",
        bot_token="",
        redis_url=redis_server.url,
        admin_port=0,
    )
    async with aiohttp.ClientSession() as http:
        running = RunningApp(settings, http, E2E_NOW)
        await running.start()
        try:
            yield running
        finally:
            await running.stop()


async def _typed_unlisted(app: RunningApp, chat: Chat, name: str) -> None:
    """The name typed after "my city is not here" was taken as that (state kept), not as a
    city searched for in the list."""
    (reply,) = await chat.say(name)
    assert reply["text"].startswith(f"Thank you: we have noted {name}"), reply["text"]
    async with app.app.uow_factory() as uow:
        candidate = await uow.candidates.get_by_telegram_id(chat.id)
        assert candidate is not None
        assert candidate.wanted_city == name


async def test_the_bot_goes_on_while_redis_is_away_and_catches_up_after(
    app_on_redis: RunningApp, redis_server: PrivateRedis
) -> None:
    app = app_on_redis
    ann = Chat(await app.sandbox.persona("Ann", language="en"))
    _welcome, cities = await ann.start()
    assert "Абакан" not in button_texts(cities)  # the city list is cached in Redis now
    await ann.press(NOT_HERE)

    await redis_server.stop(keep_data=True)

    # A conversation begun before the outage goes on where it was.
    await _typed_unlisted(app, ann, "Атлантида")
    # Someone new starts and begins a conversation during it.
    bob = Chat(await app.sandbox.persona("Bob", language="en"))
    welcome, _cities = await bob.start()
    assert welcome["text"].startswith("Hello, Bob!")
    await bob.press(NOT_HERE)
    carl = Chat(await app.sandbox.persona("Carl", language="en"))
    await carl.start()
    await carl.press(NOT_HERE)
    # A write during the outage: its invalidation cannot reach Redis.
    async with app.app.uow_factory() as uow:
        uow.cities.add(City(name="Абакан", timezone="Asia/Krasnoyarsk"))
        await uow.commit()

    await redis_server.start()  # with what it held before, the stale city list included

    await _typed_unlisted(app, bob, "Лемурия")
    # Conversations moved on during the outage were written back to Redis.
    client = aioredis.Redis.from_url(redis_server.url)
    try:

        async def carl_state_in_redis() -> bool:
            state = await client.get(f"fsm:{carl.id}:{carl.id}:state")
            return bool(state == b"CityInput:unlisted_name")

        await eventually(carl_state_in_redis, "Carl's conversation is in Redis again")
    finally:
        await client.aclose()
    await _typed_unlisted(app, carl, "Гиперборея")
    # And what was cached before the outage is not served: the city added meanwhile is listed.
    dora = Chat(await app.sandbox.persona("Dora", language="en"))
    _welcome, cities = await dora.start()
    assert "Абакан" in button_texts(cities)
    assert app.app.cache.backend.name == "redis"
    assert getattr(app.app.cache.backend, "available", False)

"""At most BOT_MAX_CONCURRENT_UPDATES updates are handled at once, by polling and by webhook;
the rest wait (at Telegram, or in a webhook request not yet answered) and are all handled."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Dispatcher, F, Router
from aiogram.types import Message
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.factory import create_bot
from runtime.bot_runner import BotRunner
from runtime.webhook import WebhookHandler
from sandbox import user_actions
from sandbox.app import create_sandbox_app
from sandbox.world import World
from tests.support.waiting import eventually

TOKEN = "123456:BOUND-test"
LIMIT = 3
UPDATES = 10


class Handling:
    """A handler that holds every update until released, counting how many it holds at once."""

    def __init__(self) -> None:
        self.now = 0
        self.most = 0
        self.done = 0
        self.release = asyncio.Event()

    def dispatcher(self) -> Dispatcher:
        router = Router()

        @router.message(F.text)
        async def hold(message: Message) -> None:
            self.now += 1
            self.most = max(self.most, self.now)
            try:
                await self.release.wait()
            finally:
                self.now -= 1
                self.done += 1

        dispatcher = Dispatcher()
        dispatcher.include_router(router)
        return dispatcher


@pytest.fixture
async def world() -> AsyncIterator[tuple[World, str]]:
    world = World()
    server = TestServer(create_sandbox_app(world))
    await server.start_server()
    try:
        yield world, str(server.make_url("")).rstrip("/")
    finally:
        world.close()
        await server.close()


async def test_polling_handles_at_most_the_bound_at_once(world: tuple[World, str]) -> None:
    sandbox, url = world
    handling = Handling()
    bot = create_bot(TOKEN, url)
    runner = BotRunner(handling.dispatcher(), bot, max_concurrent=LIMIT)
    sandbox_bot = sandbox.bot_for_token(TOKEN)
    for _ in range(UPDATES):
        user_actions.send_text(sandbox, sandbox_bot, sandbox.add_user(first_name="Ann"), "hi")
    runner.start()
    try:
        await eventually(lambda: handling.now == LIMIT, "the bound reached")
        handling.release.set()
        await eventually(lambda: handling.done == UPDATES, "every update handled")
    finally:
        await runner.stop()
        await bot.session.close()
    assert handling.most == LIMIT


SECRET = "bound-test-secret"


async def test_a_webhook_request_waits_for_a_free_place() -> None:
    handling = Handling()
    bot = create_bot(TOKEN)
    handler = WebhookHandler(handling.dispatcher(), bot, SECRET, limit=LIMIT)
    app = web.Application()
    handler.register(app, path="/hook")
    server = TestServer(app)
    await server.start_server()
    world = World()
    sandbox_bot = world.bot_for_token(TOKEN)
    answered = 0

    async def post(session: aiohttp.ClientSession, update: dict[str, object]) -> int:
        nonlocal answered
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with session.post(server.make_url("/hook"), json=update, headers=headers) as response:
            answered += 1
            return response.status

    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(UPDATES):
                user_actions.send_text(world, sandbox_bot, world.add_user(first_name="Ann"), "hi")
            posts = [asyncio.create_task(post(session, u)) for u in sandbox_bot.updates]
            await eventually(lambda: handling.now == LIMIT, "the bound reached")
            # A request is answered once its update is handled: none is, nor refused.
            assert answered == 0 and not any(p.done() for p in posts)
            handling.release.set()
            statuses = await asyncio.gather(*posts)
            await eventually(lambda: handling.done == UPDATES, "every update handled")
    finally:
        await server.close()
        await bot.session.close()
    assert statuses == [200] * UPDATES
    assert handling.most == LIMIT

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiogram import Bot
from aiohttp.test_utils import TestServer

from bot.factory import create_bot
from sandbox.app import create_sandbox_app
from sandbox.world import SandboxBot, SandboxUser, World

TOKEN = "123456:SANDBOX-test"


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Sandbox:
    world: World
    server: TestServer
    bot: Bot
    clock: FakeMonotonic

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    def sandbox_bot(self) -> SandboxBot:
        return self.world.bot_for_token(TOKEN)

    def started_user(self, **values: object) -> SandboxUser:
        """A person who has opened the chat with the bot."""
        user = self.world.add_user(first_name="Ann", **values)
        user.started_bots.add(self.sandbox_bot().id)
        return user


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    clock = FakeMonotonic()
    world = World(monotonic=clock)
    server = TestServer(create_sandbox_app(world))
    await server.start_server()
    # The raw client: 429s surface as TelegramRetryAfter instead of being waited out.
    bot = create_bot(TOKEN, str(server.make_url("")).rstrip("/"), wait_out_rate_limits=False)
    try:
        yield Sandbox(world, server, bot, clock)
    finally:
        await bot.session.close()
        await server.close()

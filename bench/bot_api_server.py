"""The sandbox's Bot API, served over HTTP by the bench's own process: Telegram for an
application started with a BOT_TOKEN and TELEGRAM_API_URL pointing here, as production runs.
Its rate limits are off: the process's capacity is measured, not Telegram's per-bot cap."""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import TypeVar

from aiohttp import web

from sandbox.app import create_sandbox_app
from sandbox.world import ChatMessage, World

W = TypeVar("W", bound=World)


class TimedWorld(World):
    """The sandbox's world, noting when each user's chat got the bot's first message since
    `mark()`, and how many bot messages each got."""

    def __init__(self) -> None:
        super().__init__()
        self.first_reply: dict[int, float] = {}
        self.replies: Counter[int] = Counter()

    def mark(self) -> None:
        self.first_reply.clear()
        self.replies.clear()

    def add_message(self, bot_id: int, user_id: int, message: ChatMessage) -> ChatMessage:
        if message.from_bot:
            self.first_reply.setdefault(user_id, time.monotonic())
            self.replies[user_id] += 1
        return super().add_message(bot_id, user_id, message)


@contextlib.asynccontextmanager
async def bot_api_server(world: W) -> AsyncIterator[tuple[W, str]]:
    """`world` served on a free port of 127.0.0.1; (the world, the server's base URL)."""
    world.rules.rate_limits = False
    runner = web.AppRunner(create_sandbox_app(world), handle_signals=False, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        yield world, f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()

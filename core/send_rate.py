"""Telegram's pace for what the bot sends: about N messages a second overall, and at least an
interval between messages to one chat once a short burst to it is spent (its published limits).
One rule for the outbox's broadcasts and the bot's replies alike."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class SendRate:
    def __init__(
        self,
        per_second: float,
        chat_interval: float,
        *,
        chat_burst: int = 1,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.per_second = per_second
        self.chat_interval = chat_interval
        # How many messages one chat may get at once before the interval applies (1: none).
        self.chat_burst = max(1, chat_burst)
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_global = 0.0
        # Per chat, when its schedule is next free; a burst lets a message go that much earlier.
        self._next_for_chat: dict[int, float] = {}

    async def wait_turn(self, chat_id: int) -> None:
        """Sleep until a message to this chat may go, and book that moment. Overall, sends are
        spaced evenly (no bursts), which is what keeps a long broadcast under the limit; one
        chat may get `chat_burst` messages at once, then one per `chat_interval`."""
        now = self._monotonic()
        slack = (self.chat_burst - 1) * self.chat_interval
        chat_free = self._next_for_chat.get(chat_id, 0.0)
        moment = max(now, self._next_global, chat_free - slack)
        self._next_global = moment + 1.0 / self.per_second
        self._next_for_chat[chat_id] = max(chat_free, moment) + self.chat_interval
        if len(self._next_for_chat) > 50_000:  # forget chats whose interval has passed
            self._next_for_chat = {c: t for c, t in self._next_for_chat.items() if t > now}
        if moment > now:
            await self._sleep(moment - now)

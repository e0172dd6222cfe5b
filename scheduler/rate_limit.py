"""Limits for what the system sends on its own: about N messages a second overall, and at
least an interval between two messages to one chat (Telegram's published limits)."""

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
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.per_second = per_second
        self.chat_interval = chat_interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_global = 0.0
        self._next_for_chat: dict[int, float] = {}
        self._lock = asyncio.Lock()

    async def wait_turn(self, chat_id: int) -> None:
        """Sleep until a message to this chat may go, and book that moment. Sends are spaced
        evenly (no bursts), which is what keeps a long broadcast under the limit."""
        async with self._lock:
            now = self._monotonic()
            moment = max(now, self._next_global, self._next_for_chat.get(chat_id, 0.0))
            self._next_global = moment + 1.0 / self.per_second
            self._next_for_chat[chat_id] = moment + self.chat_interval
            if len(self._next_for_chat) > 50_000:  # forget chats whose interval has passed
                self._next_for_chat = {c: t for c, t in self._next_for_chat.items() if t > now}
        if moment > now:
            await self._sleep(moment - now)

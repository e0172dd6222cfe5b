"""The dispatcher, with the update's ids bound to every log line written while it is handled."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import structlog
from aiogram import Bot, Dispatcher
from aiogram.types import Update

from storage.availability import DatabaseGate

log = structlog.get_logger(__name__)


def _user_id(update: Update) -> int | None:
    try:
        user = getattr(update.event, "from_user", None)
    except Exception:  # an update type aiogram does not know yet has no event
        return None
    return user.id if user is not None else None


class RecruitingDispatcher(Dispatcher):
    def __init__(self, *args: Any, database: DatabaseGate | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_hand: set[asyncio.Task[Any]] = set()
        self.database = database

    async def _listen_updates(  # type: ignore[override]
        self, bot: Bot, *args: Any, **kwargs: Any
    ) -> AsyncGenerator[Update, None]:
        """aiogram's polling, which confirms an update to Telegram only by asking for the next
        ones: while the database is away it stops asking, so what arrives meanwhile stays with
        Telegram (not lost if this process ends) and is taken once the database answers."""
        async for update in super()._listen_updates(bot, *args, **kwargs):
            if self.database is not None and not self.database.up:
                log.warning("bot.polling_paused", reason="database unavailable")
                await self.database.wait_up()
                log.info("bot.polling_resumed")
            yield update

    async def feed_update(self, bot: Bot, update: Update, **kwargs: Any) -> Any:
        task = asyncio.current_task()
        if task is not None:
            self._in_hand.add(task)
        try:
            # Bound here rather than in a middleware, so aiogram's own "update handled" line
            # has them.
            with structlog.contextvars.bound_contextvars(
                update_id=update.update_id, user_id=_user_id(update)
            ):
                return await super().feed_update(bot, update, **kwargs)
        finally:
            if task is not None:
                self._in_hand.discard(task)

    async def finish_updates_in_hand(self, seconds: float = 1.5) -> None:
        """Let the updates being handled finish (replies sent, transaction committed) before
        shutdown closes the database and the Bot API session under them."""
        pending = self._in_hand - {asyncio.current_task()}
        if pending:
            await asyncio.wait(pending, timeout=seconds)

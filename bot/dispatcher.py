"""The dispatcher: each update taken once across instances (`bot.update_guard`), with its ids
bound to every log line written while it is handled."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import structlog
from aiogram import Bot, Dispatcher
from aiogram.types import Update
from pydantic import BaseModel

from bot.update_guard import DUPLICATE, WAIT_WHILE_HELD, UpdateGuard, UpdateInProgress
from core import inputs
from storage.availability import DatabaseGate

log = structlog.get_logger(__name__)


def without_nul(value: Any) -> Any:
    """An update (or any part of it) with the NUL characters taken out of its text: the one
    place where what Telegram sends enters, so a name, an answer or a button's data carrying
    one (PostgreSQL refuses them in text) reaches no handler. Parts are copied only where they
    change; an update without any is returned as it is."""
    if isinstance(value, str):
        return inputs.without_nul(value)
    if isinstance(value, list | tuple):
        cleaned = [without_nul(item) for item in value]
        changed = any(new is not old for new, old in zip(cleaned, value, strict=True))
        return type(value)(cleaned) if changed else value
    if isinstance(value, BaseModel):
        changes = {}
        for name in value.model_fields_set:
            old = getattr(value, name, None)
            new = without_nul(old)
            if new is not old:
                changes[name] = new
        return value.model_copy(update=changes) if changes else value
    return value


def _user_id(update: Update) -> int | None:
    try:
        user = getattr(update.event, "from_user", None)
    except Exception:  # an update type aiogram does not know yet has no event
        return None
    return user.id if user is not None else None


class RecruitingDispatcher(Dispatcher):
    def __init__(
        self,
        *args: Any,
        update_guard: UpdateGuard | None = None,
        database: DatabaseGate | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._in_hand: set[asyncio.Task[Any]] = set()
        self._guard = update_guard
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
        update = without_nul(update)
        task = asyncio.current_task()
        if task is not None:
            self._in_hand.add(task)
        try:
            # Bound here rather than in a middleware, so aiogram's own "update handled" line
            # has them.
            with structlog.contextvars.bound_contextvars(
                update_id=update.update_id, user_id=_user_id(update)
            ):
                if self._guard is None:
                    return await super().feed_update(bot, update, **kwargs)
                return await self._guarded(self._guard, bot, update, kwargs)
        finally:
            if task is not None:
                self._in_hand.discard(task)

    async def _guarded(
        self, guard: UpdateGuard, bot: Bot, update: Update, kwargs: dict[str, Any]
    ) -> Any:
        while True:
            try:
                # Outside aiogram's error middleware: UpdateInProgress reaches the webhook. A
                # duplicate goes on, to be timed and dropped (`DuplicateUpdateMiddleware`).
                async with guard.hold(bot.id, update.update_id) as first:
                    kwargs[DUPLICATE] = not first
                    return await super().feed_update(bot, update, **kwargs)
            except UpdateInProgress:
                if not kwargs.get(WAIT_WHILE_HELD):
                    raise
                await asyncio.sleep(1.0)  # until the holder is done or its lease runs out

    async def finish_updates_in_hand(self, seconds: float = 1.5) -> None:
        """Let the updates being handled finish (replies sent, transaction committed) before
        shutdown closes the database and the Bot API session under them."""
        pending = self._in_hand - {asyncio.current_task()}
        if pending:
            await asyncio.wait(pending, timeout=seconds)

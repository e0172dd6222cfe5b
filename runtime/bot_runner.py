"""Runs the dispatcher's polling as a kept task and stops it on request."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from aiogram import Bot, Dispatcher

from bot.update_guard import WAIT_WHILE_HELD


class BotRunner:
    """Polling as a kept task; in webhook mode updates arrive through the admin app instead."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        *,
        webhook: bool = False,
        max_concurrent: int | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.webhook = webhook
        # At most this many updates handled at once: at the bound polling stops fetching, so a
        # burst waits at Telegram instead of piling up as tasks in this process.
        self.max_concurrent = max_concurrent
        self._webhook_set = False
        self._task: asyncio.Task[None] | None = None

    @property
    def state(self) -> str:
        if self.webhook:
            return "webhook" if self._webhook_set else "webhook not set"
        if self._task is None:
            return "stopped"
        if self._task.done():
            return "failed" if not self._task.cancelled() and self._task.exception() else "stopped"
        return "polling"

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_webhook(
            url,
            secret_token=secret,
            allowed_updates=self.dispatcher.resolve_used_update_types(),
        )
        self._webhook_set = True

    def start(self) -> None:
        if self.webhook:
            return
        self._task = asyncio.create_task(self._poll(), name="bot-polling")

    async def _poll(self) -> None:
        # A webhook left from an earlier run would make getUpdates fail with 409.
        await self.bot.delete_webhook(drop_pending_updates=False)
        # Handed to every update: one that a killed process held is waited for (update_guard).
        extra: dict[str, Any] = {WAIT_WHILE_HELD: True}
        await self.dispatcher.start_polling(
            self.bot,
            handle_signals=False,
            close_bot_session=False,
            polling_timeout=10,
            tasks_concurrency_limit=self.max_concurrent,
            **extra,
        )

    async def stop(self) -> None:
        if self._task is None or self._task.done():
            return
        with contextlib.suppress(RuntimeError):  # "Polling is not started" if it never got going
            await self.dispatcher.stop_polling()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

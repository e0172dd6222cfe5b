"""Runs the dispatcher's polling as a kept task and stops it on request."""

from __future__ import annotations

import asyncio
import contextlib

from aiogram import Bot, Dispatcher


class BotRunner:
    def __init__(self, dispatcher: Dispatcher, bot: Bot) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self._task: asyncio.Task[None] | None = None

    @property
    def state(self) -> str:
        if self._task is None:
            return "stopped"
        if self._task.done():
            return "failed" if not self._task.cancelled() and self._task.exception() else "stopped"
        return "polling"

    def start(self) -> None:
        self._task = asyncio.create_task(
            self.dispatcher.start_polling(
                self.bot, handle_signals=False, close_bot_session=False, polling_timeout=10
            ),
            name="bot-polling",
        )

    async def stop(self) -> None:
        if self._task is None or self._task.done():
            return
        with contextlib.suppress(RuntimeError):  # "Polling is not started" if it never got going
            await self.dispatcher.stop_polling()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

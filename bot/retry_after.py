"""Telegram's 429 means "wait and send again": the bot does, as often as Telegram asks, so a
reply is never dropped for it. Only shutdown ends the waiting (`stopping` set): then the 429 is
raised, as the process is going away."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

import structlog
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods.base import TelegramType

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response, TelegramMethod

log = structlog.get_logger(__name__)


class RetryAfterMiddleware(BaseRequestMiddleware):
    def __init__(self, stopping: asyncio.Event | None = None) -> None:
        self.stopping = stopping or asyncio.Event()

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        attempt = 0
        while True:
            attempt += 1
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if self.stopping.is_set():
                    raise
                log.info(
                    "telegram.retry_after",
                    method=type(method).__name__,
                    seconds=exc.retry_after,
                    attempt=attempt,
                )
                if await self._stopped_within(exc.retry_after):
                    raise

    async def _stopped_within(self, seconds: float) -> bool:
        """Wait `seconds`, or less if shutdown begins meanwhile; whether it did."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), seconds)
        return self.stopping.is_set()

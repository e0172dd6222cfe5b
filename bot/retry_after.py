"""Telegram's 429 means "wait and send again": the bot does, instead of dropping the message."""

from __future__ import annotations

import asyncio
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
    def __init__(self, max_attempts: int = 5, max_wait_seconds: float = 60.0) -> None:
        self.max_attempts = max_attempts
        self.max_wait_seconds = max_wait_seconds

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        for attempt in range(1, self.max_attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt == self.max_attempts or exc.retry_after > self.max_wait_seconds:
                    raise
                log.info(
                    "telegram.retry_after",
                    method=type(method).__name__,
                    seconds=exc.retry_after,
                    attempt=attempt,
                )
                await asyncio.sleep(exc.retry_after)
        raise AssertionError("unreachable: the loop returns or raises")

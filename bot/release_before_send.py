"""Before any Bot API request, the update's Unit of Work ends its read transaction: a database
lock (SQLite's writer lock above all) is never held while we wait on the network or a 429."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods.base import TelegramType

from bot.middlewares import current_uow

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response, TelegramMethod


class ReleaseTransactionMiddleware(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        uow = current_uow.get()
        if uow is not None:
            await uow.release()
        return await make_request(bot, method)

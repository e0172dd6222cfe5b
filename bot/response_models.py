"""Keeps aiogram's answer models alive from one request to the next.

aiogram parses every Bot API answer with `Response[<the method's result type>]`, a pydantic
generic model built on first use. pydantic holds such models only weakly, so once a request is
over the model may be collected and the next request builds it again: several milliseconds of
CPU each time, a few percent of all the bot's work under load. Holding the model of each method
the bot calls keeps that to once per process (a few dozen small models at most)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import Response
from aiogram.methods.base import TelegramType

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import TelegramMethod


class KeepResponseModels(BaseRequestMiddleware):
    def __init__(self) -> None:
        self._models: dict[type[Any], type[Any]] = {}

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        kind = type(method)
        if kind not in self._models:
            self._models[kind] = Response[method.__returning__]  # type: ignore[name-defined]
        return await make_request(bot, method)

"""The bot keeps the model aiogram parses an answer with, instead of building it per request."""

from __future__ import annotations

import gc
import weakref
from typing import Any

from aiogram import Bot
from aiogram.methods import GetMyShortDescription, Response, TelegramMethod
from aiogram.types import BotShortDescription

from bot.response_models import KeepResponseModels

TOKEN = "42:TEST"


async def _request_twice(keeper: KeepResponseModels | None) -> list[weakref.ref[type[Any]]]:
    """Two requests (through `keeper` when given), a collection between them; weak references
    to the models their answers were parsed with."""
    bot = Bot(TOKEN)
    seen: list[weakref.ref[type[Any]]] = []

    async def make_request(bot: Bot, method: TelegramMethod[Any]) -> Response[Any]:
        model = Response[method.__returning__]  # type: ignore[name-defined]  # as aiogram does
        seen.append(weakref.ref(model))
        return model(ok=True, result=BotShortDescription(short_description="hi"))

    async def through(method: GetMyShortDescription) -> Any:
        if keeper is None:
            return await make_request(bot, method)
        return await keeper(make_request, bot, method)

    await through(GetMyShortDescription())
    gc.collect()
    await through(GetMyShortDescription())
    assert seen[1]() is not None
    await bot.session.close()
    return seen


async def test_the_answer_model_outlives_the_request() -> None:
    keeper = KeepResponseModels()  # as the bot's session holds it
    first, second = await _request_twice(keeper)
    gc.collect()
    assert first() is not None  # still held,
    assert first() is second()  # so the second request used the same model


async def test_without_it_pydantic_lets_the_model_go() -> None:
    """The reason for the middleware: the models are cached only weakly."""
    first, _ = await _request_twice(None)
    gc.collect()
    assert first() is None

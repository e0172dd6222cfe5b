"""A 429 is waited out as often as Telegram sends it; only shutdown ends the waiting."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendMessage

from bot.retry_after import RetryAfterMiddleware
from tests.support.waiting import eventually

METHOD = SendMessage(chat_id=1, text="hello")


class Telegram:
    """Answers 429 (retry after `seconds`) `refusals` times, then sends."""

    def __init__(self, refusals: int, seconds: int = 0) -> None:
        self.refusals = refusals
        self.seconds = seconds
        self.calls = 0

    async def __call__(self, bot: Any, method: SendMessage) -> str:
        self.calls += 1
        if self.calls <= self.refusals:
            raise TelegramRetryAfter(
                method=method, message="Too Many Requests", retry_after=self.seconds
            )
        return "sent"


async def test_a_reply_is_sent_however_many_429s_come_first() -> None:
    telegram = Telegram(refusals=25)  # the old middleware gave up after 5
    result = await RetryAfterMiddleware()(telegram, None, METHOD)  # type: ignore[arg-type]
    assert result == "sent"
    assert telegram.calls == 26


async def test_a_long_retry_after_is_waited_out_not_refused() -> None:
    stopping = asyncio.Event()
    telegram = Telegram(refusals=1, seconds=3600)  # more than the old 60 s cap
    sending = asyncio.create_task(RetryAfterMiddleware(stopping)(telegram, None, METHOD))  # type: ignore[arg-type]
    await eventually(lambda: telegram.calls == 1, "the first attempt made")
    assert not sending.done()  # still waiting: not dropped
    sending.cancel()


async def test_shutdown_ends_the_waiting() -> None:
    stopping = asyncio.Event()
    telegram = Telegram(refusals=1, seconds=3600)
    sending = asyncio.create_task(RetryAfterMiddleware(stopping)(telegram, None, METHOD))  # type: ignore[arg-type]
    await eventually(lambda: telegram.calls == 1, "the first attempt made")
    stopping.set()
    with pytest.raises(TelegramRetryAfter):
        await sending
    assert telegram.calls == 1

"""Shutdown lets the updates in hand finish before it closes what they use."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Bot
from aiogram.methods import TelegramMethod

from bot.dispatcher import RecruitingDispatcher
from bot.factory import create_bot, create_dispatcher
from core.clock import FrozenClock
from domain.bookings.booking import Messaging
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from tests.conftest import Storage
from tests.support.bot import RecordingSession, text_update
from tests.support.factories import NOW


class SlowApi(RecordingSession):
    """A Bot API that answers only when let: the handler is mid-reply meanwhile."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = asyncio.Event()
        self.answer = asyncio.Event()

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> Any:
        self.asked.set()
        await self.answer.wait()
        return await super().make_request(bot, method, timeout)


async def _mid_reply(
    storage: Storage,
) -> tuple[SlowApi, RecruitingDispatcher, asyncio.Task[Any]]:
    """A dispatcher handling /start, its handler waiting for the Bot API to answer."""
    api = SlowApi()
    dispatcher = create_dispatcher(
        uow_factory=storage.uow,
        cache=storage.cache,
        messaging=Messaging(Catalog.load("ru"), FrozenClock(NOW), BookingRules()),
    )
    assert isinstance(dispatcher, RecruitingDispatcher)
    bot = create_bot("42:TEST", session=api)
    handling = asyncio.create_task(dispatcher.feed_update(bot, text_update("/start", user_id=5)))
    await api.asked.wait()
    return api, dispatcher, handling


async def test_an_update_in_hand_is_finished_before_shutdown_goes_on(
    sqlite_storage: Storage,
) -> None:
    api, dispatcher, handling = await _mid_reply(sqlite_storage)
    waiting = asyncio.create_task(dispatcher.finish_updates_in_hand(seconds=60))
    for _ in range(20):
        await asyncio.sleep(0)
    assert not waiting.done()  # it cannot finish before the handler does, which waits on us
    api.answer.set()
    await waiting
    assert handling.done()
    assert api.sent()


async def test_a_handler_that_hangs_does_not_hold_shutdown_past_its_limit(
    sqlite_storage: Storage,
) -> None:
    _api, dispatcher, handling = await _mid_reply(sqlite_storage)
    await dispatcher.finish_updates_in_hand(seconds=0.05)  # returns although it never answers
    assert not handling.done()
    handling.cancel()
    await asyncio.gather(handling, return_exceptions=True)

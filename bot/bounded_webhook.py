"""Webhook updates under the same bound as polling: at most `limit` handled at once. A request
that finds every place taken waits for one before it is answered, so Telegram (which holds at
most its `max_connections` requests open to us) slows down instead of being refused; if it
gives up waiting, it delivers the update again and nothing is lost (duplicates are dropped)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web


class BoundedRequestHandler(SimpleRequestHandler):
    def __init__(self, dispatcher: Dispatcher, bot: Bot, *, limit: int, **kwargs: Any) -> None:
        super().__init__(dispatcher, bot, handle_in_background=True, **kwargs)
        self.places = asyncio.Semaphore(limit)

    async def _handle_request_background(self, bot: Bot, request: web.Request) -> web.Response:
        update = await request.json(loads=bot.session.json_loads)
        await self.places.acquire()  # cancelled with the request: then nothing was taken
        task = asyncio.create_task(self._feed_and_free(bot, update))
        self._background_feed_update_tasks.add(task)
        task.add_done_callback(self._background_feed_update_tasks.discard)
        return web.json_response({}, dumps=bot.session.json_dumps)

    async def _feed_and_free(self, bot: Bot, update: dict[str, Any]) -> None:
        try:
            await self._background_feed_update(bot=bot, update=update)
        finally:
            self.places.release()

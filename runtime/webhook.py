"""Telegram's webhook: answered only once the update is handled, 503 while another holds it
or while the database is away (Telegram delivers it again later).

aiogram's own handler answers at once and handles the update afterwards; an instance killed
meanwhile would lose it, since Telegram got its 200. Here the 2xx means "handled" (or a
duplicate of one handled already); an instance that dies holding an update gives the balancer
no answer, so it tries another instance, and Telegram delivers again what got none.
"""

from __future__ import annotations

import asyncio

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from admin.errors import RETRY_AFTER_SECONDS
from bot.update_guard import UpdateInProgress
from storage.availability import DatabaseGate

WEBHOOK_PATH = "/telegram/webhook"


class WebhookHandler(SimpleRequestHandler):
    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        secret_token: str,
        *,
        database: DatabaseGate | None = None,
        limit: int | None = None,
    ) -> None:
        super().__init__(dispatcher, bot, handle_in_background=False, secret_token=secret_token)
        self._database = database
        # The same bound as polling: at most `limit` updates handled at once. A request that
        # finds every place taken waits for one, so Telegram (which holds at most its
        # `max_connections` requests open) slows down instead of being refused; if it gives
        # up waiting it delivers again, and the update guard drops a second copy.
        self._places = asyncio.Semaphore(limit) if limit else None

    async def handle(self, request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if (
            self._database is not None
            and not self._database.up
            and self.verify_secret(secret, self.bot)
        ):
            return web.json_response(
                {"error": "unavailable", "detail": "the database cannot be reached; send again"},
                status=503,
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        try:
            if self._places is None:
                return await super().handle(request)
            async with self._places:  # cancelled with the request: then nothing was taken
                return await super().handle(request)
        except UpdateInProgress as busy:
            return web.Response(
                status=503,
                text="this update is being handled elsewhere; deliver it again later",
                headers={"Retry-After": str(busy.retry_after)},
            )

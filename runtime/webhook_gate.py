"""The webhook answers 503 while the database is away, so Telegram delivers the update again
later instead of this process taking it and having to hold it."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from admin.errors import RETRY_AFTER_SECONDS
from storage.availability import DatabaseGate


class GatedRequestHandler(SimpleRequestHandler):
    def __init__(
        self, dispatcher: Dispatcher, bot: Bot, *, database: DatabaseGate, **kwargs: Any
    ) -> None:
        super().__init__(dispatcher, bot, **kwargs)
        self._database = database

    async def handle(self, request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not self._database.up and self.verify_secret(secret, self.bot):
            return web.json_response(
                {"error": "unavailable", "detail": "the database cannot be reached; send again"},
                status=503,
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        return await super().handle(request)

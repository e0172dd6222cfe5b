"""A minimal Bot API for the process test: one queued update, and a record of what was sent."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from aiohttp import web

from sandbox.params import read_params


class FakeBotApi:
    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []
        self.methods: list[str] = []
        self._new = asyncio.Event()

    def queue_start(self, user_id: int, payload: str = "") -> None:
        text = f"/start {payload}".strip()
        user = {"id": user_id, "is_bot": False, "first_name": "Ann", "language_code": "en"}
        self.updates.append(
            {
                "update_id": len(self.updates) + 1,
                "message": {
                    "message_id": len(self.updates) + 1,
                    "date": int(time.time()),
                    "chat": {"id": user_id, "type": "private"},
                    "from": user,
                    "text": text,
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                },
            }
        )
        self._new.set()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.methods.append(method)
        params = (await read_params(request)).values  # a JSON body (the bot's) or a form
        if method == "getMe":
            me = {"id": 42, "is_bot": True, "first_name": "Test", "username": "test_bot"}
            return web.json_response({"ok": True, "result": me})
        if method == "getUpdates":
            offset = int(params.get("offset", 0) or 0)
            pending = [u for u in self.updates if u["update_id"] >= offset]
            if not pending:
                self._new.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._new.wait(), float(params.get("timeout", 0) or 0))
                pending = [u for u in self.updates if u["update_id"] >= offset]
            return web.json_response({"ok": True, "result": pending})
        if method == "sendMessage":
            self.sent.append(params)
            message = {
                "message_id": 1000 + len(self.sent),
                "date": int(time.time()),
                "chat": {"id": int(str(params["chat_id"])), "type": "private"},
                "text": params["text"],
            }
            return web.json_response({"ok": True, "result": message})
        return web.json_response({"ok": True, "result": True})

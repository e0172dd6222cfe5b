"""Between one instance and the Bot API server: passes every call on until it is armed, then
holds the next sendMessage for good, so a test can kill the instance in the middle of an update
whose reply never left it."""

from __future__ import annotations

import asyncio
import re

import aiohttp
from aiohttp import web

# The chat a sendMessage is for, in a JSON body (what the bot sends), a form or a multipart body.
_CHAT_ID = re.compile(rb'chat_id(?:":\s*"?|"\r\n\r\n|=)(-?\d+)')


class BotApiGate:
    def __init__(self, target: str) -> None:
        self._target = target.rstrip("/")
        self.armed = False
        self.held = asyncio.Event()
        self.held_chat: int | None = None
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._http = aiohttp.ClientSession()
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._pass_on)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()

    async def _pass_on(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if self.armed and request.path.endswith("/sendMessage") and not self.held.is_set():
            found = _CHAT_ID.search(body)
            self.held_chat = int(found.group(1)) if found else None
            self.held.set()
            await asyncio.Event().wait()  # never passed on; ends when the server does
        assert self._http is not None
        headers = {"Content-Type": request.headers.get("Content-Type", "application/json")}
        async with self._http.request(
            request.method, self._target + request.path_qs, data=body, headers=headers
        ) as answer:
            return web.Response(
                status=answer.status,
                body=await answer.read(),
                headers={"Content-Type": answer.headers.get("Content-Type", "application/json")},
            )

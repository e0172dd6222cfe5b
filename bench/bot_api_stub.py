"""A Bot API that answers at once, in its own process (`python -m bench.bot_api_stub`): a sent
message comes back as a Message, getMe as a bot, anything else as True. It prints the port it
listens on, then serves until killed. The bench's bots talk to it over HTTP, as to Telegram, so
their CPU includes the client's side of every request but none of the server's."""

from __future__ import annotations

import asyncio
import itertools
import sys
import time
from typing import Any

from aiohttp import web

from sandbox.params import read_params

_ids = itertools.count(1)
_BOT = {"id": 42, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}


async def _answer(request: web.Request) -> web.Response:
    method = request.match_info["method"].lower()
    fields = (await read_params(request)).values  # as Telegram: a JSON body or a form
    result: Any = True
    if method == "getme":
        result = _BOT
    elif method in ("sendmessage", "editmessagetext"):
        result = {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": {"id": int(fields.get("chat_id", 0) or 0), "type": "private"},
            "from": _BOT,
            "text": str(fields.get("text", "")),
        }
    return web.json_response({"ok": True, "result": result})


async def _serve() -> None:
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", _answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(runner.addresses[0][1], flush=True)
    await asyncio.Event().wait()  # until the process is terminated


if __name__ == "__main__":
    try:
        asyncio.run(_serve())
    except KeyboardInterrupt:
        sys.exit(0)

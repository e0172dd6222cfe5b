"""The sandbox as one aiohttp app: the Bot API, the person's API and the web chat."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Middleware

from sandbox import bot_api, user_api
from sandbox.access import gate_middleware, local_clients_only
from sandbox.bot_api import WORLD
from sandbox.webhook import deliver_webhooks
from sandbox.world import World

STATIC_DIR = Path(__file__).resolve().parent / "static"
_LOCAL_CLIENTS_ONLY = gate_middleware(local_clients_only)


async def _web_chat(_request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "chat.html")


def create_sandbox_app(world: World, gate: Middleware = _LOCAL_CLIENTS_ONLY) -> web.Application:
    """Routes: `/bot<token>/<method>` (Bot API), `/file/bot<token>/<path>` (its files),
    `/api/...` (persons), `/` (the web chat).
    `gate` says who may use any of them (by default a client on this machine only)."""
    # "/sandbox" redirects to "/sandbox/", so the page's relative links resolve under it.
    app = web.Application(
        client_max_size=50 * 1024 * 1024,
        middlewares=[
            gate,
            web.normalize_path_middleware(append_slash=True, merge_slashes=False),
        ],
    )
    app[WORLD] = world
    app.router.add_route("*", "/bot{token}/{method}", bot_api.handle)
    app.router.add_get("/file/bot{token}/{file_path:.+}", bot_api.download_file)
    user_api.add_routes(app)
    app.router.add_get("/", _web_chat)
    app.router.add_static("/static", STATIC_DIR)
    app.cleanup_ctx.append(_webhook_delivery)
    app.on_shutdown.append(_release_long_polls)
    return app


async def _release_long_polls(app: web.Application) -> None:
    # Runs before the server waits for open requests, so pending long polls end at once.
    app[WORLD].close()


async def _webhook_delivery(app: web.Application) -> AsyncIterator[None]:
    world = app[WORLD]
    world.reopen()
    task = asyncio.create_task(deliver_webhooks(world), name="sandbox-webhooks")
    yield
    world.close()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task

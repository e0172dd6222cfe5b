"""Runs the application until SIGINT/SIGTERM, then shuts every part down within 5 seconds."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable

import structlog
from aiohttp import web

from runtime.container import Application

log = structlog.get_logger(__name__)
SHUTDOWN_STEP_SECONDS = 2.0


async def _step(name: str, action: Callable[[], Awaitable[object]]) -> None:
    """One shutdown step; a step that hangs or fails must not keep the others from running."""
    try:
        await asyncio.wait_for(action(), SHUTDOWN_STEP_SECONDS)
    except Exception as exc:  # shutdown goes on whatever one part does
        log.warning("shutdown.step_failed", step=name, error=repr(exc))


async def _noop() -> None:
    return None


async def serve(app: Application, stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    settings = app.settings
    runner = web.AppRunner(app.web_app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.admin_host, settings.admin_port)
    await site.start()
    app.scheduler.start()
    app.bot_runner.start()
    log.info(
        "app.started",
        admin=f"http://{settings.admin_host}:{settings.admin_port}",
        database=app.engine.dialect.name,
        cache=app.cache.backend.name,
        bot=app.bot_runner.state,
    )
    try:
        await stop.wait()
    finally:
        log.info("app.stopping")
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await shutdown(app, runner)
        log.info("app.stopped")


async def shutdown(app: Application, runner: web.AppRunner | None = None) -> None:
    await _step("bot polling", app.bot_runner.stop)
    app.scheduler.shutdown()
    if runner is not None:
        await _step("admin web", runner.cleanup)
    await _step("bot session", app.bot.session.close if app.bot else _noop)
    await _step("fsm storage", app.dispatcher.storage.close)
    await _step("cache", app.cache.backend.close)
    await _step("database", app.engine.dispose)

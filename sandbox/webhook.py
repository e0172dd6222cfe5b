"""Delivers a bot's updates to its webhook by POST, in order, retrying until it answers 2xx."""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp
import structlog

from sandbox.world import SandboxBot, World

log = structlog.get_logger(__name__)
RETRY_SECONDS = 1.0


async def deliver_webhooks(world: World) -> None:
    """Runs until cancelled: one delivery loop per bot that has a webhook."""
    loops: dict[int, asyncio.Task[None]] = {}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
        try:
            while not world.closed:
                for bot in list(world.bots.values()):
                    if bot.webhook is not None and (bot.id not in loops or loops[bot.id].done()):
                        loops[bot.id] = asyncio.create_task(_deliver(world, bot, http))
                await world.changed.wait()
        finally:
            for task in loops.values():
                task.cancel()
            for task in loops.values():
                with contextlib.suppress(asyncio.CancelledError):
                    await task


async def _deliver(world: World, bot: SandboxBot, http: aiohttp.ClientSession) -> None:
    while bot.webhook is not None and not world.closed:
        bot.new_update.clear()
        if not bot.updates:
            await bot.new_update.wait()
            continue
        hook = bot.webhook
        update = bot.updates[0]
        headers = (
            {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token} if hook.secret_token else {}
        )
        try:
            async with http.post(hook.url, json=update, headers=headers) as response:
                ok = 200 <= response.status < 300
                error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            ok, error = False, f"Connection failed: {type(exc).__name__}"
        if ok:
            if bot.updates and bot.updates[0] is update:
                bot.updates.pop(0)
            continue
        hook.last_error_date = world.now()
        hook.last_error_message = error
        log.info("sandbox.webhook_failed", bot_id=bot.id, error=error)
        await asyncio.sleep(RETRY_SECONDS)

"""Runs the application until SIGINT/SIGTERM, then shuts every part down within 5 seconds."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from datetime import timedelta

import structlog
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

from bot.commands import set_command_menus
from bot.dispatcher import RecruitingDispatcher
from core.long_lived import release_long_lived, set_aside_long_lived
from core.send_rate import SendRate
from domain.messaging.templates import drop_redundant_overrides
from domain.organisation.places import linked_recruiter_chats
from runtime.container import Application
from runtime.sandbox_mode import MOUNT as SANDBOX_MOUNT
from runtime.sandbox_mode import local_host, prepare_sandbox, skip_known_user_ids
from runtime.webhook import WEBHOOK_PATH
from scheduler.auto_messages_now import AutoMessageWaker
from scheduler.busy_calendars import BusyCalendarJob, CalendarFetcher, ProcessExpander
from scheduler.outbox_delivery import OutboxDelivery
from scheduler.outbox_schedule import OutboxWaker
from scheduler.periodic import PeriodicJobs
from scheduler.retention import RetentionJob

log = structlog.get_logger(__name__)
SHUTDOWN_STEP_SECONDS = 2.0


async def _step(name: str, action: Callable[[], Awaitable[object]]) -> None:
    """One shutdown step; a step that hangs or fails must not keep the others from running."""
    try:
        await asyncio.wait_for(action(), SHUTDOWN_STEP_SECONDS)
    except Exception as exc:  # shutdown goes on whatever one part does
        log.warning("shutdown.step_failed", step=name, error=repr(exc))


async def _drop_copies_of_shipped(app: Application) -> None:
    """Stored copies of the shipped templates go (they would hide a later release's text);
    the database away at start only puts this off to the next start."""
    try:
        async with app.uow_factory() as uow:
            if dropped := await drop_redundant_overrides(uow, app.catalog):
                log.info("templates.copies_of_shipped_dropped", count=dropped)
    except Exception as exc:  # the app starts and recovers without the database
        log.warning("templates.copies_of_shipped_kept", error=repr(exc))


async def serve(
    app: Application, stop: asyncio.Event | None = None, *, handle_signals: bool = True
) -> None:
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM) if handle_signals else ()
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)

    settings = app.settings
    runner = web.AppRunner(app.web_app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    set_aside = False
    try:
        if app.sandbox is not None:  # before anyone can ask it for a persona
            await skip_known_user_ids(app.uow_factory, app.sandbox)
        await _drop_copies_of_shipped(app)
        site = web.TCPSite(runner, settings.admin_host, settings.admin_port)
        await site.start()
        port = runner.addresses[0][1]
        app.base_url = f"http://{local_host(settings.admin_host)}:{port}"
        if app.sandbox is not None:
            # The configured port may have been 0 (any free one): point the bot at the real one.
            app.bot.session.api = TelegramAPIServer.from_base(app.base_url + SANDBOX_MOUNT)
            welcome = await prepare_sandbox(app.uow_factory, app.catalog, app.clock, app.base_url)
            print(welcome.banner(), flush=True)
        if not app.admin_deps.bot_username:
            app.admin_deps.bot_username = await _bot_username(app)
        delivery = OutboxDelivery(
            app.uow_factory,
            app.bot,
            app.clock,
            SendRate(settings.outbox_rate_per_second, settings.outbox_chat_interval_seconds),
            timedelta(seconds=settings.outbox_lease_seconds),
            app.metrics,
        )
        waker = OutboxWaker(
            app.scheduler.scheduler, delivery, app.uow_factory, app.clock, app.metrics
        )
        app.outbox = waker
        app.commit_hooks.append(waker.after_commit)
        auto_messages = AutoMessageWaker(
            app.scheduler.scheduler, app.uow_factory, app.messaging, app.metrics
        )
        app.commit_hooks.append(auto_messages.after_commit)
        app.auto_messages = auto_messages
        expander = ProcessExpander(settings.busy_calendar_parse_seconds)
        app.closers.append(expander.close)
        app.scheduler.start(
            waker,
            PeriodicJobs(
                app.uow_factory,
                app.messaging,
                timedelta(hours=settings.pending_expiry_hours),
                app.metrics,
            ),
            RetentionJob(app.uow_factory, app.messaging, settings.retention_days, app.metrics),
            BusyCalendarJob(
                app.uow_factory,
                app.clock,
                CalendarFetcher(
                    settings.busy_calendar_timeout_seconds,
                    settings.busy_calendar_max_bytes,
                    private=settings.busy_calendar_private_addresses,
                ),
                expander,
                every=timedelta(minutes=settings.busy_calendar_refresh_minutes),
                horizon=timedelta(days=settings.booking_horizon_days),
                metrics=app.metrics,
            ),
        )
        await _set_command_menus(app)
        set_aside_long_lived()  # all start-up built, before the first update
        set_aside = True
        app.bot_runner.start()
        if app.bot_runner.webhook:
            base = settings.webhook_url or app.base_url  # the sandbox reaches us directly
            await app.bot_runner.set_webhook(base + WEBHOOK_PATH, app.webhook_secret)
        log.info(
            "app.started",
            admin=app.base_url,
            database=app.engine.dialect.name,
            cache=app.cache.backend.name,
            bot="sandbox" if app.sandbox is not None else "telegram",
            mode=app.bot_runner.state,
        )
        app.started.set()
        await stop.wait()
    finally:
        log.info("app.stopping")
        for sig in signals:
            loop.remove_signal_handler(sig)
        try:
            await shutdown(app, runner)
        finally:
            if set_aside:  # also when shutting down was itself cut short
                release_long_lived()
        log.info("app.stopped")


async def _set_command_menus(app: Application) -> None:
    """The candidates' menus per language and each linked recruiter's own (bot.commands)."""
    try:
        async with app.uow_factory() as uow:
            chats = await linked_recruiter_chats(uow)
    except Exception as exc:  # the menus wait for the next start; the bot works without them
        log.warning("bot.commands_not_set", error=repr(exc))
        return
    try:
        await asyncio.wait_for(set_command_menus(app.bot, app.catalog, chats), 15)
    except TimeoutError:  # Telegram slow at start-up must not hold the start
        log.warning("bot.commands_not_set", error="timeout")


async def _bot_username(app: Application) -> str:
    """For invite links; Telegram may be slow or away at start-up, which must not stop us."""
    try:
        me = await asyncio.wait_for(app.bot.me(), 5)
    except Exception as exc:  # the links then carry only the payload until the next start
        log.warning("bot.username_unknown", error=repr(exc))
        return ""
    return me.username or ""


async def shutdown(app: Application, runner: web.AppRunner | None = None) -> None:
    await _step("bot polling", app.bot_runner.stop)
    if isinstance(app.dispatcher, RecruitingDispatcher):  # no new updates come in now
        await _step("updates in hand", app.dispatcher.finish_updates_in_hand)
    app.sending_stops.set()  # a reply still waiting out a 429 gives up: the process is going
    if app.outbox is not None:  # the message being sent is finished and marked, not lost
        await _step("outbox", app.outbox.stop)
    if app.auto_messages is not None:  # the auto-message being queued is finished
        await _step("auto-messages", app.auto_messages.stop)
    app.scheduler.shutdown()
    for close in app.closers:
        await _step("calendar reader", close)
    if runner is not None:
        await _step("admin web", runner.cleanup)
    await _step("bot session", app.bot.session.close)
    await _step("fsm storage", app.dispatcher.storage.close)
    await _step("cache", app.cache.backend.close)
    await _step("database probe", app.database.close)
    await _step("database", app.engine.dispose)

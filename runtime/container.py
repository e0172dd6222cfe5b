"""The one place that builds everything and hands it down. Nothing connects at import time."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time, timedelta

from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.fsm.storage.base import BaseStorage
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from admin.app import create_app
from admin.deps import AdminDeps
from admin.health import HealthSources
from bot.factory import create_bot, create_dispatcher
from core.clock import Clock, SystemClock
from core.errors import ConfigurationError
from core.metrics import Metrics
from core.settings import BotMode, Settings
from domain.bookings.booking import Messaging
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from runtime.bot_runner import BotRunner
from runtime.sandbox_mode import MOUNT as SANDBOX_MOUNT
from runtime.sandbox_mode import (
    SANDBOX_BOT_TOKEN,
    local_host,
    mount_sandbox,
    sandbox_bot_username,
)
from sandbox.world import World
from scheduler.factory import SchedulerRunner
from scheduler.outbox_schedule import OutboxWaker
from storage.cache import Cache, MemoryBackend
from storage.engine import Engine, SessionFactory, create_engine, create_session_factory
from storage.slow_queries import watch_slow_queries
from storage.uow import UnitOfWorkFactory, uow_factory


@dataclass
class Application:
    settings: Settings
    clock: Clock
    engine: Engine
    session_factory: SessionFactory
    cache: Cache
    uow_factory: UnitOfWorkFactory
    catalog: Catalog
    messaging: Messaging
    dispatcher: Dispatcher
    bot: Bot
    bot_runner: BotRunner
    scheduler: SchedulerRunner
    web_app: web.Application
    admin_deps: AdminDeps
    webhook_secret: str
    # Called after each commit with the cache tags it wrote (e.g. to wake the outbox sender).
    commit_hooks: list[Callable[[set[str]], None]]
    metrics: Metrics
    sandbox: World | None = None
    # Set by serve() once the admin app listens: where this process can be reached.
    base_url: str = ""
    started: asyncio.Event = field(default_factory=asyncio.Event)
    outbox: OutboxWaker | None = None  # set by serve() once the scheduler runs


def build_cache(settings: Settings) -> Cache:
    if not settings.redis_url:
        return Cache(MemoryBackend(), default_ttl=settings.cache_default_ttl_seconds)
    from storage.cache.redis import RedisBackend  # redis is imported only when configured

    backend = RedisBackend(settings.redis_url)
    cache = Cache(backend, default_ttl=settings.cache_default_ttl_seconds)
    # Invalidations sent while Redis was away were lost: forget everything cached before.
    backend.on_restore = cache.invalidate_everything
    return cache


WEBHOOK_PATH = "/telegram/webhook"


def _run_hooks(hooks: list[Callable[[set[str]], None]], written: set[str]) -> None:
    for hook in hooks:
        hook(written)


def booking_rules(settings: Settings) -> BookingRules:
    return BookingRules(
        min_notice=timedelta(hours=settings.min_booking_notice_hours),
        horizon=timedelta(days=settings.booking_horizon_days),
        change_cutoff=timedelta(hours=settings.change_cutoff_hours),
        quiet_start=time(settings.quiet_hours_start),
        quiet_end=time(settings.quiet_hours_end),
    )


def build_fsm_storage(settings: Settings) -> BaseStorage | None:
    if not settings.redis_url:
        return None
    from aiogram.fsm.storage.redis import RedisStorage  # redis is imported only when configured

    return RedisStorage.from_url(settings.redis_url)


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    bot_session: BaseSession | None = None,
    sandbox_world: World | None = None,
) -> Application:
    """Everything, wired. `sandbox_world` lets a restarted app keep the sandbox's chats, as
    Telegram would keep them across a restart of ours."""
    webhook = settings.bot_mode is BotMode.WEBHOOK
    if webhook and not settings.sandbox_mode:
        if not settings.webhook_url:
            raise ConfigurationError("WEBHOOK_URL: required when BOT_MODE=webhook")
        if len(settings.webhook_secret.get_secret_value()) < 16:
            raise ConfigurationError("WEBHOOK_SECRET: at least 16 characters when BOT_MODE=webhook")
    clock = clock or SystemClock()
    engine = create_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        pool_recycle=settings.db_pool_recycle,
    )
    metrics = Metrics()
    watch_slow_queries(engine, settings.slow_query_threshold_ms, metrics)
    session_factory = create_session_factory(engine)
    cache = build_cache(settings)
    metrics.watch_cache(cache)
    commit_hooks: list[Callable[[set[str]], None]] = []
    uows = uow_factory(
        session_factory, cache, lambda written: _run_hooks(commit_hooks, written), clock
    )
    catalog = Catalog.load(settings.default_locale)
    messaging = Messaging(catalog, clock, booking_rules(settings))
    dispatcher = create_dispatcher(
        uow_factory=uows,
        cache=cache,
        messaging=messaging,
        fsm_storage=build_fsm_storage(settings),
        metrics=metrics,
    )
    sandbox = (sandbox_world or World()) if settings.sandbox_mode else None
    if sandbox is not None:
        api_url = f"http://{local_host(settings.admin_host)}:{settings.admin_port}{SANDBOX_MOUNT}"
        bot = create_bot(SANDBOX_BOT_TOKEN, api_url, bot_session)
    else:
        token = settings.bot_token.get_secret_value()
        bot = create_bot(token, settings.telegram_api_url, bot_session)
    bot_runner = BotRunner(dispatcher, bot, webhook=webhook)
    scheduler = SchedulerRunner()
    admin_deps = AdminDeps(
        uow_factory=uows,
        clock=clock,
        catalog=catalog,
        bot_username=sandbox_bot_username() if sandbox is not None else "",
        secret_key=settings.admin_secret_key.get_secret_value(),
        cache=cache,
        metrics=metrics,
        metrics_token=settings.metrics_token.get_secret_value(),
        rules=messaging.rules,
    )
    web_app = create_app(
        HealthSources(engine=engine, cache=cache, bot=bot_runner, scheduler=scheduler), admin_deps
    )
    if sandbox is not None:
        mount_sandbox(web_app, sandbox)
    webhook_secret = settings.webhook_secret.get_secret_value() or secrets.token_urlsafe(24)
    if webhook:
        SimpleRequestHandler(dispatcher, bot, secret_token=webhook_secret).register(
            web_app, path=WEBHOOK_PATH
        )
    return Application(
        settings=settings,
        clock=clock,
        engine=engine,
        session_factory=session_factory,
        cache=cache,
        uow_factory=uows,
        catalog=catalog,
        messaging=messaging,
        dispatcher=dispatcher,
        bot=bot,
        bot_runner=bot_runner,
        scheduler=scheduler,
        web_app=web_app,
        admin_deps=admin_deps,
        commit_hooks=commit_hooks,
        metrics=metrics,
        webhook_secret=webhook_secret,
        sandbox=sandbox,
    )

"""The one place that builds everything and hands it down. Nothing connects at import time."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import time, timedelta
from typing import TYPE_CHECKING

import structlog
from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder
from aiohttp import web

from admin.app import create_app
from admin.deps import AdminDeps
from admin.health import HealthSources
from admin.telegram_files import BotFiles
from bot.factory import create_bot, create_dispatcher
from core.clock import Clock, SystemClock
from core.errors import ConfigurationError
from core.metrics import Metrics
from core.send_rate import SendRate
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
from runtime.webhook import WEBHOOK_PATH, WebhookHandler
from scheduler.auto_messages_now import AutoMessageWaker
from scheduler.factory import SchedulerRunner
from scheduler.outbox_schedule import OutboxWaker
from storage.availability import DatabaseGate
from storage.cache import Cache, MemoryBackend
from storage.engine import Engine, SessionFactory, create_engine, create_session_factory
from storage.slow_queries import watch_slow_queries
from storage.uow import UnitOfWorkFactory, uow_factory

if TYPE_CHECKING:
    from sandbox.world import World

log = structlog.get_logger(__name__)


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
    # Closed while the database is away: polling waits, the webhook answers 503.
    database: DatabaseGate
    sandbox: World | None = None
    # Set by serve() once the admin app listens: where this process can be reached.
    base_url: str = ""
    started: asyncio.Event = field(default_factory=asyncio.Event)
    outbox: OutboxWaker | None = None  # set by serve() once the scheduler runs
    auto_messages: AutoMessageWaker | None = None  # the same
    # What serve() started that shutdown ends (the busy calendars' worker process).
    closers: list[Callable[[], Awaitable[object]]] = field(default_factory=list)
    # Set at shutdown: a reply waiting out a 429 stops waiting (until then it waits, however long).
    sending_stops: asyncio.Event = field(default_factory=asyncio.Event)


def build_cache(settings: Settings) -> Cache:
    if not settings.redis_url:
        return Cache(MemoryBackend(), default_ttl=settings.cache_default_ttl_seconds)
    from storage.cache.redis import RedisBackend  # redis is imported only when configured

    backend = RedisBackend(settings.redis_url)
    cache = Cache(
        backend,
        default_ttl=settings.cache_default_ttl_seconds,
        prefix=f"{settings.redis_key_prefix}rb:",
    )
    # Invalidations sent while Redis was away were lost: forget everything cached before.
    backend.on_restore = cache.invalidate_everything
    return cache


def _run_hooks(hooks: list[Callable[[set[str]], None]], written: set[str]) -> None:
    """After a commit: the hooks only wake work up (the outbox, auto-messages), which their
    minute jobs would find anyway. One that fails is logged; it must not turn a request whose
    writes are committed into an error (the user would send it again: twice the broadcast)."""
    for hook in hooks:
        try:
            hook(written)
        except Exception:
            log.exception("commit_hook.failed", hook=getattr(hook, "__qualname__", repr(hook)))


def booking_rules(settings: Settings) -> BookingRules:
    return BookingRules(
        min_notice=timedelta(hours=settings.min_booking_notice_hours),
        horizon=timedelta(days=settings.booking_horizon_days),
        change_cutoff=timedelta(hours=settings.change_cutoff_hours),
        quiet_start=time(settings.quiet_hours_start),
        quiet_end=time(settings.quiet_hours_end),
    )


# How long an update waits for a Redis connection for its conversation state before failing.
FSM_POOL_TIMEOUT_SECONDS = 10.0


def build_fsm_storage(settings: Settings) -> BaseStorage | None:
    """Conversation state in Redis, through a bounded pool that makes an update wait its turn
    for a connection rather than fail (redis' default pool raises "Too many connections")."""
    if not settings.redis_url:
        return None
    # redis, and what it pulls in, is imported only when configured.
    from aiogram.fsm.storage.redis import RedisStorage
    from redis import asyncio as aioredis

    from bot.fsm_fallback import FallbackStorage

    pool = aioredis.BlockingConnectionPool.from_url(
        settings.redis_url,
        # An update in hand uses one at a time; a little room for anything else.
        max_connections=settings.bot_max_concurrent_updates + 10,
        timeout=FSM_POOL_TIMEOUT_SECONDS,
    )
    keys = DefaultKeyBuilder(prefix=f"{settings.redis_key_prefix}fsm")
    redis = RedisStorage(aioredis.Redis.from_pool(pool), key_builder=keys)  # closes the pool
    # Conversations go on from the process's own copy while Redis is away (bot.fsm_fallback).
    return FallbackStorage(redis)


# Connections beyond the updates in hand: the panel, the API and the outbox sender.
POOL_HEADROOM = 5


def pool_size(settings: Settings) -> int:
    """DB_POOL_SIZE, raised if need be so that every update in hand (the bound) and the others
    hold a connection at once, and keep it: an update never waits for one behind the others, and
    the connections a sustained load uses stay open, where overflow ones would be opened and
    closed again every few updates (a connection costs more CPU than the update it serves)."""
    return max(settings.db_pool_size, settings.bot_max_concurrent_updates + POOL_HEADROOM)


def pool_overflow(settings: Settings) -> int:
    """DB_MAX_OVERFLOW, less what raising the pool already added: the most connections one
    process opens stays DB_POOL_SIZE + DB_MAX_OVERFLOW (what the database was sized for), or
    the raised pool when that is more."""
    ceiling = settings.db_pool_size + settings.db_max_overflow
    return max(0, ceiling - pool_size(settings))


def build_send_rate(settings: Settings) -> SendRate:
    """Telegram's pace for everything the bot sends (replies and the outbox's messages)."""
    return SendRate(
        settings.bot_send_rate_per_second,
        settings.bot_chat_interval_seconds,
        chat_burst=settings.bot_chat_burst,
    )


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
        pool_size=pool_size(settings),
        max_overflow=pool_overflow(settings),
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
    database = DatabaseGate(engine)
    catalog = Catalog.load(settings.default_locale)
    messaging = Messaging(catalog, clock, booking_rules(settings), settings.privacy_policy_url)
    dispatcher = create_dispatcher(
        uow_factory=uows,
        cache=cache,
        messaging=messaging,
        fsm_storage=build_fsm_storage(settings),
        metrics=metrics,
        database=database,
        panel_url=settings.admin_public_url,
    )
    sandbox = None
    if settings.sandbox_mode:  # the sandbox is imported only when it stands in for Telegram
        from sandbox.world import World

        sandbox = sandbox_world or World()
    sending_stops = asyncio.Event()
    pace = build_send_rate(settings)
    if sandbox is not None:
        api_url = f"http://{local_host(settings.admin_host)}:{settings.admin_port}{SANDBOX_MOUNT}"
        bot = create_bot(SANDBOX_BOT_TOKEN, api_url, bot_session, pace=pace, stopping=sending_stops)
    else:
        token = settings.bot_token.get_secret_value()
        bot = create_bot(
            token, settings.telegram_api_url, bot_session, pace=pace, stopping=sending_stops
        )
    bot_runner = BotRunner(
        dispatcher, bot, webhook=webhook, max_concurrent=settings.bot_max_concurrent_updates
    )
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
        retention_days=settings.retention_days,
        public_url=settings.admin_public_url,
        files=BotFiles(bot),
    )
    web_app = create_app(
        HealthSources(engine=engine, cache=cache, bot=bot_runner, scheduler=scheduler), admin_deps
    )
    if sandbox is not None:
        mount_sandbox(web_app, sandbox, catalog.text("sandbox.refused", "en"))
    webhook_secret = settings.webhook_secret.get_secret_value() or secrets.token_urlsafe(24)
    if webhook:
        WebhookHandler(
            dispatcher,
            bot,
            webhook_secret,
            database=database,
            limit=settings.bot_max_concurrent_updates,
        ).register(web_app, path=WEBHOOK_PATH)
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
        database=database,
        webhook_secret=webhook_secret,
        sandbox=sandbox,
        sending_stops=sending_stops,
    )

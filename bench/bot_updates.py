"""Bot updates per second through the dispatcher the app builds, on real storage, answering
through the sandbox Bot API.

`served_app` builds the application exactly as `python main.py run` does in sandbox mode
(`runtime.container.build_application`: the same middlewares, cache, FSM storage and pool) and
serves its web app, which carries the sandbox, on a free port. Candidates are sandbox users:
their actions become the JSON updates Telegram would send, which are parsed and handed to
`Dispatcher.feed_update` a batch at a time, all of a batch at once, as polling hands over what one
getUpdates returned. The bot's answers go over HTTP to the sandbox in the same process.

The conversation: /start from a new user (registers them), the bench city's name typed, then an
answer to the first screening question; so each user sends three updates, in that order."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message, Update
from aiohttp import web

from bench.harness import Figure
from bench.system_rows import (
    add_bench_city,
    count_candidates,
    counting,
    quiet_logs,
    telegram_ids,
)
from core.enums import TestKind
from core.long_lived import release_long_lived, set_aside_long_lived
from core.settings import Settings
from runtime.container import Application, build_application
from runtime.sandbox_mode import MOUNT, SANDBOX_BOT_TOKEN
from sandbox import user_actions
from sandbox.world import SandboxBot, SandboxUser, World

# Parts of the bench's Telegram id range (see bench.system_rows.telegram_ids).
_PROJECT, _FLOOR, _BARE = 4, 6, 7
TARGET_PER_SECOND = 500.0


@contextlib.asynccontextmanager
async def served_app(settings: Settings) -> AsyncIterator[Application]:
    """The whole application as main.py builds it, its web app (and so the sandbox) listening;
    no polling, no scheduler: updates are fed by the caller."""
    app = build_application(settings)
    runner = web.AppRunner(app.web_app, handle_signals=False, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        app.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        app.bot.session.api = TelegramAPIServer.from_base(app.base_url + MOUNT)
        set_aside_long_lived()  # as runtime.serve does once started
        yield app
    finally:
        release_long_lived()
        await app.bot.session.close()
        await app.dispatcher.storage.close()
        await runner.cleanup()
        await app.cache.backend.close()
        await app.engine.dispose()


Step = Callable[[SandboxUser], object]


@dataclass
class UpdateSource:
    """Sandbox users acting in the chat; their actions collected as the updates the bot gets."""

    world: World
    sandbox_bot: SandboxBot
    bot: Bot

    def users(self, ids: range) -> list[SandboxUser]:
        return [
            self.world.add_user(
                id=user_id, first_name="Bench", username=f"b{user_id}", language_code="en"
            )
            for user_id in ids
        ]

    def collect(self, users: Sequence[SandboxUser], step: Step) -> list[dict[str, Any]]:
        for user in users:
            step(user)
        raw = list(self.sandbox_bot.updates)
        self.sandbox_bot.updates.clear()
        return raw

    def replies_to(self, users: Sequence[SandboxUser]) -> int:
        return sum(
            1
            for user in users
            for message in self.world.chat(self.sandbox_bot.id, user.id)
            if message.from_bot
        )


@dataclass(frozen=True)
class Throughput:
    updates: int
    seconds: float
    cpu_seconds: float  # this process's CPU time meanwhile, the sandbox's included

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds if self.seconds > 0 else 0.0


async def feed(
    dispatcher: Dispatcher,
    source: UpdateSource,
    users: Sequence[SandboxUser],
    steps: Sequence[Step],
    batch: int,
) -> Throughput:
    """Every user takes each step, a batch of users at a time; only parsing and handling are
    timed (making the updates is Telegram's side)."""
    handled, seconds, cpu = 0, 0.0, 0.0
    for step in steps:
        for start in range(0, len(users), batch):
            raw = source.collect(users[start : start + batch], step)
            started, cpu_started = time.perf_counter(), time.process_time()
            updates = [Update.model_validate(u, context={"bot": source.bot}) for u in raw]
            await asyncio.gather(*(dispatcher.feed_update(source.bot, u) for u in updates))
            seconds += time.perf_counter() - started
            cpu += time.process_time() - cpu_started
            handled += len(updates)
    return Throughput(handled, seconds, cpu)


def bare_dispatcher(*, reply: bool) -> Dispatcher:
    """aiogram with one trivial handler and no middleware: no storage, no templates."""
    router = Router(name="bench-bare")

    @router.message()
    async def answer(message: Message) -> None:
        if reply:
            await message.answer("ok")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


async def _has_screening_test(app: Application) -> bool:
    async with app.uow_factory() as uow:
        test = await uow.tests.get_dto_by_kind(TestKind.SCREENING)
    return test is not None and bool(test.questions)


async def bot_updates_figure(
    app: Application,
    *,
    backend: str,
    size: int,
    updates: int = 2000,
    batch: int = 100,
) -> Figure:
    """`app` comes from `served_app`; its database is filled. The caller removes the bench's
    rows afterwards, and the sandbox's update ids from Redis (forget_sandbox_update_claims)."""
    world = app.sandbox
    assert world is not None, "the app must run in sandbox mode (no BOT_TOKEN)"
    world.rules.rate_limits = False  # the process's capacity is measured, not Telegram's cap
    await app.bot.get_me()
    sandbox_bot = world.bot_for_token(SANDBOX_BOT_TOKEN)
    # Unique across runs: the duplicate filter remembers update ids for a day in Redis.
    sandbox_bot.next_update_id = time.time_ns() // 1000
    source = UpdateSource(world, sandbox_bot, app.bot)
    city = await add_bench_city(app.uow_factory, "updates")
    screening = await _has_screening_test(app)
    steps: list[Step] = [
        lambda u: user_actions.start(world, sandbox_bot, u, "bench"),
        lambda u: user_actions.send_text(world, sandbox_bot, u, city.name),
        lambda u: user_actions.send_text(world, sandbox_bot, u, "Ann Smith"),
    ]
    say_hello: list[Step] = [lambda u: user_actions.send_text(world, sandbox_bot, u, "hello")]
    project_ids = telegram_ids(_PROJECT, max(1, updates // len(steps)))
    users = source.users(project_ids)
    floor_users = source.users(telegram_ids(_FLOOR, updates))
    bare_users = source.users(telegram_ids(_BARE, updates))
    with quiet_logs(), counting("storage.cache.redis", "cache.redis_unavailable") as redis_down:
        project = await feed(app.dispatcher, source, users, steps, batch)
        replying, silent = bare_dispatcher(reply=True), bare_dispatcher(reply=False)
        floor = await feed(replying, source, floor_users, say_hello, batch)
        bare = await feed(silent, source, bare_users, say_hello, batch)
    registered = await count_candidates(app.uow_factory, project_ids)
    replies = source.replies_to(users)
    met = project.per_second >= TARGET_PER_SECOND if backend != "sqlite" else None
    return Figure(
        operation="bot updates per second through the dispatcher (real storage, sandbox)",
        backend=backend,
        project=project.per_second,
        unit="updates/s",
        floor=floor.per_second,
        size=size,
        target=f"≥ {TARGET_PER_SECOND:.0f} updates/s per process on PostgreSQL",
        met=met,
        note=(
            f"{project.updates} updates from {len(users)} new candidates (/start, the city typed, "
            f"an answer{'' if screening else ' — no screening test in this database'}) fed "
            f"{batch} at a time to the dispatcher build_application makes; answered through "
            "the sandbox Bot API in the same process, its rate limits off. "
            "Floor: aiogram with a trivial handler that only replies 'ok' through the sandbox "
            "(no storage, no middleware); aiogram's per-update INFO log line off while measuring"
            + ("" if met is not None else "; the target is stated for PostgreSQL")
            + "."
            + (
                f" Redis refused a connection {redis_down.count} times meanwhile (the cache's "
                "client pool ran out): each time the cache was off for a second."
                if redis_down.count
                else ""
            )
        ),
        extra={
            "updates": project.updates,
            "batch": batch,
            "seconds": project.seconds,
            "cpu_ms_per_update": 1000 * project.cpu_seconds / max(1, project.updates),
            "floor_cpu_ms_per_update": 1000 * floor.cpu_seconds / max(1, floor.updates),
            "redis_unavailable_events": redis_down.count,
            "candidates_registered": registered,
            "bot_messages_sent": replies,
            "screening_test": screening,
            "floor_updates": floor.updates,
            "dispatch_only_per_second": bare.per_second,
        },
    )

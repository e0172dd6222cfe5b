"""CPU per bot update against a trivial aiogram bot, in one run: `python -m bench.bot_cpu`.

The application is built as `python main.py run` builds it (`runtime.container.build_application`:
its dispatcher, middlewares, cache, FSM storage and pool) on a fresh database with the demo rows;
it talks over HTTP to bench.bot_api_stub, a Bot API answering at once in its own process, so
the client's side of every request is counted but none of the server's. New candidates go
through /start, the consent agreed (a button), their city typed, two screening answers, and
/start again; the updates are JSON, parsed and fed to `Dispatcher.feed_update` a batch at a
time, all of a batch at once, as polling hands them over.

The floor: aiogram with one handler that replies "ok" (no middleware, no storage), fed the same
number of updates the same way, replying through the same stub as many times, step by step, as
the application made Bot API requests (replies, edits, answers to button presses). The figure
is the ratio of the process CPU time per update (`time.process_time`) of the two, measured one
after the other.

`--backend postgres` uses a scratch database on BENCH_POSTGRES_URL and Redis at BENCH_REDIS_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import functools
import itertools
import os
import pstats
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods.base import TelegramType
from aiogram.types import Message, Update

from bench.harness import Figure
from bench.system_rows import app_settings, quiet_logs, scratch_database
from bot.callbacks import ConsentChoice
from bot.json_session import JsonBodySession
from core.clock import SystemClock
from core.logging import configure_logging
from core.long_lived import release_long_lived, set_aside_long_lived
from core.settings import LogFormat
from domain.demo import DEMO_CITIES, seed_demo
from domain.privacy.consent import shipped_version
from runtime.container import build_application
from storage.engine import create_engine
from storage.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
if TYPE_CHECKING:
    from aiogram.methods import Response, TelegramMethod

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
CITY = DEMO_CITIES[3][0]  # "Berlin": a Latin name, typed as a candidate would


@contextlib.contextmanager
def bot_api_stub() -> Iterator[str]:
    """bench.bot_api_stub in its own process; its base URL."""
    stub = subprocess.Popen(
        [sys.executable, "-m", "bench.bot_api_stub"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert stub.stdout is not None
        port = int(stub.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        stub.terminate()
        stub.wait()


def stub_session(base_url: str) -> AiohttpSession:
    """The session class the application sends with (JSON bodies), pointed at the stub."""
    return JsonBodySession(api=TelegramAPIServer.from_base(base_url))


class CountRequests(BaseRequestMiddleware):
    def __init__(self) -> None:
        self.count = 0

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        self.count += 1
        return await make_request(bot, method)


_update_ids = itertools.count(time.time_ns() // 1000)


def text_update(user_id: int, text: str) -> dict[str, Any]:
    """The JSON Telegram sends for a private text message (a command carries its entity)."""
    message: dict[str, Any] = {
        "message_id": next(_update_ids),
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": "Bench"},
        "from": {
            "id": user_id,
            "is_bot": False,
            "first_name": "Bench",
            "username": f"b{user_id}",
            "language_code": "en",
        },
        "text": text,
    }
    if text.startswith("/"):
        length = len(text.split()[0])
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return {"update_id": next(_update_ids), "message": message}


_consent_version = [""]  # the shipped consent text's version, set once the app is built


def consent_update(user_id: int) -> dict[str, Any]:
    """The JSON Telegram sends for a press of the consent's Agree button."""
    user = {"id": user_id, "is_bot": False, "first_name": "Bench", "username": f"b{user_id}"}
    message = {
        "message_id": next(_update_ids),
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": "Bench"},
        "text": "consent",
    }
    query = {
        "id": str(next(_update_ids)),
        "from": {**user, "language_code": "en"},
        "chat_instance": "bench",
        "data": ConsentChoice(agree=True, version=_consent_version[0]).pack(),
        "message": message,
    }
    return {"update_id": next(_update_ids), "callback_query": query}


Step = Callable[[int], dict[str, Any]]
CONVERSATION: tuple[Step, ...] = (
    lambda user: text_update(user, "/start bench"),
    consent_update,
    lambda user: text_update(user, CITY),
    lambda user: text_update(user, "Ann Smith"),
    lambda user: text_update(user, "30"),
    lambda user: text_update(user, "/start"),
)
STEP_NAMES = (
    "/start, new",
    "consent agreed",
    "city typed",
    "answer: name",
    "answer: age",
    "/start again",
)


class RedisCommands:
    """Counts the commands this process sends to Redis (each command of a pipeline counts)."""

    def __init__(self) -> None:
        self.count = 0
        self._original: Any = None

    def __enter__(self) -> RedisCommands:
        from redis.asyncio.connection import AbstractConnection

        self._original = original = AbstractConnection.pack_command

        def counted(connection: Any, *args: Any) -> Any:
            self.count += 1
            return original(connection, *args)

        AbstractConnection.pack_command = counted  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *_exc: object) -> None:
        from redis.asyncio.connection import AbstractConnection

        AbstractConnection.pack_command = self._original  # type: ignore[method-assign]


@dataclass(frozen=True)
class Cpu:
    updates: int
    cpu_seconds: float
    requests: int  # Bot API requests the handlers made
    redis: int = 0  # Redis commands sent
    steps: tuple[Cpu, ...] = ()  # the same, for each step of the conversation

    @property
    def ms_per_update(self) -> float:
        return 1000 * self.cpu_seconds / max(1, self.updates)

    @property
    def redis_per_update(self) -> float:
        return self.redis / max(1, self.updates)


async def feed(
    dispatcher: Dispatcher,
    bot: Bot,
    requests: CountRequests,
    users: Sequence[int],
    steps: Sequence[Step],
    batch: int,
    profile: cProfile.Profile | None = None,
) -> Cpu:
    """Every user takes each step, a batch of users at a time; parsing and handling are timed
    (and profiled, with `profile`)."""
    per_step = []
    with RedisCommands() as redis:
        for step in steps:
            handled, cpu, requests_before, redis_before = 0, 0.0, requests.count, redis.count
            for start in range(0, len(users), batch):
                raw = [step(user) for user in users[start : start + batch]]
                started = time.process_time()
                if profile is not None:
                    profile.enable()
                updates = [Update.model_validate(u, context={"bot": bot}) for u in raw]
                await asyncio.gather(*(dispatcher.feed_update(bot, u) for u in updates))
                if profile is not None:
                    profile.disable()
                cpu += time.process_time() - started
                handled += len(updates)
            per_step.append(
                Cpu(handled, cpu, requests.count - requests_before, redis.count - redis_before)
            )
    return Cpu(
        sum(s.updates for s in per_step),
        sum(s.cpu_seconds for s in per_step),
        sum(s.requests for s in per_step),
        sum(s.redis for s in per_step),
        tuple(per_step),
    )


def trivial_dispatcher() -> Dispatcher:
    """aiogram with one handler that replies "ok" as many times as the message's text says,
    nothing else."""
    router = Router(name="bench-trivial")

    @router.message()
    async def answer(message: Message) -> None:
        for _ in range(int(message.text or "1")):
            await message.answer("ok")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    return dispatcher


def same_replies(project: Cpu, users: Sequence[int]) -> list[Step]:
    """The floor's steps: at each, the users' messages ask the trivial bot for as many replies
    per user as the project made Bot API requests per update at that step (so, for as many
    users, the two send the same number of requests, step by step)."""
    steps: list[Step] = []
    for step in project.steps:
        share = round(step.requests * len(users) / max(1, step.updates))  # as many per user
        each, extra = divmod(share, len(users))
        wanted = {user: each + (n < extra) for n, user in enumerate(users)}
        steps.append(functools.partial(_asking, wanted))
    return steps


def _asking(wanted: dict[int, int], user: int) -> dict[str, Any]:
    return text_update(user, str(wanted[user]))


@dataclass(frozen=True)
class Result:
    backend: str
    project: Cpu
    floor: Cpu

    @property
    def ratio(self) -> float:
        return self.project.ms_per_update / max(1e-9, self.floor.ms_per_update)

    def report(self) -> str:
        floor = self.floor.ms_per_update
        lines = [
            f"{self.backend}: {self.project.ms_per_update:.2f} ms CPU per update "
            f"({self.project.updates} updates, {self.project.requests} Bot API requests, "
            f"{self.project.redis_per_update:.1f} Redis commands per update) "
            f"against {floor:.2f} ms for a trivial aiogram bot "
            f"({self.floor.updates} updates, {self.floor.requests} requests): "
            f"{self.ratio:.1f}x"
        ]
        for name, step in zip(STEP_NAMES, self.project.steps, strict=True):
            lines.append(
                f"  {name:<14} {step.ms_per_update:6.2f} ms ({step.ms_per_update / floor:4.1f}x), "
                f"{step.requests / max(1, step.updates):.1f} replies, "
                f"{step.redis_per_update:.1f} Redis commands per update"
            )
        return "\n".join(lines)


async def measure(
    database_url: str,
    redis_url: str | None,
    api_url: str,
    users: int,
    batch: int,
    profile: cProfile.Profile | None = None,
) -> Result:
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    # Unpaced, as the trivial bot is: pacing sleeps (no CPU), but at 25 messages/s it would
    # make the run minutes long for nothing.
    # Configured for the updates it is fed at once, as polling would bound them.
    settings = app_settings(
        database_url,
        redis_url,
        bot_send_rate_per_second=1000,
        bot_chat_interval_seconds=0,
        bot_max_concurrent_updates=batch,
    )
    app = build_application(settings, bot_session=stub_session(api_url))
    _consent_version[0] = shipped_version(app.catalog, settings.privacy_policy_url)
    set_aside_long_lived()  # as runtime.serve does before the first update
    counted = CountRequests()
    app.bot.session.middleware(counted)
    # aiogram as it comes: its own session (a form per request), as bench.trivial_bot
    trivial_bot = Bot("42:BENCH", session=AiohttpSession(api=TelegramAPIServer.from_base(api_url)))
    trivial_bot.session.middleware(counted)
    try:
        async with app.uow_factory() as uow:
            await seed_demo(uow, app.catalog, SystemClock())
        base = 2**52 + uuid.uuid4().int % 10**9  # no Telegram user has such an id
        warm = range(base, base + batch)
        measured = range(base + batch, base + batch + users)
        floor_users = range(base + batch + users, base + batch + 2 * users)
        with quiet_logs():
            await feed(app.dispatcher, app.bot, counted, warm, CONVERSATION, batch)
            project = await feed(
                app.dispatcher, app.bot, counted, measured, CONVERSATION, batch, profile
            )
            trivial = trivial_dispatcher()
            await feed(trivial, trivial_bot, counted, warm, same_replies(project, warm), batch)
            floor_steps = same_replies(project, floor_users)
            floor = await feed(trivial, trivial_bot, counted, floor_users, floor_steps, batch)
    finally:
        release_long_lived()
        await trivial_bot.session.close()
        await app.bot.session.close()
        await app.dispatcher.storage.close()
        await app.cache.backend.close()
        await app.engine.dispose()
    backend = "sqlite" if database_url.startswith("sqlite") else "postgres+redis"
    return Result(backend, project, floor)


CPU_TARGET = 3.0  # × the trivial aiogram bot's CPU per update (issue 15)


async def bot_cpu_figure(
    backend: str,
    database_url: str,
    redis_url: str | None,
    size: int | None,
    *,
    users: int = 200,
    batch: int = 50,
) -> Figure:
    """The in-process CPU per update as a row of `make bench`'s table, on a scratch database
    next to `database_url` (the demo rows only: the conversation reads no more of a big one)."""
    with bot_api_stub() as api_url:
        async with scratch_database(database_url, "cpu") as url:
            result = await measure(url, redis_url, api_url, users, batch)
    project, floor = result.project.ms_per_update, result.floor.ms_per_update
    return Figure(
        operation="bot in process, a conversation's updates: CPU per update",
        backend=backend,
        project=project,
        unit="ms",
        floor=floor,
        size=size,
        target=f"≤ {CPU_TARGET:g}× the trivial aiogram bot",
        met=project <= CPU_TARGET * floor,
        note=(
            "bench.bot_cpu: the dispatcher build_application makes (its middlewares, cache, FSM "
            f"storage and pool), fed {users} new candidates' /start, their consent, their city, "
            f"two screening answers and /start again, {batch} at a time as polling hands them over "
            f"({result.project.updates} updates, {result.project.requests} Bot API requests to "
            "a stub in its own process); process CPU time per update, parsing included; floor: "
            f'aiogram with one handler replying "ok", fed as many updates the same way and '
            f"making as many requests ({result.floor.requests}). On a scratch database with the "
            "demo rows."
        ),
        extra={
            "updates": result.project.updates,
            "requests": result.project.requests,
            "floor_updates": result.floor.updates,
            "floor_requests": result.floor.requests,
            "ratio": result.ratio,
        },
    )


async def run(
    backend: str, users: int, batch: int, profile: cProfile.Profile | None = None
) -> Result:
    base_url = "sqlite+aiosqlite:///unused.db" if backend == "sqlite" else POSTGRES_URL
    redis_url = None if backend == "sqlite" else REDIS_URL
    with bot_api_stub() as api_url:
        async with scratch_database(base_url, "cpu") as url:
            return await measure(url, redis_url, api_url, users, batch, profile)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="profile the application's measured updates (cProfile), write the stats to FILE "
        "and print the top entries; the CPU figures then include the profiler's overhead",
    )
    args = parser.parse_args()
    configure_logging("INFO", LogFormat.JSON)
    profile = cProfile.Profile(time.process_time) if args.profile else None
    result = asyncio.run(run(args.backend, args.users, args.batch, profile))
    print(result.report())
    if profile is not None:
        profile.dump_stats(args.profile)
        stats = pstats.Stats(args.profile).strip_dirs()
        stats.sort_stats("tottime").print_stats(40)
        stats.sort_stats("cumulative").print_stats(60)


if __name__ == "__main__":
    main()

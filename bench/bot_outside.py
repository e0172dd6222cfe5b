"""The bot measured from outside, as production runs it (issue 15, "an honest bench").

A Bot API server (the sandbox, served over HTTP by this process) stands in for Telegram. The
application runs as an operator starts it, `python main.py run` with a BOT_TOKEN and
TELEGRAM_API_URL pointing at that server, in its own process, polling it like Telegram. A burst
of new users (1,000 in 3 s by default) each send /start, then each types a word; their replies
are counted as they arrive at the server. Beside it, in the same run, a trivial aiogram bot
(bench.trivial_bot: one handler, no storage) polls a fresh server of its own and sends the same
number of replies per update to an equal burst.

Per update kind it reports: the application's CPU time per update (its process's utime+stime
from /proc, whatever the process did meanwhile, the scheduler's passes included) against the
trivial bot's; SQL statements per update (the app's own `db_query_seconds` counts, read from
its /metrics); transactions per update (PostgreSQL's `xact_commit + xact_rollback` of the
database, read from pg_stat_database; not counted on SQLite); Redis commands per update (a
private redis-server started for the run, so nobody else's commands are counted); and the time
from each user's message to the bot's first reply, p50 and p99, and how many were never
answered. The sandbox's rate limits are off: the process's capacity is measured, not Telegram's
per-bot cap (which would make a reply to 1,000 people take 30 s however fast the bot is)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg  # type: ignore[import-untyped]
from redis import asyncio as aioredis
from sqlalchemy.engine import make_url

from bench.app_memory import RUN_AS_INSTALLED, deployed_env, free_port
from bench.bot_api_server import TimedWorld, bot_api_server
from bench.harness import Figure
from bench.system_rows import telegram_ids
from sandbox import user_actions
from sandbox.world import SandboxBot, SandboxUser, World

ROOT = Path(__file__).resolve().parent.parent
APP_TOKEN = "4242001:bench-outside-app"
FLOOR_TOKEN = "4242002:bench-outside-floor"
_APP_PART, _FLOOR_PART = 20, 21  # parts of the bench's Telegram id range
CPU_TARGET = 3.0  # × the trivial bot's CPU per update
P99_TARGET_MS = 5000.0
UNPACED_PER_SECOND = 1000  # BOT_SEND_RATE_PER_SECOND's highest value
_TICK = os.sysconf("SC_CLK_TCK")
_METRIC = re.compile(
    r'^(db_query_seconds_count|bot_update_seconds_count)\{(\w+)="([^"]*)"\} (\S+)$'
)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime


@contextlib.asynccontextmanager
async def private_redis() -> AsyncIterator[str | None]:
    """A redis-server of the run's own (no persistence), or None when there is none."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        *(binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = aioredis.Redis.from_url(url)
        try:
            for _ in range(100):
                with contextlib.suppress(Exception):
                    await client.ping()
                    break
                await asyncio.sleep(0.05)
        finally:
            await client.aclose()
        yield url
    finally:
        await _stop(process)


async def redis_commands(url: str | None) -> int:
    if url is None:
        return 0
    client = aioredis.Redis.from_url(url)
    try:
        info = await client.info("stats")
        return int(info["total_commands_processed"])
    finally:
        await client.aclose()


async def pg_transactions(database_url: str) -> int | None:
    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        return None
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(plain)
    try:
        value = await conn.fetchval(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1",
            url.database,
        )
        return int(value)
    finally:
        await conn.close()


async def app_metrics(http: aiohttp.ClientSession, base: str) -> dict[str, float]:
    """Statements by operation and updates handled, from the app's /metrics."""
    async with http.get(f"{base}/metrics") as response:
        text = await response.text()
    found: dict[str, float] = {}
    for line in text.splitlines():
        if m := _METRIC.match(line):
            prefix = "sql" if m.group(1).startswith("db") else "updates"
            found[f"{prefix}:{m.group(3)}"] = float(m.group(4))
    return found


@dataclass
class Burst:
    kind: str
    users: int
    seconds: float
    answered: int
    replies: int
    first_reply_ms: list[float]
    cpu_seconds: float
    sending_seconds: float = 0.0  # from the first user's message to the last one's
    counters: dict[str, float] = field(default_factory=dict)

    @property
    def lost(self) -> int:
        return self.users - self.answered

    def per_update(self, key: str) -> float:
        return self.counters.get(key, 0.0) / max(1, self.users)

    def percentile(self, q: float) -> float:
        if not self.first_reply_ms:
            return float("nan")
        ordered = sorted(self.first_reply_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


Act = Callable[[SandboxUser], object]


async def burst(
    world: TimedWorld,
    users: Sequence[SandboxUser],
    act: Act,
    *,
    kind: str,
    pid: int,
    spread_seconds: float,
    wait_seconds: float,
) -> Burst:
    """Every user acts once, evenly over `spread_seconds`; then wait until each has an answer
    and the replies stop coming (or `wait_seconds`)."""
    world.mark()
    sent: dict[int, float] = {}
    cpu_before = cpu_seconds(pid)
    started = time.monotonic()
    steps = max(1, int(spread_seconds / 0.05))
    for step in range(steps):
        for user in users[step * len(users) // steps : (step + 1) * len(users) // steps]:
            act(user)
            sent[user.id] = time.monotonic()
        await asyncio.sleep(
            max(0.0, started + (step + 1) * spread_seconds / steps - time.monotonic())
        )
    deadline = time.monotonic() + wait_seconds
    last_total, quiet_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        total = sum(world.replies.values())
        if total != last_total:
            last_total, quiet_since = total, time.monotonic()
        elif len(world.first_reply) >= len(users) and time.monotonic() - quiet_since > 1.0:
            break
        await asyncio.sleep(0.1)
    seconds = time.monotonic() - started
    cpu = cpu_seconds(pid) - cpu_before
    sending = max(sent.values()) - min(sent.values()) if sent else 0.0
    latencies = [1000 * (world.first_reply[u] - sent[u]) for u in sent if u in world.first_reply]
    return Burst(
        kind=kind,
        users=len(users),
        seconds=seconds,
        answered=len(latencies),
        replies=sum(world.replies.values()),
        first_reply_ms=latencies,
        cpu_seconds=cpu,
        sending_seconds=sending,
    )


async def _wait_for_bot(
    world: World, process: asyncio.subprocess.Process, what: str, log: Path
) -> SandboxBot:
    deadline = time.monotonic() + 90
    while (bot := world.primary_bot()) is None:
        if process.returncode is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start:\n{_tail(log)}")
        await asyncio.sleep(0.2)
    return bot


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), 20)
    except TimeoutError:
        process.kill()
        await process.wait()


def _add_users(world: World, ids: range) -> list[SandboxUser]:
    return [
        world.add_user(id=i, first_name="Burst", username=f"u{i}", language_code="en") for i in ids
    ]


async def measure_app(
    database_url: str,
    redis_url: str | None,
    users: int,
    spread: float,
    wait_seconds: float,
    tmp: Path,
) -> list[Burst]:
    """The application under two bursts: /start from new users, then a word typed by each."""
    async with bot_api_server(TimedWorld()) as (world, api):
        port = free_port()
        env = {
            **deployed_env(database_url, redis_url, APP_TOKEN, api, port),
            "METRICS_TOKEN": "",
            "LOG_LEVEL": "WARNING",
            # The server's rate limits are off, and so is the app's own pacing of what it sends
            # (25 messages/s by default: 2,000 replies to 1,000 new users would take 80 s):
            # the process's capacity is measured, as the trivial bot's, which paces nothing.
            "BOT_SEND_RATE_PER_SECOND": str(UNPACED_PER_SECOND),
            "BOT_CHAT_INTERVAL_SECONDS": "0",
        }
        log = tmp / "app.log"
        with log.open("wb") as out:
            # As `make run` installs it: without the test tools' rich, whose tracebacks cost
            # more CPU than the failures they show.
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-c", RUN_AS_INSTALLED, cwd=ROOT, env=env, stdout=out, stderr=out
            )
        base = f"http://127.0.0.1:{port}"
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:

                async def healthy() -> bool:
                    async with http.get(f"{base}/health") as response:
                        return response.status == 200

                bot = await _wait_for_bot(world, process, "the app", log)
                deadline = time.monotonic() + 90
                while not await _safe(healthy()):
                    if process.returncode is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"the app did not start:\n{_tail(log)}")
                    await asyncio.sleep(0.2)
                people = _add_users(world, telegram_ids(_APP_PART, users))
                await asyncio.sleep(2.0)  # the start-up's own work settles
                kinds: list[tuple[str, Act]] = [
                    ("/start from a new user", _start(world, bot)),
                    ("a word typed", _say(world, bot, "hello")),
                ]
                results = []
                for kind, act in kinds:
                    before = await _counters(http, base, database_url, redis_url)
                    result = await burst(
                        world,
                        people,
                        act,
                        kind=kind,
                        pid=process.pid,
                        spread_seconds=spread,
                        wait_seconds=wait_seconds,
                    )
                    if "transactions" in before:
                        await asyncio.sleep(1.2)  # PostgreSQL publishes them within a second
                    after = await _counters(http, base, database_url, redis_url)
                    result.counters = {k: after[k] - before.get(k, 0.0) for k in after}
                    results.append(result)
                return results
        finally:
            await _stop(process)


async def _safe(check: Any) -> bool:
    try:
        return bool(await check)
    except Exception:
        return False


async def _counters(
    http: aiohttp.ClientSession, base: str, database_url: str, redis_url: str | None
) -> dict[str, float]:
    found = await app_metrics(http, base)
    if redis_url is not None:
        found["redis"] = float(await redis_commands(redis_url))
    xacts = await pg_transactions(database_url)
    if xacts is not None:
        found["transactions"] = float(xacts)
    return found


def _start(world: World, bot: SandboxBot) -> Act:
    return lambda user: user_actions.start(world, bot, user, "bench")


def _say(world: World, bot: SandboxBot, text: str) -> Act:
    return lambda user: user_actions.send_text(world, bot, user, text)


async def measure_floor(
    users: int, replies_per_update: int, spread: float, wait_seconds: float, tmp: Path
) -> list[Burst]:
    """The trivial aiogram bot under the same two bursts, sending as many replies per update."""
    async with bot_api_server(TimedWorld()) as (world, api):
        log = tmp / "floor.log"
        with log.open("wb") as out:
            process = await asyncio.create_subprocess_exec(
                *[
                    sys.executable,
                    "-m",
                    "bench.trivial_bot",
                    "--api",
                    api,
                    "--token",
                    FLOOR_TOKEN,
                    "--replies",
                    str(replies_per_update),
                ],
                cwd=ROOT,
                stdout=out,
                stderr=out,
            )
        try:
            bot = await _wait_for_bot(world, process, "the trivial bot", log)
            people = _add_users(world, telegram_ids(_FLOOR_PART, users))
            await asyncio.sleep(1.0)
            results = []
            for kind, act in (
                ("/start from a new user", _start(world, bot)),
                ("a word typed", _say(world, bot, "hello")),
            ):
                results.append(
                    await burst(
                        world,
                        people,
                        act,
                        kind=kind,
                        pid=process.pid,
                        spread_seconds=spread,
                        wait_seconds=wait_seconds,
                    )
                )
            return results
        finally:
            await _stop(process)


def _sql_per_update(b: Burst) -> dict[str, float]:
    return {
        k.split(":", 1)[1]: round(v / max(1, b.users), 2)
        for k, v in sorted(b.counters.items())
        if k.startswith("sql:") and v
    }


def figures(
    backend: str, size: int | None, app: Sequence[Burst], floor: Sequence[Burst]
) -> list[Figure]:
    out: list[Figure] = []
    for mine, trivial in zip(app, floor, strict=True):
        cpu = 1000 * mine.cpu_seconds / max(1, mine.users)
        cpu_floor = 1000 * trivial.cpu_seconds / max(1, trivial.users)
        statements = sum(v for k, v in mine.counters.items() if k.startswith("sql:"))
        sql = _sql_per_update(mine)
        transactions = mine.counters.get("transactions")
        redis = mine.per_update("redis")
        p50, p99 = mine.percentile(0.5), mine.percentile(0.99)
        burst_words = (
            f"{mine.users:,} users' messages sent over {mine.sending_seconds:.1f} s, the last "
            f"reply {mine.seconds:.0f} s after the first message"
        )
        extra: dict[str, Any] = {
            "users": mine.users,
            "answered": mine.answered,
            "lost": mine.lost,
            "replies": mine.replies,
            "cpu_ms_per_update": cpu,
            "floor_cpu_ms_per_update": cpu_floor,
            "statements_per_update": statements / max(1, mine.users),
            "statements_by_operation_per_update": sql,
            "transactions_per_update": (
                None if transactions is None else transactions / max(1, mine.users)
            ),
            "redis_commands_per_update": redis if "redis" in mine.counters else None,
            "first_reply_ms_p50": p50,
            "first_reply_ms_p99": p99,
            "floor_first_reply_ms_p50": trivial.percentile(0.5),
            "floor_first_reply_ms_p99": trivial.percentile(0.99),
            "floor_lost": trivial.lost,
            "updates_handled_by_type": {
                k.split(":", 1)[1]: v for k, v in mine.counters.items() if k.startswith("updates:")
            },
        }
        out.append(
            Figure(
                operation=f"bot from outside, {mine.kind}: CPU per update",
                backend=backend,
                project=cpu,
                unit="ms",
                floor=cpu_floor,
                size=size,
                target=f"≤ {CPU_TARGET:g}× the trivial aiogram bot",
                met=cpu <= CPU_TARGET * cpu_floor,
                note=(
                    f"`python main.py run` polling a Bot API server over HTTP, {burst_words}; "
                    f"CPU of its process per update; floor: a trivial aiogram bot "
                    f"(bench.trivial_bot) sending the same "
                    f"{round(mine.replies / max(1, mine.users))} replies per update. Per update: "
                    f"{statements / max(1, mine.users):.1f} SQL statements {sql}, "
                    + (
                        "transactions not counted on SQLite, "
                        if transactions is None
                        else f"{transactions / max(1, mine.users):.1f} transactions, "
                    )
                    + (
                        f"{redis:.1f} Redis commands"
                        if "redis" in mine.counters and backend != "sqlite"
                        else "no Redis"
                    )
                    + "; the scheduler's background passes meanwhile are included."
                ),
                extra=extra,
            )
        )
        out.append(
            Figure(
                operation=f"bot from outside, {mine.kind}: first reply p99 under the burst",
                backend=backend,
                project=p99,
                unit="ms",
                floor=trivial.percentile(0.99),
                size=size,
                target=f"0 lost, p99 < {P99_TARGET_MS / 1000:g} s",
                met=mine.lost == 0 and p99 < P99_TARGET_MS,
                note=(
                    f"{burst_words}: {mine.answered:,} answered, {mine.lost:,} never answered; "
                    f"first reply p50 {p50:,.0f} ms, p99 {p99:,.0f} ms (the trivial bot: "
                    f"p50 {trivial.percentile(0.5):,.0f} ms, "
                    f"p99 {trivial.percentile(0.99):,.0f} ms, "
                    f"{trivial.lost} lost)."
                ),
                extra=extra,
            )
        )
    return out


async def bot_outside_figures(
    backend: str,
    database_url: str,
    use_redis: bool,
    size: int | None,
    *,
    users: int = 1000,
    spread: float = 3.0,
    wait_seconds: float = 60.0,
) -> list[Figure]:
    """On a migrated database (the bench's users are left in it: remove_bench_rows). With
    `use_redis`, the app gets a redis-server of its own for the run."""
    with tempfile.TemporaryDirectory(prefix="bench-outside-") as name:
        tmp = Path(name)
        redis_cm = private_redis() if use_redis else _no_redis()
        async with redis_cm as redis_url:
            app = await measure_app(database_url, redis_url, users, spread, wait_seconds, tmp)
        per_update = max(1, round(app[0].replies / max(1, app[0].users)))
        floor = await measure_floor(users, per_update, spread, wait_seconds, tmp)
        # The trivial bot is given the /start burst's replies per update for both kinds.
        return figures(backend, size, app, floor)


@contextlib.asynccontextmanager
async def _no_redis() -> AsyncIterator[str | None]:
    yield None


def summary(fs: Sequence[Figure]) -> str:
    lines = []
    for f in fs:
        e = f.extra
        if "CPU" in f.operation:
            lines.append(
                f"{f.backend} {f.operation}: {f.project:.2f} ms vs {f.floor:.2f} ms "
                f"({f.project / f.floor if f.floor else float('nan'):.1f}×); "
                f"statements {e['statements_per_update']:.1f}, transactions "
                f"{e['transactions_per_update']}, redis {e['redis_commands_per_update']}; "
                f"lost {e['lost']}, first reply p50/p99 {e['first_reply_ms_p50']:.0f}/"
                f"{e['first_reply_ms_p99']:.0f} ms (trivial {e['floor_first_reply_ms_p50']:.0f}/"
                f"{e['floor_first_reply_ms_p99']:.0f})"
            )
    return "\n".join(lines)


def main() -> None:
    import argparse
    import os as _os

    from bench.system_rows import app_settings, bench_storage, remove_bench_rows, scratch_database
    from core.clock import SystemClock
    from domain.demo import seed_demo
    from domain.messaging.texts import Catalog
    from storage.engine import create_engine
    from storage.migrate import upgrade

    parser = argparse.ArgumentParser(
        prog="python -m bench.bot_outside", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=_os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
        ),
        help="the server a scratch database is made on (--backend postgres)",
    )
    parser.add_argument("--users", type=int, default=1000, help="new users in the burst")
    parser.add_argument("--spread", type=float, default=3.0, help="seconds the burst lasts")
    parser.add_argument("--wait", type=float, default=60.0, help="seconds to wait for replies")
    args = parser.parse_args()
    postgres = args.backend == "postgres"
    base = args.postgres_url if postgres else "sqlite+aiosqlite:///unused.db"
    if postgres and base.startswith("postgresql://"):
        base = base.replace("postgresql://", "postgresql+asyncpg://", 1)

    async def measure() -> list[Figure]:
        # A migrated scratch database with the demo rows (cities, recruiters, slots).
        async with scratch_database(base, "outside") as url:
            engine = create_engine(url)
            try:
                await upgrade(engine)
            finally:
                await engine.dispose()
            async with bench_storage(app_settings(url, None)) as uows, uows() as uow:
                await seed_demo(uow, Catalog.load("en"), SystemClock())
            try:
                return await bot_outside_figures(
                    "postgres+redis" if postgres else "sqlite",
                    url,
                    postgres,
                    None,
                    users=args.users,
                    spread=args.spread,
                    wait_seconds=args.wait,
                )
            finally:
                async with bench_storage(app_settings(url, None)) as uows:
                    await remove_bench_rows(uows)

    found = asyncio.run(measure())
    print(summary(found))
    for f in found:
        if "first reply" in f.operation:
            print(f"{f.backend} {f.operation}: {f.note}")


if __name__ == "__main__":
    main()

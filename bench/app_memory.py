"""Resident memory of the running app: `python main.py run` on the filled database, idle after
start, beside a bare import floor (a process importing aiogram, SQLAlchemy and aiohttp only,
measured in the same run); and again once warmed up.

The process runs as production runs it: with a BOT_TOKEN, its dispatcher polling a Bot API
server over HTTP (the sandbox's, served by this process, standing in for Telegram), the
scheduler and the outbox running, the panel listening. Once /health answers and the bot polls,
it is left idle and measured; then it is warmed: the panel is signed into (an account the bench
adds and removes) and its heaviest pages are read (the dashboard, candidate lists sorted,
searched and paged far, the streamed CSV export of every candidate), and personas talk to the
bot. Then VmRSS is read from /proc, and the process is stopped with SIGTERM, as a service
manager would. (`make run` without a token adds the built-in sandbox and its demo: a few MB
more, which a deployment does not carry.)"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.bot_api_server import TimedWorld, bot_api_server
from bench.harness import Figure
from bench.system_rows import (
    BENCH_PREFIX,
    app_settings,
    bench_storage,
    remove_bench_rows,
    telegram_ids,
)
from sandbox import user_actions
from sandbox.world import SandboxBot, World

ROOT = Path(__file__).resolve().parent.parent
TARGET_TIMES_FLOOR = 1.15
IDLE_SECONDS = 2.0  # after /health answers, before the idle figure is read
# What any aiogram bot with SQLAlchemy and an aiohttp web app imports, and nothing else.
FLOOR_IMPORTS = "import aiogram, aiohttp.web, sqlalchemy.ext.asyncio"
# Installed in .venv for tests and lint only (rich by schemathesis and import-linter, pygments
# by rich and pytest), absent from what `make run` installs; structlog imports them when they
# are there (about 3.5 MB). The measured app is started without them, as production runs.
DEV_ONLY = ("rich", "pygments")
RUN_AS_INSTALLED = (
    "import runpy, sys\n"
    f"sys.modules.update(dict.fromkeys({DEV_ONLY!r}))  # import raises ImportError\n"
    "sys.argv = ['main.py', 'run']\n"
    "runpy.run_path('main.py', run_name='__main__')\n"
)
_PERSONAS = 8  # part of the bench's Telegram id range (see bench.system_rows.telegram_ids)
APP_TOKEN = "4242003:bench-memory"
PANEL_LOGIN = BENCH_PREFIX + "-memory"  # removed with the bench's other rows
_CSRF = re.compile(r'name="csrf"\s+value="([^"]+)"')
PANEL_PAGES = (
    "/",
    "/candidates",
    "/candidates?sort=full_name",
    "/candidates?sort=-updated_at&limit=100",
    "/candidates?q=ann",
    "/candidates?offset=50000",
    "/candidates.csv",
)


def deployed_env(
    database_url: str, redis_url: str | None, token: str, api: str, port: int
) -> dict[str, str]:
    """The environment the app is started with as a deployment runs it: a bot token, polling
    the Bot API at `api`, the panel on 127.0.0.1:`port`."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url or "",
        "BOT_TOKEN": token,
        "BOT_MODE": "polling",
        "TELEGRAM_API_URL": api,
        "ADMIN_HOST": "127.0.0.1",
        "ADMIN_PORT": str(port),
    }


class AppDidNotStart(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (resident now) and VmHWM (the peak) of a process, in MB."""
    values: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024  # kB
    return values


async def import_floor_mb() -> float:
    """VmRSS of a fresh interpreter (the same one the app runs on) that imported only
    aiogram, SQLAlchemy's asyncio extension and aiohttp's web app."""
    probe = (
        f"{FLOOR_IMPORTS}\n"
        "for line in open('/proc/self/status'):\n"
        "    if line.startswith('VmRSS:'): print(int(line.split()[1]) / 1024)\n"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", probe, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    return float(out.decode().strip())


def _text(log: Path) -> str:
    return log.read_text(errors="replace")


async def _wait_until_started(
    process: asyncio.subprocess.Process,
    http: aiohttp.ClientSession,
    base: str,
    world: World,
    log: Path,
) -> SandboxBot:
    """Until /health answers and the bot has asked the Bot API for updates; the bot."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise AppDidNotStart(f"exited with {process.returncode}:\n{_text(log)[-3000:]}")
        with contextlib.suppress(aiohttp.ClientError):
            async with http.get(f"{base}/health") as response:
                bot = world.primary_bot()
                if response.status == 200 and bot is not None:
                    return bot
        await asyncio.sleep(0.2)
    raise AppDidNotStart(f"no healthy /health in 90 s:\n{_text(log)[-3000:]}")


async def _read_panel(http: aiohttp.ClientSession, base: str, login: str, password: str) -> int:
    """Sign in and read the panel's pages; how many bytes came back."""
    async with http.get(f"{base}/login") as response:
        found = _CSRF.search(await response.text())
    if found is None:
        raise AppDidNotStart("the login page carries no csrf token")
    form = {"login": login, "password": password, "csrf": found.group(1)}
    async with http.post(f"{base}/login", data=form) as response:
        if str(response.url).endswith("/login"):
            raise AppDidNotStart("the one-time login was refused")
    read = 0
    for page in PANEL_PAGES:
        async with http.get(base + page) as response:
            response.raise_for_status()
            async for chunk in response.content.iter_chunked(65536):
                read += len(chunk)
    return read


async def _talk_to_the_bot(world: TimedWorld, bot: SandboxBot, ids: range) -> int:
    """Personas start the bot and write to it; how many of the bot's messages they got."""

    async def bot_messages(user_id: int, at_least: int) -> int:
        for _ in range(150):  # 15 s at most
            if world.replies[user_id] >= at_least:
                break
            await asyncio.sleep(0.1)
        return world.replies[user_id]

    async def persona(user_id: int) -> int:
        user = world.add_user(id=user_id, first_name="Bench", language_code="en")
        # /start: a welcome and the city question; then a word that is no city: one answer.
        user_actions.start(world, bot, user, "bench")
        await bot_messages(user_id, 2)
        user_actions.send_text(world, bot, user, "hello")
        return await bot_messages(user_id, 3)

    world.mark()
    return sum(await asyncio.gather(*(persona(i) for i in ids)))


async def _add_panel_account(database_url: str, redis_url: str | None) -> str:
    """The account the bench signs into the panel with; its password."""
    from domain.organisation.accounts import create_admin

    password = secrets.token_urlsafe(16)
    async with bench_storage(app_settings(database_url, redis_url)) as uows:
        await remove_bench_rows(uows)  # one a failed run left behind
        async with uows() as uow:
            await create_admin(uow, PANEL_LOGIN, password, actor="bench")
            await uow.commit()
    return password


async def _stop(process: asyncio.subprocess.Process) -> tuple[int | None, float]:
    """SIGTERM, then (after 20 s) SIGKILL; the exit code and how long the shutdown took."""
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        code = await asyncio.wait_for(process.wait(), 20)
    except TimeoutError:
        process.kill()
        await process.wait()
        return None, time.monotonic() - started
    return code, time.monotonic() - started


async def app_memory_figure(
    *,
    backend: str,
    database_url: str,
    redis_url: str | None,
    size: int,
    personas: int = 20,
    panel: bool = True,
) -> Figure:
    """Start, warm, measure and stop the app. The personas' candidates and the panel's account
    stay in the database (in the bench's range, named by its prefix): the caller removes them
    (remove_bench_rows)."""
    password = await _add_panel_account(database_url, redis_url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with bot_api_server(TimedWorld()) as (world, api):
        env = deployed_env(database_url, redis_url, APP_TOKEN, api, port)
        with tempfile.TemporaryDirectory(prefix="bench-system-app-") as tmp:
            log = Path(tmp) / "app.log"
            with log.open("wb") as out:
                process = await asyncio.create_subprocess_exec(
                    *(sys.executable, "-c", RUN_AS_INSTALLED),
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=out,
                )
            exit_code: int | None = None
            try:
                jar = aiohttp.CookieJar(unsafe=True)  # the panel's cookie on 127.0.0.1
                async with aiohttp.ClientSession(cookie_jar=jar) as http:
                    started_at = time.monotonic()
                    bot = await _wait_until_started(process, http, base, world, log)
                    start_seconds = time.monotonic() - started_at
                    await asyncio.sleep(IDLE_SECONDS)
                    at_start = memory_mb(process.pid)
                    floor = await import_floor_mb()
                    panel_bytes = (
                        await _read_panel(http, base, PANEL_LOGIN, password) if panel else 0
                    )
                    ids = telegram_ids(_PERSONAS, personas)
                    replies = await _talk_to_the_bot(world, bot, ids)
                await asyncio.sleep(1.0)  # let the last answers and deliveries settle
                warmed = memory_mb(process.pid)
            finally:
                if process.returncode is None:
                    exit_code, stop_seconds = await _stop(process)
                else:
                    exit_code, stop_seconds = process.returncode, 0.0
    rss = warmed["VmRSS"]
    idle = at_start["VmRSS"]
    return Figure(
        operation="resident memory of the running app, idle after start",
        backend=backend,
        project=idle,
        unit="MB",
        floor=floor,
        size=size,
        target=f"≤ {TARGET_TIMES_FLOOR:g}× the import floor",
        met=idle <= TARGET_TIMES_FLOOR * floor,
        note=(
            "`python main.py run` as deployed (a BOT_TOKEN, polling a Bot API server over HTTP; "
            "scheduler, outbox, panel), VmRSS "
            f"{IDLE_SECONDS:g} s after /health answered and the bot polled; "
            f"floor: a process that only ran `{FLOOR_IMPORTS}`, measured in the same run. "
            f"Started without {' and '.join(DEV_ONLY)} (test tools, not installed by `make run`). "
            "Warmed ("
            + ("the panel signed into and its pages read, incl. the CSV export; " if panel else "")
            + f"{personas} personas starting the bot and writing to it): {rss:.0f} MB, "
            f"peak {warmed['VmHWM']:.0f} MB. "
            f"Stopped with SIGTERM: exit code {exit_code} after {stop_seconds:.1f} s."
        ),
        extra={
            "rss_at_start_mb": idle,
            "import_floor_mb": floor,
            "rss_warmed_mb": rss,
            "peak_rss_mb": warmed["VmHWM"],
            "start_seconds": start_seconds,
            "panel_bytes_read": panel_bytes,
            "bot_messages_to_personas": replies,
            "exit_code": exit_code,
            "stop_seconds": stop_seconds,
        },
    )


def main() -> None:
    import argparse
    import json

    from bench.system_rows import scratch_database
    from storage.engine import create_engine
    from storage.migrate import upgrade

    parser = argparse.ArgumentParser(
        prog="python -m bench.app_memory", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--database-url",
        default="sqlite+aiosqlite:///unused.db",
        help="where a scratch database is made (a temporary SQLite file by default, or a new "
        "database on this PostgreSQL server), migrated and dropped afterwards",
    )
    parser.add_argument("--redis-url", default="", help="REDIS_URL for the app (default: none)")
    parser.add_argument("--personas", type=int, default=20)
    parser.add_argument("--no-panel", action="store_true", help="do not read the panel's pages")
    args = parser.parse_args()

    async def measure() -> Figure:
        async with scratch_database(args.database_url, "memory") as url:
            engine = create_engine(url)
            try:
                await upgrade(engine)
            finally:
                await engine.dispose()
            backend = "sqlite" if url.startswith("sqlite") else "postgres"
            try:
                return await app_memory_figure(
                    backend=backend + ("+redis" if args.redis_url else ""),
                    database_url=url,
                    redis_url=args.redis_url or None,
                    size=0,
                    personas=args.personas,
                    panel=not args.no_panel,
                )
            finally:
                async with bench_storage(app_settings(url, args.redis_url or None)) as uows:
                    await remove_bench_rows(uows)

    figure = asyncio.run(measure())
    times = figure.project / figure.floor if figure.floor else float("nan")
    print(
        f"{figure.backend}: idle {figure.project:.1f} MB, import floor {figure.floor:.1f} MB "
        f"({times:.3f}×, target ≤ {TARGET_TIMES_FLOOR:g}×)"
    )
    print(json.dumps(figure.extra, default=str))


if __name__ == "__main__":
    main()

"""Resident memory of the running app: `python main.py run` on the filled database, idle after
start, beside a bare import floor (a process importing aiogram, SQLAlchemy and aiohttp only,
measured in the same run); and again once warmed up.

The process runs as an operator starts it, in sandbox mode (no BOT_TOKEN): the dispatcher
polls the built-in Bot API, the scheduler and the outbox run, the panel listens. Once /health
answers it is warmed: the panel is signed into with the one-time password the banner prints and
its heaviest pages are read (the dashboard, candidate lists sorted, searched and paged far, the
streamed CSV export of every candidate), and sandbox personas talk to the bot. Then VmRSS is read
from /proc, and the process is stopped with SIGTERM, as a service manager would."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.harness import Figure
from bench.system_rows import telegram_ids

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
_BANNER_LOGIN = re.compile(r"One-time login:\s+(\S+) / (\S+)")
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
    process: asyncio.subprocess.Process, http: aiohttp.ClientSession, base: str, log: Path
) -> tuple[str, str]:
    """Until /health answers and the banner names the one-time login; (login, password)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise AppDidNotStart(f"exited with {process.returncode}:\n{_text(log)[-3000:]}")
        with contextlib.suppress(aiohttp.ClientError):
            async with http.get(f"{base}/health") as response:
                found = _BANNER_LOGIN.search(_text(log))
                if response.status == 200 and found:
                    return found.group(1), found.group(2)
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


async def _talk_to_the_bot(http: aiohttp.ClientSession, base: str, ids: range) -> int:
    """Personas start the bot and write to it; how many of the bot's messages they got."""
    api = f"{base}/sandbox/api"

    async def bot_messages(user_id: int, at_least: int) -> int:
        deadline = time.monotonic() + 15
        while True:
            async with http.get(f"{api}/users/{user_id}/transcript") as response:
                messages = (await response.json())["messages"]
            got = sum(1 for m in messages if m["from"] == "bot")
            if got >= at_least or time.monotonic() > deadline:
                return got
            await asyncio.sleep(0.1)

    async def persona(user_id: int) -> int:
        body = {"id": user_id, "first_name": "Bench", "language_code": "en"}
        async with http.post(f"{api}/users", json=body) as response:
            response.raise_for_status()
        # /start: a welcome and the city question; then a word that is no city: one answer.
        steps = (("start", {"payload": "bench"}, 2), ("message", {"text": "hello"}, 3))
        got = 0
        for action, payload, expected in steps:
            async with http.post(f"{api}/users/{user_id}/{action}", json=payload) as response:
                response.raise_for_status()
            got = await bot_messages(user_id, expected)
        return got

    return sum(await asyncio.gather(*(persona(i) for i in ids)))


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
    """Start, warm, measure and stop the app. The personas' candidates stay in the database
    with Telegram ids in the bench's range: the caller removes them (remove_bench_rows)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url or "",
        "BOT_TOKEN": "",
        "BOT_MODE": "polling",
        "TELEGRAM_API_URL": "",
        "ADMIN_HOST": "127.0.0.1",
        "ADMIN_PORT": str(port),
    }
    with tempfile.TemporaryDirectory(prefix="bench-system-app-") as tmp:
        log = Path(tmp) / "app.log"
        with log.open("wb") as out:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-c", RUN_AS_INSTALLED, cwd=ROOT, env=env, stdout=out, stderr=out
            )
        exit_code: int | None = None
        try:
            jar = aiohttp.CookieJar(unsafe=True)  # the panel's cookie on 127.0.0.1
            async with aiohttp.ClientSession(cookie_jar=jar) as http:
                started_at = time.monotonic()
                login, password = await _wait_until_started(process, http, base, log)
                start_seconds = time.monotonic() - started_at
                await asyncio.sleep(IDLE_SECONDS)
                at_start = memory_mb(process.pid)
                floor = await import_floor_mb()
                panel_bytes = await _read_panel(http, base, login, password) if panel else 0
                replies = await _talk_to_the_bot(http, base, telegram_ids(_PERSONAS, personas))
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
            "`python main.py run` in sandbox mode (dispatcher polling the built-in Bot API, "
            f"scheduler, outbox, panel), VmRSS {IDLE_SECONDS:g} s after /health first answered; "
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

    from bench.system_rows import bench_storage, remove_bench_rows, scratch_database
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
                from bench.system_rows import app_settings

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

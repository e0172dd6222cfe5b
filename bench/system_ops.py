"""The system-level rows of `make bench` (issue #8): `python -m bench.system_ops`.

On a migrated database filled with `candidates` candidates:
1. many candidates racing for a few free slots through the booking service (bench.booking_race);
2. bot updates per second through the dispatcher the app builds (bench.bot_updates);
3. a broadcast's send rate against its configured limit (bench.broadcast_rate, on a scratch
   database next to the given one, since it fills its own recipients);
4. the resident memory of `python main.py run` on this database, idle after start, beside a bare
   import floor (bench.app_memory);
5. the bot from outside: `python main.py run` polling a Bot API server over HTTP under a burst
   of new users, against a trivial aiogram bot (bench.bot_outside);
6. the CPU per update in process, the dispatcher the app builds against a trivial aiogram bot
   (bench.bot_cpu, on a scratch database next to the given one);
7. HTTP requests/s and latency of the API and the dashboard beside an SQL floor, when
   bench.http_floor is there (another part of issue 15 adds it; see `http_figures`).

The rows the bench adds (a city, a recruiter, slots, candidates with Telegram ids in
bench.system_rows.BENCH_TELEGRAM_IDS) are removed afterwards."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import importlib.util
import inspect
import json
import platform
import sys
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import structlog

from bench import broadcast_rate
from bench.app_memory import app_memory_figure
from bench.booking_race import booking_race_figure
from bench.bot_cpu import bot_cpu_figure
from bench.bot_outside import bot_outside_figures
from bench.bot_updates import bot_updates_figure, served_app
from bench.harness import Figure, Report
from bench.system_rows import (
    app_settings,
    bench_storage,
    ensure_app_logging,
    forget_sandbox_update_claims,
    is_sqlite,
    quiet_logs,
    remove_bench_rows,
    scratch_database,
)
from core.clock import SystemClock
from core.logging import configure_logging
from core.settings import LogFormat
from domain.demo import seed_demo
from domain.messaging.texts import Catalog
from runtime.sandbox_mode import SANDBOX_BOT_TOKEN
from storage.engine import create_engine
from storage.migrate import upgrade
from storage.uow import UnitOfWorkFactory

SEED_OUTBOX_PER_SECOND = 5.0  # the seed's published outbox ceiling (PRODUCT.md)
SANDBOX_BOT_ID = int(SANDBOX_BOT_TOKEN.split(":", 1)[0])
log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class SystemSizes:
    """How big each measurement is; the defaults are `make bench`'s."""

    attempts: int = 200
    slots: int = 10
    race_rounds: int = 3
    updates: int = 600  # 200 users, three updates each; 2,000 took minutes for the same rate
    update_batch: int = 100
    broadcast_recipients: int = 300
    broadcast_rate: float | None = None  # None: 50/s on SQLite, 25/s on PostgreSQL
    memory: bool = True
    memory_personas: int = 20
    memory_panel: bool = True
    outside: bool = True
    outside_users: int = 1000  # new users in one burst
    outside_spread_seconds: float = 3.0
    cpu: bool = True
    cpu_users: int = 100  # new candidates, five updates each (bench.bot_cpu)
    http: bool = True


async def broadcast_figure(backend: str, database_url: str, recipients: int, rate: float) -> Figure:
    async with scratch_database(database_url, "broadcast") as url:
        result = await broadcast_rate.run(recipients, rate, url)
    percent = 100 * result["ratio"]
    every_one = result["delivered"] == recipients
    return Figure(
        operation="a broadcast's send rate against its configured limit",
        backend=backend,
        project=percent,
        unit="% of limit",
        size=recipients,
        seed_after=100 * min(SEED_OUTBOX_PER_SECOND, rate) / rate,
        target="≥ 95 % of the limit",
        met=percent >= 95 and every_one,
        note=(
            f"bench.broadcast_rate: {recipients} recipients at {rate:g} messages/s through the "
            f"real outbox sender and aiogram's client to the sandbox, achieved "
            f"{result['rate']:.2f}/s in {result['seconds']:.1f} s, "
            f"{'each delivered exactly once' if every_one else 'NOT each delivered once'}; "
            "on a scratch database of its own (it fills its recipients), the in-process cache. "
            f"vs seed: its outbox sent at most {SEED_OUTBOX_PER_SECOND:g} messages/s."
        ),
        extra=dict(result),
    )


async def system_figures(
    backend: str,
    database_url: str,
    redis_url: str | None,
    candidates: int,
    *,
    sizes: SystemSizes | None = None,
) -> list[Figure]:
    """The system-level figures on a migrated, filled database; it is left as it was found."""
    sizes = sizes or SystemSizes()
    ensure_app_logging()
    # The process's capacity is measured, not Telegram's pace (the sandbox's limits are off too).
    settings = app_settings(
        database_url, redis_url, bot_send_rate_per_second=1000, bot_chat_interval_seconds=0
    )
    figures: list[Figure] = []
    try:
        async with served_app(settings) as app:
            await remove_bench_rows(app.uow_factory)  # left by an interrupted run
            try:
                with quiet_logs():
                    race = booking_race_figure(
                        app.uow_factory,
                        app.messaging,
                        backend=backend,
                        database_url=database_url,
                        size=candidates,
                        attempts=sizes.attempts,
                        slots=sizes.slots,
                        rounds=sizes.race_rounds,
                    )
                    await _add(figures, "booking race", race)
                    updates = bot_updates_figure(
                        app,
                        backend=backend,
                        size=candidates,
                        updates=sizes.updates,
                        batch=sizes.update_batch,
                    )
                    await _add(figures, "bot updates", updates)
            finally:
                await remove_bench_rows(app.uow_factory)
        rate = sizes.broadcast_rate or (50.0 if is_sqlite(database_url) else 25.0)
        broadcast = broadcast_figure(backend, database_url, sizes.broadcast_recipients, rate)
        await _add(figures, "broadcast", broadcast)
        if sizes.memory:
            memory = app_memory_figure(
                backend=backend,
                database_url=database_url,
                redis_url=redis_url,
                size=candidates,
                personas=sizes.memory_personas,
                panel=sizes.memory_panel,
            )
            try:
                await _add(figures, "memory", memory)
            finally:
                async with bench_storage(settings) as uows:
                    await remove_bench_rows(uows)
        if sizes.outside:
            try:
                await _add_all(
                    figures,
                    "bot from outside",
                    bot_outside_figures(
                        backend,
                        database_url,
                        redis_url is not None,
                        candidates,
                        users=sizes.outside_users,
                        spread=sizes.outside_spread_seconds,
                    ),
                )
            finally:
                async with bench_storage(settings) as uows:
                    await remove_bench_rows(uows)
        if sizes.cpu:
            cpu = bot_cpu_figure(backend, database_url, redis_url, None, users=sizes.cpu_users)
            await _add(figures, "bot cpu", cpu)
        if sizes.http:
            await _add_all(
                figures, "http", http_figures(backend, database_url, redis_url, candidates)
            )
    finally:
        await forget_sandbox_update_claims(redis_url, SANDBOX_BOT_ID)
    return figures


async def http_figures(
    backend: str, database_url: str, redis_url: str | None, candidates: int
) -> list[Figure]:
    """The hook for the HTTP rows: `bench.http_floor.http_figures(backend, database_url,
    redis_url, candidates)` returning Figures (API and dashboard requests/s and latency, each
    with its SQL floor), sync or async; nothing while that module is absent."""
    try:
        module = importlib.import_module("bench.http_floor")
    except ImportError:
        log.info("bench.http_floor_absent")
        return []
    measure = getattr(module, "http_figures", None)
    if measure is None:
        log.warning("bench.http_floor_has_no_http_figures")
        return []
    found = measure(backend, database_url, redis_url, candidates)
    if inspect.isawaitable(found):
        found = await found
    return list(found)


async def _add_all(figures: list[Figure], what: str, measuring: Awaitable[list[Figure]]) -> None:
    started = time.perf_counter()
    try:
        figures.extend(await measuring)
    except Exception as exc:  # one failed measurement must not cost the others
        log.warning("bench.figure_failed", figure=what, error=repr(exc))
    finally:
        _took(what, started)


async def _add(figures: list[Figure], what: str, measuring: Awaitable[Figure]) -> None:
    started = time.perf_counter()
    try:
        figures.append(await measuring)
    except Exception as exc:  # one failed measurement must not cost the others
        log.warning("bench.figure_failed", figure=what, error=repr(exc))
    finally:
        _took(what, started)


def _took(what: str, started: float) -> None:
    """Where `make bench`'s time goes, on its progress output (stderr)."""
    print(f"    {what}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)


async def _fill_if_empty(database_url: str, redis_url: str | None, candidates: int) -> int:
    """Migrate, and fill an empty database: with bench.dataset when it is there, else with the
    demo rows and plain candidates. The number of candidates the database holds."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        async with bench_storage(app_settings(database_url, redis_url)) as uows:
            async with uows() as uow:
                if held := await uow.candidates.count():
                    return held
                no_cities = not await uow.cities.count()
            if no_cities and importlib.util.find_spec("bench.dataset") is not None:
                dataset = importlib.import_module("bench.dataset")
                info = await dataset.fill(engine, candidates)
                return int(info.candidates)
            await _demo_and_candidates(uows, candidates)
            return candidates
    finally:
        await engine.dispose()


async def _demo_and_candidates(uows: UnitOfWorkFactory, candidates: int) -> None:
    async with uows() as uow:
        await seed_demo(uow, Catalog.load("en"), SystemClock())
    now = datetime.now(UTC)
    for start in range(0, candidates, 5000):
        rows = [
            {
                "telegram_id": 1_000_000 + i,
                "full_name": f"Candidate {i}",
                "username": f"candidate{i}",
                "locale": "ru",
                "created_at": now,
                "updated_at": now,
            }
            for i in range(start, min(candidates, start + 5000))
        ]
        async with uows() as uow:
            await uow.candidates.insert_many(rows)
            await uow.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a migrated, filled database")
    parser.add_argument("--redis-url", default="", help="Redis for the cache and FSM (optional)")
    parser.add_argument(
        "--candidates", type=int, default=10_000, help="how many to fill an EMPTY database with"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    configure_logging("WARNING", LogFormat.CONSOLE)
    redis_url = args.redis_url or None

    async def measure() -> list[Figure]:
        held = await _fill_if_empty(args.database_url, redis_url, args.candidates)
        if is_sqlite(args.database_url):
            backend = "sqlite"
        else:
            backend = "postgres+redis" if redis_url else "postgres"
        return await system_figures(backend, args.database_url, redis_url, held)

    report = Report(machine=f"{platform.node()} {platform.machine()} {platform.python_version()}")
    report.add(*asyncio.run(measure()))
    print(report.table())
    for figure in report.figures:
        print(f"\n{figure.operation} ({figure.backend}): {figure.note}")
        print(json.dumps(figure.extra, default=str))
    if args.json:
        report.write_json(args.json)


if __name__ == "__main__":
    main()

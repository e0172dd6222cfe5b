"""`python -m bench` (`make bench`): every figure of issue #8 in one table.

For each size (candidates) and each backend — SQLite with the in-process cache always,
PostgreSQL with Redis when both answer — a fresh database is filled by bench.dataset and the
storage figures are measured (bench.storage_ops); at the largest size the system figures too
(bench.system_ops, when present). Prints the machine and one Markdown table of the largest size,
and writes bench/results/latest.json (every size), latest.md (machine, table, growth with data
size, unmet targets) and latency_vs_size.png. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import json
import math
import os
import platform
import sqlite3
import sys
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from redis import asyncio as aioredis
from sqlalchemy.engine import make_url

from bench.dataset import fill_url, remove_sqlite_file
from bench.harness import Figure, Report
from bench.storage_ops import storage_figures

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
DATA = HERE / "data"
DEFAULT_SIZES = (1_000, 10_000, 100_000)
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
VS_SEED = (
    'how many times better than the figure the seed published (its "after" numbers); '
    "a comparison with published figures, not with the seed's code, which the bench does not run."
)
# Reads served by an index (or the cache): their latency should grow at most logarithmically.
INDEXED = (
    "cached single read",
    "ten repeated reads",
    "list of 100 slots with recruiter and city",
    "batch insert of 100 slots",
    "cache hit",
)


_STARTED = time.monotonic()


def say(text: str) -> None:
    """Progress on stderr, with the time since the run began (mm:ss)."""
    elapsed = int(time.monotonic() - _STARTED)
    print(f"[{elapsed // 60:02d}:{elapsed % 60:02d}] {text}", file=sys.stderr, flush=True)


@dataclass
class Backend:
    name: str
    redis_url: str | None
    postgres_admin_url: str | None = None  # where databases are created and dropped


@dataclass
class Run:
    machine: str
    sizes: list[int]
    figures: list[Figure] = field(default_factory=list)
    system: list[Figure] = field(default_factory=list)  # at the largest size, whatever their own
    datasets: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# -- the machine -------------------------------------------------------------------------


def _cpu() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} logical CPUs"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
    except OSError:
        pass
    return "RAM unknown"


def _os() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return f"{line.split('=', 1)[1].strip(chr(34))}, kernel {platform.release()}"
    except OSError:
        pass
    return platform.platform()


def describe_machine(postgres: str | None, redis: str | None) -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        f"CPU: {_cpu()}",
        f"Memory: {_memory()}",
        f"OS: {_os()}",
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"PostgreSQL {postgres or '—'}, Redis {redis or '—'}",
        f"Load average at start: {load}",
    ]
    return "\n".join(lines)


# -- the services ------------------------------------------------------------------------


async def probe_postgres(url: str) -> str:
    conn = await asyncio.wait_for(asyncpg.connect(url), 3)
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


async def probe_redis(url: str) -> str:
    client = aioredis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        info = await client.info("server")
        return str(info.get("redis_version", "?"))
    finally:
        await client.aclose()


@asynccontextmanager
async def fresh_database(backend: Backend, size: int) -> AsyncIterator[str]:
    """A new empty database for one size: a SQLite file, or a PostgreSQL database of our own."""
    if backend.postgres_admin_url is None:
        path = DATA / f"bench-{size}-{uuid.uuid4().hex[:6]}.db"
        try:
            yield f"sqlite+aiosqlite:///{path}"
        finally:
            remove_sqlite_file(path)
        return
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(backend.postgres_admin_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = make_url(backend.postgres_admin_url)
        yield url.set(drivername="postgresql+asyncpg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def system_figures(backend: Backend, url: str, size: int) -> list[Figure]:
    """Another engineer's module; the runner works without it."""
    try:
        module = importlib.import_module("bench.system_ops")
    except ImportError as exc:
        say(f"system figures: skipped (bench.system_ops not importable: {exc})")
        return []
    try:
        figures = module.system_figures
        if inspect.iscoroutinefunction(figures):
            return list(await figures(backend.name, url, backend.redis_url, size))
        return list(await asyncio.to_thread(figures, backend.name, url, backend.redis_url, size))
    except Exception as exc:
        say(f"system figures on {backend.name}: failed ({type(exc).__name__}: {exc})")
        return []


# -- the run -----------------------------------------------------------------------------


async def measure_backend(
    run: Run, backend: Backend, size: int, *, system: bool, quick: bool, seed: int
) -> None:
    async with fresh_database(backend, size) as url:
        say(f"{backend.name}, {size:,} candidates: filling …")
        info = await fill_url(url, size, seed)
        say(f"  filled in {info.seconds:.1f} s ({sum(info.rows.values()):,} rows); measuring …")
        run.datasets.append(
            {
                "backend": backend.name,
                "candidates": size,
                "seconds": info.seconds,
                "rows": sum(info.rows.values()),
                "tables": info.rows,
            }
        )
        started = time.perf_counter()
        run.figures.extend(
            await storage_figures(backend.name, url, backend.redis_url, info, quick=quick)
        )
        say(f"  storage figures in {time.perf_counter() - started:.0f} s")
        if system:
            say(f"  system figures on {backend.name} …")
            found = await system_figures(backend, url, size)
            run.figures.extend(found)
            run.system.extend(found)


def growth(run: Run) -> list[dict[str, Any]]:
    """How each latency grows from the smallest size to the largest, against log growth."""
    if len(run.sizes) < 2:
        return []
    low, high = run.sizes[0], run.sizes[-1]
    bound = math.log(high) / math.log(low) if low > 1 else math.inf
    rows = []
    seen: dict[tuple[str, str], dict[int, float]] = {}
    for f in run.figures:
        if f.unit == "ms" and f.size is not None:
            seen.setdefault((f.operation, f.backend), {})[f.size] = f.project
    for (operation, backend), by_size in seen.items():
        if low not in by_size or high not in by_size:
            continue
        ratio = by_size[high] / by_size[low] if by_size[low] else math.inf
        indexed = operation in INDEXED
        rows.append(
            {
                "operation": operation,
                "backend": backend,
                "ms_by_size": {str(k): v for k, v in sorted(by_size.items())},
                "growth": ratio,
                "log_bound": bound,
                "indexed": indexed,
                "met": ratio <= bound if indexed else None,
            }
        )
    return rows


def growth_table(rows: Sequence[dict[str, Any]], sizes: Sequence[int]) -> str:
    head = " | ".join(f"{s:,}" for s in sizes)
    lines = [
        f"| operation | backend | {head} | growth | log bound | met |",
        "|---|---|" + "---|" * len(sizes) + "---|---|---|",
    ]
    for r in rows:
        cells = " | ".join(
            f"{r['ms_by_size'][str(s)]:.3g}" if str(s) in r["ms_by_size"] else "—" for s in sizes
        )
        met = "—" if r["met"] is None else ("yes" if r["met"] else "**no**")
        bound = f"{r['log_bound']:.2f}×" if r["indexed"] else "n/a: reads every match"
        lines.append(
            f"| {r['operation']} | {r['backend']} | {cells} | {r['growth']:.2f}× | {bound} "
            f"| {met} |"
        )
    return "\n".join(lines)


def unmet(figures: Sequence[Figure], rows: Sequence[dict[str, Any]]) -> list[str]:
    def why(f: Figure) -> str:
        return "; ".join(f.extra.get("missed") or []) or f.note or "not reached"

    lines = [
        f"- {f.operation} ({f.backend}): target {f.target} — {why(f)}"
        for f in figures
        if f.met is False
    ]
    lines += [
        f"- {r['operation']} ({r['backend']}) grew {r['growth']:.2f}× from the smallest size "
        f"to the largest; logarithmic growth allows {r['log_bound']:.2f}×"
        for r in rows
        if r["met"] is False
    ]
    return lines


def plot(run: Run, path: Path) -> None:
    """One panel per backend, one line per operation (the same colour in both panels)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series: dict[str, dict[str, list[tuple[int, float]]]] = {}
    system = {id(f) for f in run.system}  # measured at one size only
    for f in run.figures:
        if f.unit == "ms" and f.size is not None and id(f) not in system:
            series.setdefault(f.backend, {}).setdefault(f.operation, []).append((f.size, f.project))
    operations = sorted({op for by_op in series.values() for op in by_op})
    colours = plt.get_cmap("tab10")
    backends = sorted(series, key=lambda b: b != "sqlite")
    fig, axes = plt.subplots(
        1, max(1, len(backends)), figsize=(13, 6.5), sharey=True, squeeze=False
    )
    for ax, backend in zip(axes[0], backends, strict=False):
        for operation, points in sorted(series[backend].items()):
            points.sort()
            ax.plot(
                [x for x, _ in points],
                [y for _, y in points],
                marker="o",
                color=colours(operations.index(operation) % 10),
                label=operation,
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(run.sizes, [f"{s:,}" for s in run.sizes])
        ax.minorticks_off()
        ax.set_xlabel("candidates in the database")
        ax.set_title(backend)
        ax.grid(True, alpha=0.3)
    axes[0][0].set_ylabel("median latency, ms (log scale)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=9)
    fig.suptitle("Latency against data size: the project's code path")
    fig.tight_layout(rect=(0, 0.14, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_results(run: Run, out: Path) -> Report:
    largest = run.sizes[-1]
    report = Report(run.machine)
    system = {id(f) for f in run.system}  # e.g. a broadcast's size is its recipients
    report.add(*(f for f in run.figures if f.size in (None, largest) or id(f) in system))
    rows = growth(run)
    out.mkdir(parents=True, exist_ok=True)
    payload = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": run.machine,
        "sizes": run.sizes,
        "figures": [asdict(f) for f in run.figures],
        "growth": rows,
        "datasets": run.datasets,
        "notes": run.notes,
    }
    (out / "latest.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
    plot(run, out / "latency_vs_size.png")
    misses = unmet(report.figures, rows)
    fills = "\n".join(
        f"- {d['backend']}, {d['candidates']:,} candidates: {d['seconds']:.1f} s, "
        f"{d['rows']:,} rows"
        for d in run.datasets
    )
    md = [
        "# Benchmarks: the latest run",
        "",
        f"`make bench` (`python -m bench --sizes {','.join(map(str, run.sizes))}`), "
        f"{payload['generated_at']}.",
        "",
        "```",
        run.machine,
        "```",
        "",
        f"## At {largest:,} candidates",
        "",
        "Latencies are medians in ms. *naive*: uncached, N+1, row by row or filtered in "
        "Python (the note says which); *raw driver*: the floor: sqlite3 or asyncpg doing the "
        "same work, a trivial aiogram bot for the bot, a bare import for memory; "
        f"*vs seed*: {VS_SEED}",
        "",
        report.table(),
        "",
        "## Growth with data size",
        "",
        growth_table(rows, run.sizes),
        "",
        "![latency against data size](latency_vs_size.png)",
        "",
        "## Targets not met",
        "",
        "\n".join(misses) if misses else "None.",
        "",
        "## Datasets",
        "",
        fills,
        "",
    ]
    if run.notes:
        md += ["## Notes", "", *(f"- {n}" for n in run.notes), ""]
    notes_by_figure = [f"- {f.operation} ({f.backend}): {f.note}" for f in report.figures if f.note]
    md += ["## What each figure measures", "", *notes_by_figure, ""]
    (out / "latest.md").write_text("\n".join(md))
    return report


async def main_async(args: argparse.Namespace) -> int:
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    DATA.mkdir(parents=True, exist_ok=True)
    postgres_url = args.postgres_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    backends = [Backend("sqlite", None)]
    notes = []
    pg_version = redis_version = None
    if args.skip_postgres:
        notes.append("postgres+redis: skipped (--skip-postgres)")
    else:
        try:
            pg_version = await probe_postgres(postgres_url)
            redis_version = await probe_redis(args.redis_url)
            backends.append(Backend("postgres+redis", args.redis_url, postgres_url))
        except Exception as exc:
            what = "Redis" if pg_version else "PostgreSQL"
            notes.append(f"postgres+redis: skipped ({what} not reachable: {exc!r})")
    run = Run(describe_machine(pg_version, redis_version), sizes, notes=notes)
    for note in notes:
        say(note)
    for size in sizes:
        for backend in backends:
            await measure_backend(
                run,
                backend,
                size,
                system=size == sizes[-1] and not args.skip_system,
                quick=args.quick,
                seed=args.seed,
            )
    minutes = (time.monotonic() - _STARTED) / 60
    say(f"measured in {minutes:.1f} min")
    run.notes.append(f"the run took {minutes:.1f} minutes (`make bench`, its defaults)")
    report = write_results(run, Path(args.out))
    print(run.machine)
    print()
    for note in notes:
        print(note)
    print(f"vs seed: {VS_SEED}")
    print(report.table())
    print()
    print(f"written: {Path(args.out) / 'latest.json'}, latest.md, latency_vs_size.png")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--skip-system", action="store_true", help="storage figures only (no bench.system_ops)"
    )
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="where to create databases")
    parser.add_argument("--redis-url", default=REDIS_URL)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args(argv)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())

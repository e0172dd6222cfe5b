"""The panel's and the API's reads against their SQL floor: `python -m bench.http_floor`.

On a filled database (bench.dataset; PostgreSQL at 100,000 candidates is what issue 15 asks
about), the whole application as main.py builds it serves HTTP on a local port, in this process.
For the dashboard (`GET /`, an admin's session), the candidate list (`GET /api/v1/candidates`),
a search by name (`?q=`) and a recruiter's slot list (`GET /api/v1/slots`, 100 rows), it measures:

- the project: `--connections` clients (default 4) asking in a loop for `--seconds`, through
  aiohttp's client; requests/s and the median latency;
- the floor: the same number of raw asyncpg connections replaying, one transaction per request,
  the SELECTs that one warm request of that kind sent to the database (captured from the
  engine, parameters and all); requests/s and the median latency.

The two take turns in five short rounds each, so load from elsewhere on the machine falls on
both alike.
The ratio (project ÷ floor, requests/s) is measured in the same run, so it means something on a
busy machine where the absolute figures do not. The account and token it uses are its own
(`bench-http`), kept for the next run."""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp
import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

from bench.bot_updates import served_app
from bench.storage_ops import captured
from bench.system_rows import app_settings, ensure_app_logging, quiet_logs
from core.enums import AdminRole
from core.result import Success
from domain.organisation.accounts import create_admin
from domain.organisation.api_tokens import issue_api_token
from runtime.container import Application
from storage.engine import create_engine
from storage.migrate import upgrade

LOGIN = "bench-http"
PASSWORD = "bench-http password, not a secret"
ROUNDS = 5  # project and floor take turns this many times per measurement
SEARCHED = "щербаков"  # a surname of the dataset's: a few hundred of 100,000 match


@dataclass(frozen=True)
class Rate:
    requests: int
    seconds: float
    latencies_ms: list[float]
    cpu_seconds: float  # this process's CPU (app, client and driver alike) over the loop

    @property
    def cpu_ms(self) -> float:
        """CPU per request: unlike requests/s, it hardly moves with the machine's load."""
        return self.cpu_seconds * 1000 / self.requests

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms)


@dataclass(frozen=True)
class Row:
    what: str
    path: str
    project: Rate
    floor: Rate
    statements: int

    @property
    def ratio(self) -> float:
        return self.project.per_second / self.floor.per_second


async def loop_for(seconds: float, workers: int, once: Callable[[int], Awaitable[None]]) -> Rate:
    """`workers` loops calling `once(worker)` until `seconds` have passed."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker(n: int) -> None:
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            await once(n)
            latencies.append((time.perf_counter() - start) * 1000)

    began, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker(n) for n in range(workers)))
    return Rate(len(latencies), time.perf_counter() - began, latencies, time.process_time() - cpu)


def asyncpg_dsn(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(False)


async def _account(app: Application) -> str:
    """The bench's admin account (made on the first run) and a new API token of it."""
    async with app.uow_factory() as uow:
        user = await uow.admin_users.get_by_login(LOGIN)
        if user is None:
            user = await create_admin(uow, LOGIN, PASSWORD, AdminRole.ADMIN)
        issued = await issue_api_token(uow, user.id, "bench", actor="bench", admin_user_id=None)
    assert isinstance(issued, Success)
    return issued.value


async def _login(session: aiohttp.ClientSession, base: str) -> None:
    form = await (await session.get(f"{base}/login")).text()
    found = re.search(r'name="csrf" value="([^"]+)"', form)
    assert found, "no CSRF field on the login form"
    data = {"login": LOGIN, "password": PASSWORD, "csrf": found.group(1)}
    answer = await session.post(f"{base}/login", data=data, allow_redirects=False)
    assert answer.status == 303, f"login answered {answer.status}"


async def _busiest_recruiter(dsn: str, start: datetime, end: datetime) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        found = await conn.fetchval(
            "SELECT recruiter_id FROM slots WHERE starts_at >= $1 AND starts_at < $2 "
            "GROUP BY recruiter_id ORDER BY count(*) DESC LIMIT 1",
            start,
            end,
        )
    finally:
        await conn.close()
    return int(found)


async def _measure(
    app: Application,
    pool: Sequence[asyncpg.Connection],
    client: aiohttp.ClientSession,
    what: str,
    path: str,
    headers: dict[str, str],
    seconds: float,
) -> Row:
    url = app.base_url + path

    async def ask(_worker: int) -> None:
        async with client.get(url, headers=headers) as answer:
            await answer.read()
            assert answer.status == 200, f"{path}: {answer.status}"

    for _ in range(3):  # warm: caches filled, statements prepared
        await ask(0)
    with captured(app.engine) as statements:
        await ask(0)

    async def replay(worker: int) -> None:
        conn = pool[worker]
        async with conn.transaction():
            for s in statements:
                await conn.fetch(s.sql, *s.params)

    for n in range(len(pool)):
        await replay(n)
    # Alternating short rounds, so a neighbour's load falls on both sides alike.
    projects, floors = [], []
    for _ in range(ROUNDS):
        projects.append(await loop_for(seconds / ROUNDS, len(pool), ask))
        floors.append(await loop_for(seconds / ROUNDS, len(pool), replay))
    return Row(what, path, _joined(projects), _joined(floors), len(statements))


def _joined(rates: Sequence[Rate]) -> Rate:
    return Rate(
        sum(r.requests for r in rates),
        sum(r.seconds for r in rates),
        [ms for r in rates for ms in r.latencies_ms],
        sum(r.cpu_seconds for r in rates),
    )


async def measure(
    database_url: str, redis_url: str | None, *, connections: int = 4, seconds: float = 5.0
) -> list[Row]:
    ensure_app_logging()
    engine = create_engine(database_url)
    try:
        await upgrade(engine)  # the indexes of this code's migrations
    finally:
        await engine.dispose()
    now = datetime.now(UTC)
    start, end = now - timedelta(days=14), now + timedelta(days=14)
    dsn = asyncpg_dsn(database_url)
    recruiter = await _busiest_recruiter(dsn, start, end)
    window = f"starts_from={start:%Y-%m-%dT%H:%M:%SZ}&starts_to={end:%Y-%m-%dT%H:%M:%SZ}"
    asked = [
        ("dashboard", "/", "session"),
        ("candidate list", "/api/v1/candidates?limit=50", "token"),
        ("search by name", f"/api/v1/candidates?limit=50&q={SEARCHED}", "token"),
        ("slot list (100)", f"/api/v1/slots?recruiter_id={recruiter}&limit=100&{window}", "token"),
    ]
    rows: list[Row] = []
    async with served_app(app_settings(database_url, redis_url)) as app:
        token = await _account(app)
        pool = [await asyncpg.connect(dsn) for _ in range(connections)]
        connector = aiohttp.TCPConnector(limit=connections)
        try:
            jar = aiohttp.CookieJar(unsafe=True)  # the app listens on an IP address
            async with aiohttp.ClientSession(connector=connector, cookie_jar=jar) as client:
                await _login(client, app.base_url)
                with quiet_logs():
                    for what, path, auth in asked:
                        headers = {"Authorization": f"Bearer {token}"} if auth == "token" else {}
                        rows.append(await _measure(app, pool, client, what, path, headers, seconds))
        finally:
            for conn in pool:
                await conn.close()
    return rows


def table(rows: Sequence[Row], connections: int) -> str:
    lines = [
        f"{connections} connections; requests/s and median ms; floor: asyncpg replaying the "
        "request's own SELECTs in one transaction",
        "| request | project req/s | project median ms | floor req/s | floor median ms "
        "| statements | project ÷ floor | CPU ms/request project | floor |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.what} | {r.project.per_second:,.0f} | {r.project.median_ms:.1f} "
            f"| {r.floor.per_second:,.0f} | {r.floor.median_ms:.1f} | {r.statements} "
            f"| {r.ratio:.2f} | {r.project.cpu_ms:.2f} | {r.floor.cpu_ms:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a filled PostgreSQL database")
    parser.add_argument("--redis-url", default="", help="Redis for the cache (optional)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0, help="per measurement")
    args = parser.parse_args()
    rows = asyncio.run(
        measure(
            args.database_url,
            args.redis_url or None,
            connections=args.connections,
            seconds=args.seconds,
        )
    )
    print(table(rows, args.connections))


if __name__ == "__main__":
    main()

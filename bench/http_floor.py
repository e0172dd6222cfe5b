"""The panel's and the API's reads against their SQL floor: `python -m bench.http_floor`.

On a filled database (bench.dataset; PostgreSQL at 100,000 candidates is what issue 15 asks
about), the whole application as main.py builds it serves HTTP on a local port, in this process.
For the dashboard (`GET /`, an admin's session), the candidate list (`GET /api/v1/candidates`),
a search by name (`?q=`) and a recruiter's slot list (`GET /api/v1/slots`, 100 rows), it measures:

- the project: `--connections` clients (default 4) asking in a loop for `--seconds`, through
  aiohttp's client; requests/s and the median latency;
- the SQL floor: the same number of raw asyncpg connections replaying, one transaction per
  request, the SELECTs that one warm request of that kind sent to the database (captured from
  the engine, parameters and all); requests/s and the median latency;
- the HTTP floor: a bare aiohttp server in this process (no middleware, no session, no ORM)
  whose one handler takes a connection from an asyncpg pool of the same size, replays those
  SELECTs in one transaction and answers the very bytes the project answered (same size, same
  content type, nothing serialised), asked by the same client the same way: what an HTTP
  request costs at the least in Python, the database's work included.

The three take turns in five short rounds each, so load from elsewhere on the machine falls on
all alike. The ratios (project ÷ floor, requests/s) are measured in the same run, so they mean
something on a busy machine where the absolute figures do not; so does the CPU per request
(this process's: the client's share is in all three alike). The account and token it uses are
its own (`bench-http`), kept for the next run. `http_figures` gives `make bench` its rows."""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp
import asyncpg  # type: ignore[import-untyped]
from aiohttp import web
from sqlalchemy.engine import make_url

from bench.bot_updates import served_app
from bench.harness import Figure
from bench.storage_ops import Statement, captured
from bench.system_rows import app_settings, ensure_app_logging, is_sqlite, quiet_logs
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
    floor: Rate  # the SQL floor: asyncpg alone
    http_floor: Rate  # a bare aiohttp server running the same SQL through asyncpg
    statements: int
    body_bytes: int

    @property
    def ratio(self) -> float:
        return self.project.per_second / self.floor.per_second

    @property
    def http_ratio(self) -> float:
        return self.project.per_second / self.http_floor.per_second


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


@dataclass
class Answer:
    """What the project answered to one request: the HTTP floor answers the same bytes."""

    body: bytes = b""
    content_type: str = "application/octet-stream"
    statements: Sequence[Statement] = ()


class HttpFloor:
    """A bare aiohttp server: no middleware, no session, no ORM, no serialising. Its handler
    takes a connection from an asyncpg pool, replays the statements the project sent for that
    request in one transaction and answers the project's own bytes."""

    def __init__(self, dsn: str, connections: int) -> None:
        self._dsn = dsn
        self._connections = connections
        self.answers: dict[str, Answer] = {}
        self.base_url = ""

    async def _handle(self, request: web.Request) -> web.Response:
        answer = self.answers[request.match_info["what"]]
        async with self._pool.acquire() as conn, conn.transaction():
            for s in answer.statements:
                await conn.fetch(s.sql, *s.params)
        return web.Response(body=answer.body, content_type=answer.content_type)

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[HttpFloor]:
        self._pool = await asyncpg.create_pool(
            self._dsn, min_size=self._connections, max_size=self._connections
        )
        app = web.Application()
        app.router.add_get("/{what}", self._handle)
        runner = web.AppRunner(app, handle_signals=False, access_log=None)  # as served_app
        await runner.setup()
        try:
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            self.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
            yield self
        finally:
            await runner.cleanup()
            await self._pool.close()


async def _measure(
    app: Application,
    pool: Sequence[asyncpg.Connection],
    floor: HttpFloor,
    client: aiohttp.ClientSession,
    what: str,
    path: str,
    headers: dict[str, str],
    seconds: float,
) -> Row:
    url = app.base_url + path
    seen = floor.answers[str(len(floor.answers))] = Answer()
    floor_url = f"{floor.base_url}/{len(floor.answers) - 1}"

    async def ask(_worker: int) -> None:
        async with client.get(url, headers=headers) as answer:
            seen.body = await answer.read()
            seen.content_type = answer.content_type
            assert answer.status == 200, f"{path}: {answer.status}"

    for _ in range(3):  # warm: caches filled, statements prepared
        await ask(0)
    with captured(app.engine) as statements:
        await ask(0)
    seen.statements = statements

    async def replay(worker: int) -> None:
        conn = pool[worker]
        async with conn.transaction():
            for s in statements:
                await conn.fetch(s.sql, *s.params)

    async def ask_floor(_worker: int) -> None:
        # The same client, headers and cookies as the project's requests.
        async with client.get(floor_url, headers=headers) as answer:
            await answer.read()
            assert answer.status == 200, f"HTTP floor of {path}: {answer.status}"

    for n in range(len(pool)):
        await replay(n)
        await ask_floor(n)
    # Alternating short rounds, so a neighbour's load falls on every side alike.
    projects, floors, http_floors = [], [], []
    for _ in range(ROUNDS):
        projects.append(await loop_for(seconds / ROUNDS, len(pool), ask))
        http_floors.append(await loop_for(seconds / ROUNDS, len(pool), ask_floor))
        floors.append(await loop_for(seconds / ROUNDS, len(pool), replay))
    return Row(
        what,
        path,
        _joined(projects),
        _joined(floors),
        _joined(http_floors),
        len(statements),
        len(seen.body),
    )


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
    async with (
        served_app(app_settings(database_url, redis_url)) as app,
        HttpFloor(dsn, connections).serving() as floor,
    ):
        token = await _account(app)
        pool = [await asyncpg.connect(dsn) for _ in range(connections)]
        # Project and HTTP floor each get `connections` connections of the client's.
        connector = aiohttp.TCPConnector(limit=2 * connections)
        try:
            jar = aiohttp.CookieJar(unsafe=True)  # the app listens on an IP address
            async with aiohttp.ClientSession(connector=connector, cookie_jar=jar) as client:
                await _login(client, app.base_url)
                with quiet_logs():
                    for what, path, auth in asked:
                        headers = {"Authorization": f"Bearer {token}"} if auth == "token" else {}
                        rows.append(
                            await _measure(app, pool, floor, client, what, path, headers, seconds)
                        )
        finally:
            for conn in pool:
                await conn.close()
    return rows


def table(rows: Sequence[Row], connections: int) -> str:
    lines = [
        f"{connections} connections; requests/s, median ms and this process's CPU ms per "
        "request. SQL floor: asyncpg replaying the request's own SELECTs in one transaction; "
        "HTTP floor: a bare aiohttp server doing the same and answering the same bytes",
        "| request | statements | bytes | project req/s | median ms | CPU ms "
        "| HTTP floor req/s | median ms | CPU ms | SQL floor req/s | median ms | CPU ms "
        "| ÷ HTTP floor | ÷ SQL floor |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.what} | {r.statements} | {r.body_bytes:,} "
            + "".join(
                f"| {rate.per_second:,.0f} | {rate.median_ms:.1f} | {rate.cpu_ms:.2f} "
                for rate in (r.project, r.http_floor, r.floor)
            )
            + f"| {r.http_ratio:.2f} | {r.ratio:.2f} |"
        )
    return "\n".join(lines)


DASHBOARD_MEDIAN_MS = 50.0  # issue 15: the dashboard's median under this
TARGETS = {"candidate list": 0.8, "slot list (100)": 0.5}  # project ÷ SQL floor, requests/s


def figures(rows: Sequence[Row], backend: str, candidates: int, connections: int) -> list[Figure]:
    """`make bench`'s rows: per request kind, the project against the SQL floor (with issue
    15's target where it sets one) and against the HTTP floor (no target: it says how much of
    the gap is Python's HTTP itself)."""
    found: list[Figure] = []
    for r in rows:
        common = (
            f"bench.http_floor: {connections} clients in a loop for {r.project.seconds:.0f} s, "
            f"{r.statements} SQL statements and {r.body_bytes:,} bytes per answer; "
            f"CPU per request in this process: project {r.project.cpu_ms:.2f} ms, HTTP floor "
            f"{r.http_floor.cpu_ms:.2f} ms, SQL floor {r.floor.cpu_ms:.2f} ms; median latency: "
            f"project {r.project.median_ms:.1f} ms, HTTP floor {r.http_floor.median_ms:.1f} ms, "
            f"SQL floor {r.floor.median_ms:.1f} ms"
        )
        extra = {
            "path": r.path,
            "statements": r.statements,
            "body_bytes": r.body_bytes,
            **{
                f"{side}_{key}": value
                for side, rate in (
                    ("project", r.project),
                    ("http_floor", r.http_floor),
                    ("sql_floor", r.floor),
                )
                for key, value in (
                    ("per_second", rate.per_second),
                    ("median_ms", rate.median_ms),
                    ("cpu_ms", rate.cpu_ms),
                )
            },
        }
        if r.what == "dashboard":
            found.append(
                Figure(
                    operation="dashboard over HTTP, median latency",
                    backend=backend,
                    project=r.project.median_ms,
                    unit="ms",
                    floor=r.floor.median_ms,
                    size=candidates,
                    target=f"median < {DASHBOARD_MEDIAN_MS:g} ms",
                    met=r.project.median_ms < DASHBOARD_MEDIAN_MS,
                    note=common,
                    extra=extra,
                )
            )
        wanted = TARGETS.get(r.what)
        found.append(
            Figure(
                operation=f"{r.what} over HTTP (SQL floor)",
                backend=backend,
                project=r.project.per_second,
                unit="requests/s",
                floor=r.floor.per_second,
                size=candidates,
                target="" if wanted is None else f"≥ {wanted:g} of the SQL floor",
                met=None if wanted is None else r.ratio >= wanted,
                note=f"{common}; project ÷ SQL floor {r.ratio:.2f}",
                extra=extra,
            )
        )
        found.append(
            Figure(
                operation=f"{r.what} over HTTP (HTTP floor)",
                backend=backend,
                project=r.project.per_second,
                unit="requests/s",
                floor=r.http_floor.per_second,
                size=candidates,
                note=f"{common}; project ÷ HTTP floor {r.http_ratio:.2f}",
                extra=extra,
            )
        )
    return found


async def http_figures(
    backend: str,
    database_url: str,
    redis_url: str | None,
    candidates: int,
    *,
    connections: int = 4,
    seconds: float = 5.0,
) -> list[Figure]:
    """The HTTP rows of `make bench` (bench.system_ops calls this). The floors are asyncpg's:
    on SQLite there are none, and no rows."""
    if is_sqlite(database_url):
        return []
    rows = await measure(database_url, redis_url, connections=connections, seconds=seconds)
    return figures(rows, backend, candidates, connections)


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

"""`python -m bench.login_burst [--logins 36]`: does a burst of sign-ins stall the event loop?

Issue 16, item 3: 36 unauthenticated sign-ins pushed `/health` to 1.8 s, since argon2 ran on
the event loop. This starts the admin app (SQLite, argon2 at its production cost) on a local
port with `--logins` accounts, measures `/health` alone, then again while each account is sent
one sign-in with a wrong password, all at once (one argon2 check each, no lockout in the way),
and prints both, their ratio, and how the sign-ins were answered (200 checked, 503 "try again"
beyond the bound on checks). Nothing is compared with a fixed number: the ratio is measured in
one run, and the same script runs against older code (it uses only the HTTP interface and
`create_admin`)."""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from admin.app import create_app
from admin.deps import AdminDeps
from admin.health import HealthSources
from core.clock import SystemClock
from core.enums import AdminRole
from domain.messaging.texts import Catalog
from domain.organisation.accounts import create_admin
from scheduler.factory import SchedulerRunner
from storage.cache import Cache, MemoryBackend
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.uow import uow_factory


class _Off:
    state = "off"


async def _health_ms(client: TestClient[web.Request, web.Application]) -> float:
    started = time.perf_counter()
    async with client.get("/health") as response:
        await response.read()
    return (time.perf_counter() - started) * 1000


async def run(logins: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        await upgrade(engine)
        cache = Cache(MemoryBackend())
        uows = uow_factory(create_session_factory(engine), cache)
        for n in range(logins):
            async with uows() as uow:
                await create_admin(uow, f"someone{n}", "the right password", AdminRole.RECRUITER)
        deps = AdminDeps(
            uow_factory=uows,
            clock=SystemClock(),
            catalog=Catalog.load("en"),
            secret_key="b" * 40,
            cache=cache,
        )
        app = create_app(HealthSources(engine, cache, _Off(), SchedulerRunner()), deps)
        client = TestClient(TestServer(app))
        await client.start_server()
        try:
            page = await (await client.get("/login")).text()
            match = re.search(r'name="csrf" value="([^"]+)"', page)
            assert match
            csrf = match.group(1)
            idle = [await _health_ms(client) for _ in range(30)]

            async def sign_in(n: int) -> int:
                form = {"login": f"someone{n}", "password": "a wrong password", "csrf": csrf}
                async with client.post("/login", data=form, allow_redirects=False) as response:
                    await response.read()
                    return response.status

            await sign_in(-1)  # an unknown login: warms up (the dummy hash is made here)
            started = time.perf_counter()
            burst = asyncio.gather(*(sign_in(n) for n in range(logins)))
            during: list[float] = []
            while not burst.done():
                during.append(await _health_ms(client))
            statuses = Counter(await burst)
            burst_s = time.perf_counter() - started
        finally:
            await client.close()
            await engine.dispose()
    idle_ms, busy_ms = statistics.median(idle), statistics.median(during)
    print(f"{logins} sign-ins at once (argon2 at its production cost), SQLite")
    print(f"  answered: {dict(sorted(statuses.items()))} in {burst_s:.2f} s")
    print(f"  /health alone:        median {idle_ms:.1f} ms, max {max(idle):.1f} ms")
    print(
        f"  /health during burst: median {busy_ms:.1f} ms, max {max(during):.1f} ms"
        f" ({len(during)} requests)"
    )
    print(f"  ratio (median during / alone): {busy_ms / idle_ms:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--logins", type=int, default=36)
    asyncio.run(run(parser.parse_args().logins))


if __name__ == "__main__":
    main()

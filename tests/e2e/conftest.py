"""The whole application as main.py builds it, in sandbox mode, for end-to-end tests."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.engine import make_url

from core.clock import OffsetClock
from core.settings import Settings, load_settings
from runtime.container import Application, build_application
from runtime.serve import serve
from sandbox.world import World
from storage.migrate import upgrade
from tests.support.sandbox_client import SandboxClient
from tests.support.services import POSTGRES_URL, check_postgres


class RunningApp:
    """One application on a free port; restartable on the same database and sandbox chats."""

    def __init__(self, settings: Settings, http: aiohttp.ClientSession) -> None:
        self.settings = settings
        self.http = http
        self.clock = OffsetClock()
        self.world = World()
        # Journeys send several messages per step; the 1/s per-chat limit has tests of its own.
        self.world.rules.chat_burst = 100
        self.output = ""
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.app: Application
        # One client for the whole test: personas keep working across a restart (new port).
        self.sandbox = SandboxClient("", http)

    @property
    def url(self) -> str:
        return self.app.base_url

    async def start(self, migrate: bool = True) -> None:
        self.app = build_application(self.settings, clock=self.clock, sandbox_world=self.world)
        if migrate:
            await upgrade(self.app.engine)
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(serve(self.app, self._stop, handle_signals=False))
        started = asyncio.create_task(self.app.started.wait())
        await asyncio.wait({self._task, started}, timeout=15, return_when=asyncio.FIRST_COMPLETED)
        if self._task.done():
            self._task.result()  # start-up failed: show why
        assert self.app.started.is_set(), "the application did not start within 15 s"
        self.sandbox.base_url = self.app.base_url + "/sandbox"

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._task, 10)

    async def restart(self) -> None:
        await self.stop()
        await self.start(migrate=False)

    async def run_periodic_jobs(self) -> None:
        """Expiry, attendance prompts and digests now, then deliver what they queued."""
        from datetime import timedelta

        from scheduler.periodic import PeriodicJobs

        hours = timedelta(hours=self.settings.pending_expiry_hours)
        await PeriodicJobs(self.app.uow_factory, self.app.messaging, hours).run()
        await self.deliver_outbox()

    async def deliver_outbox(self) -> int:
        """Run one delivery pass now instead of waiting for the scheduler's next tick."""
        from scheduler.outbox_delivery import OutboxDelivery
        from scheduler.rate_limit import SendRate

        rate = SendRate(1000, 0)
        return await OutboxDelivery(
            self.app.uow_factory, self.app.bot, self.clock, rate
        ).deliver_due()


@contextlib.asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    import asyncpg

    await check_postgres()
    dsn = POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://")
    name = f"e2e_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield str(make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _run(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> AsyncIterator[RunningApp]:
    settings = load_settings(
        database_url=database_url,
        bot_token="",
        redis_url="",
        admin_port=0,
        # The outbox's pacing has tests of its own; here it would only make tests wait.
        outbox_rate_per_second=1000,
        outbox_chat_interval_seconds=0,
    )
    # unsafe: accept cookies from 127.0.0.1, as browsers do (the panel login needs them)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        running = RunningApp(settings, http)
        await running.start()
        running.output = capsys.readouterr().out
        try:
            yield running
        finally:
            await running.stop()


@pytest.fixture
async def running_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> AsyncIterator[RunningApp]:
    monkeypatch.chdir(tmp_path)  # no .env from a developer's checkout
    async for running in _run(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}", tmp_path, capsys):
        yield running


@pytest.fixture(params=["sqlite", "postgres"])
async def running_app_on_each_database(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> AsyncIterator[RunningApp]:
    monkeypatch.chdir(tmp_path)
    if request.param == "sqlite":
        async for running in _run(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}", tmp_path, capsys):
            yield running
        return
    async with postgres_database() as url:
        async for running in _run(url, tmp_path, capsys):
            yield running

"""The whole application as main.py builds it, in sandbox mode, for end-to-end tests."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.types import Update
from sqlalchemy.engine import make_url

from core.clock import OffsetClock
from core.settings import Settings, load_settings
from runtime.container import Application, build_application
from runtime.serve import serve
from sandbox.world import SandboxBot, World
from storage.migrate import upgrade
from tests.support.languages import ENGLISH
from tests.support.sandbox_client import SandboxClient
from tests.support.services import POSTGRES_URL, check_postgres
from tests.support.waiting import eventually

# When the application under test believes it is, unless a test says otherwise: a Monday
# morning, so that the demo data's first times are tomorrow. Tests that depend on the hour
# parametrize `e2e_now` with the instants they are about.
E2E_NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


@pytest.fixture
def e2e_now() -> datetime:
    return E2E_NOW


class RunningApp:
    """One application on a free port; restartable on the same database and sandbox chats.
    Its clock starts at the test's instant, so the demo data, reminders and quiet hours are
    the same whenever the suite runs."""

    def __init__(self, settings: Settings, http: aiohttp.ClientSession, now: datetime) -> None:
        self.settings = settings
        self.http = http
        self.clock = OffsetClock(start=now)
        self.world = World()
        # Journeys send several messages per step; the 1/s per-chat limit has tests of its own.
        self.world.rules.chat_burst = 100
        self.output = ""
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.app: Application
        # One client for the whole test: personas keep working across a restart (new port).
        self.sandbox = SandboxClient("", http)
        self.sandbox.settled = self.settled
        # Which updates the bot was given and has finished handling, so tests wait for the
        # bot to be done instead of sleeping for a while and hoping it was.
        self.handled: Counter[int] = Counter()
        self._in_flight = 0
        self._last_queued: int | None = None
        self._watch_updates()

    def _watch_updates(self) -> None:
        push = self.world.push_update

        def queued(bot: SandboxBot, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
            update = push(bot, kind, payload)
            if any(u is update for u in bot.updates):  # not dropped by allowed_updates
                self._last_queued = int(update["update_id"])
            return update

        self.world.push_update = queued  # type: ignore[method-assign]

    def _count_handled(self) -> None:
        dispatcher = self.app.dispatcher
        feed = dispatcher.feed_update

        async def counted(bot: Bot, update: Update, **kwargs: Any) -> Any:
            self._in_flight += 1
            try:
                return await feed(bot, update, **kwargs)
            finally:
                self._in_flight -= 1
                self.handled[update.update_id] += 1

        dispatcher.feed_update = counted  # type: ignore[method-assign]

    def _idle(self) -> bool:
        bot = self.world.primary_bot()
        last = self._last_queued
        return (
            not (bot and bot.updates)
            and self._in_flight == 0
            and (last is None or last in self.handled)
        )

    async def settled(self) -> None:
        """Wait until the bot has taken every update queued for it and finished handling each
        (its replies are sent by then); messages the outbox sends later are waited for by text."""
        await eventually(self._idle, "the bot has handled every update", every=0.02)

    async def handled_times(self, update_id: int, times: int) -> None:
        """Wait until the bot has been given the update `times` times (and dealt with it)."""
        await eventually(
            lambda: self.handled[update_id] >= times,
            f"update {update_id} handled {times} times",
            every=0.02,
        )

    @property
    def url(self) -> str:
        return self.app.base_url

    async def start(self, migrate: bool = True) -> None:
        self.app = build_application(self.settings, clock=self.clock, sandbox_world=self.world)
        self._count_handled()
        if migrate:
            await upgrade(self.app.engine)
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(serve(self.app, self._stop, handle_signals=False))
        started = asyncio.create_task(self.app.started.wait())
        # No time limit of its own: a loaded machine starts slower, and pytest's timeout
        # still ends a start-up that hangs.
        await asyncio.wait({self._task, started}, return_when=asyncio.FIRST_COMPLETED)
        if self._task.done():
            started.cancel()
            self._task.result()  # start-up failed: show why
        assert self.app.started.is_set()
        self.sandbox.base_url = self.app.base_url + "/sandbox"

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._task, 60)

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
        from core.send_rate import SendRate
        from scheduler.outbox_delivery import OutboxDelivery

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
    database_url: str, now: datetime, capsys: pytest.CaptureFixture[str], **overrides: object
) -> AsyncIterator[RunningApp]:
    values: dict[str, object] = {
        "database_url": database_url,
        "bot_token": "",
        "redis_url": "",
        "admin_port": 0,
        # The outbox's pacing has tests of its own; here it would only make tests wait.
        "outbox_rate_per_second": 1000,
        "outbox_chat_interval_seconds": 0,
        # The same for the bot's own pacing (tests/e2e/test_burst.py runs it at Telegram's).
        "bot_send_rate_per_second": 1000,
        "bot_chat_interval_seconds": 0,
    }
    settings = load_settings(**(values | overrides))
    # unsafe: accept cookies from 127.0.0.1, as browsers do (the panel login needs them)
    async with aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True), headers=ENGLISH
    ) as http:
        running = RunningApp(settings, http, now)
        await running.start()
        running.output = capsys.readouterr().out
        try:
            yield running
        finally:
            await running.stop()


@pytest.fixture
async def running_app(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    e2e_now: datetime,
) -> AsyncIterator[RunningApp]:
    monkeypatch.chdir(tmp_path)  # no .env from a developer's checkout
    async for running in _run(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}", e2e_now, capsys):
        yield running


@pytest.fixture(params=["sqlite", "postgres"])
async def running_app_on_each_database(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    e2e_now: datetime,
) -> AsyncIterator[RunningApp]:
    monkeypatch.chdir(tmp_path)
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"
        async for running in _run(url, e2e_now, capsys):
            yield running
        return
    async with postgres_database() as url:
        async for running in _run(url, e2e_now, capsys):
            yield running

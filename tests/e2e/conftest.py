"""The whole application as main.py builds it, in sandbox mode, for end-to-end tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from core.clock import OffsetClock
from core.settings import Settings, load_settings
from runtime.container import Application, build_application
from runtime.serve import serve
from sandbox.world import World
from storage.migrate import upgrade
from tests.support.sandbox_client import SandboxClient


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
        self.sandbox: SandboxClient

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
        self.sandbox = SandboxClient(self.app.base_url + "/sandbox", self.http)

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._task, 10)

    async def restart(self) -> None:
        await self.stop()
        await self.start(migrate=False)

    async def deliver_outbox(self) -> int:
        """Run one delivery pass now instead of waiting for the scheduler's next tick."""
        from scheduler.outbox_delivery import OutboxDelivery

        return await OutboxDelivery(self.app.uow_factory, self.app.bot, self.clock).deliver_due()


def _database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"


@pytest.fixture
async def running_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> AsyncIterator[RunningApp]:
    monkeypatch.chdir(tmp_path)  # no .env from a developer's checkout
    settings = load_settings(
        database_url=os.environ.get("E2E_DATABASE_URL") or _database_url(tmp_path),
        bot_token="",
        redis_url="",
        admin_port=0,
    )
    async with aiohttp.ClientSession() as http:
        running = RunningApp(settings, http)
        await running.start()
        running.output = capsys.readouterr().out
        try:
            yield running
        finally:
            await running.stop()

"""The whole application as main.py builds it, in sandbox mode, for end-to-end tests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from core.settings import load_settings
from runtime.container import Application, build_application
from runtime.serve import serve
from storage.migrate import upgrade
from tests.support.sandbox_client import SandboxClient


@dataclass
class RunningApp:
    app: Application
    sandbox: SandboxClient
    http: aiohttp.ClientSession
    output: str

    @property
    def url(self) -> str:
        return self.app.base_url


@pytest.fixture
async def running_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> AsyncIterator[RunningApp]:
    monkeypatch.chdir(tmp_path)  # no .env from a developer's checkout
    settings = load_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'app.db'}",
        bot_token="",
        redis_url="",
        admin_port=0,
    )
    app = build_application(settings)
    await upgrade(app.engine)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, stop, handle_signals=False))
    started = asyncio.create_task(app.started.wait())
    await asyncio.wait({task, started}, timeout=15, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        task.result()  # start-up failed: show why
    assert app.started.is_set(), "the application did not start within 15 s"
    async with aiohttp.ClientSession() as http:
        yield RunningApp(
            app, SandboxClient(app.base_url + "/sandbox", http), http, capsys.readouterr().out
        )
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)

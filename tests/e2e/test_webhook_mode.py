"""BOT_MODE=webhook: updates arrive by POST with Telegram's secret-token header."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from core.settings import load_settings
from runtime.webhook import WEBHOOK_PATH
from tests.e2e.chat import Chat
from tests.e2e.conftest import E2E_NOW, RunningApp


@pytest.fixture
async def webhook_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[RunningApp]:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'app.db'}",
        bot_token="",
        redis_url="",
        admin_port=0,
        bot_mode="webhook",
        webhook_secret="s3cret-s3cret-s3cret",
    )
    async with aiohttp.ClientSession() as http:
        running = RunningApp(settings, http, E2E_NOW)
        await running.start()
        try:
            yield running
        finally:
            await running.stop()


async def test_updates_come_by_webhook_and_the_bot_answers(webhook_app: RunningApp) -> None:
    async with webhook_app.http.get(webhook_app.url + "/health") as response:
        assert (await response.json())["bot"] == "webhook"
    bot = await webhook_app.sandbox.get("bot")
    assert bot["webhook"] == webhook_app.url + WEBHOOK_PATH
    chat = Chat(await webhook_app.sandbox.persona("Ann", language="en"))
    welcome, cities = await chat.start("by_hook")
    assert welcome["text"].startswith("Hello, Ann!")
    assert cities["text"].startswith("Which city are you in?")


async def test_a_post_without_the_secret_is_refused(webhook_app: RunningApp) -> None:
    update = {
        "update_id": 999,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 1, "type": "private"},
            "text": "/start",
        },
    }
    async with webhook_app.http.post(webhook_app.url + WEBHOOK_PATH, json=update) as response:
        assert response.status == 401
    headers = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
    async with webhook_app.http.post(
        webhook_app.url + WEBHOOK_PATH, json=update, headers=headers
    ) as response:
        assert response.status == 401

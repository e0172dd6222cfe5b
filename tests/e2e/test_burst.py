"""A campaign's burst: hundreds of new people press /start at once, with Telegram's limits on
(the sandbox answers 429 past them) and the bot at its real pace and concurrency bound. Every
one of them becomes a candidate and gets the welcome exactly once; nothing is lost."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from core.settings import Settings
from sandbox import user_actions
from sandbox.rules import SandboxRules
from sandbox.world import SandboxUser
from storage.models import Candidate
from tests.e2e.conftest import RunningApp, _run, postgres_database
from tests.support.private_redis import private_redis
from tests.support.waiting import eventually

BURST = 300
# Generous: the replies alone take BURST * 2 / 25 s at Telegram's pace, on a loaded machine more.
PATIENCE = 300.0
# The bot's real defaults, not the e2e suite's "as fast as possible".
TELEGRAMS_PACE = {
    name: Settings.model_fields[name].default
    for name in ("bot_send_rate_per_second", "bot_chat_interval_seconds")
}

# Paced above the sandbox's 30/s: Telegram answers 429s, which must be waited out, not dropped.
TOO_FAST = {"bot_send_rate_per_second": 100, "bot_chat_interval_seconds": 0}


@contextlib.asynccontextmanager
async def _app(
    kind: str, tmp_path: Path, now: datetime, capsys: pytest.CaptureFixture[str]
) -> AsyncIterator[RunningApp]:
    if kind == "postgres+redis":
        async with postgres_database() as url, private_redis(tmp_path) as redis_url:
            async for running in _run(url, now, capsys, redis_url=redis_url, **TELEGRAMS_PACE):
                yield running
        return
    pace = TOO_FAST if kind == "sqlite-too-fast" else TELEGRAMS_PACE
    extra = {"bot_mode": "webhook"} if kind == "sqlite-webhook" else {}
    url = f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"
    async for running in _run(url, now, capsys, **pace, **extra):
        yield running


@pytest.fixture(params=["sqlite", "postgres+redis", "sqlite-webhook", "sqlite-too-fast"])
async def burst_app(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    e2e_now: datetime,
) -> AsyncIterator[RunningApp]:
    monkeypatch.chdir(tmp_path)
    async with _app(request.param, tmp_path, e2e_now, capsys) as running:
        running.world.rules.chat_burst = SandboxRules().chat_burst  # Telegram's, not the suite's
        assert running.world.rules.rate_limits
        yield running


def _bot_texts(running: RunningApp, user: SandboxUser) -> list[str | None]:
    bot = running.world.primary_bot()
    assert bot is not None
    return [m.text for m in running.world.chat(bot.id, user.id) if m.from_bot]


async def _candidates(running: RunningApp, users: list[SandboxUser]) -> int:
    async with running.app.uow_factory() as uow:
        return await uow.candidates.count(Candidate.telegram_id.in_([u.id for u in users]))


@pytest.mark.timeout(600)
async def test_a_burst_of_new_people_is_handled_and_answered_once_each(
    burst_app: RunningApp,
) -> None:
    world = burst_app.world
    bot = world.primary_bot()
    assert bot is not None
    # One person alone first: what a /start is answered with when nothing else is going on.
    alone = world.add_user(first_name="Ann")
    user_actions.start(world, bot, alone)
    await eventually(lambda: len(_bot_texts(burst_app, alone)) >= 2, "Ann is welcomed")
    await burst_app.settled()
    expected = _bot_texts(burst_app, alone)

    users = [world.add_user(first_name="Ann") for _ in range(BURST)]
    began = time.monotonic()
    for user in users:  # all queued at once, as a campaign link brings them
        user_actions.start(world, bot, user)

    # Each update's replies are sent (or given up) before its handling ends.
    await eventually(burst_app._idle, "the bot has handled every update", seconds=PATIENCE)

    answered = sum(_bot_texts(burst_app, u) == expected for u in users)
    created = await _candidates(burst_app, users)
    summary = f"{BURST} people: {created} created, {answered} answered as expected"
    print(f"burst: {summary} in {time.monotonic() - began:.1f} s")  # a figure, never asserted
    assert (created, answered) == (BURST, BURST), summary

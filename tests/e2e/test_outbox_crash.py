"""A process killed while sending, and started again, delivers every due message: none lost,
none twice (at most the one in flight at the kill, which Telegram offers no way to dedupe)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from aiohttp.test_utils import TestServer

from core.enums import NotificationStatus
from sandbox.app import create_sandbox_app
from sandbox.world import World
from storage.engine import create_engine
from storage.migrate import upgrade
from storage.models import Notification

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "424242:crash-test"
COUNT = 150


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _until(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    for _ in range(int(seconds * 20)):
        if condition() or time.monotonic() > deadline:
            return
        await asyncio.sleep(0.05)


def _delivered(world: World) -> Counter[str]:
    return Counter(m.text or "" for chat in world.chats.values() for m in chat if m.from_bot)


async def test_kill_while_sending_then_restart_delivers_each_message(tmp_path: Path) -> None:
    world = World()
    world.rules.rate_limits = False
    server = TestServer(create_sandbox_app(world))
    await server.start_server()
    bot = world.bot_for_token(TOKEN)
    url = f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    rows = []
    for i in range(COUNT):
        user = world.add_user(first_name=f"U{i}")
        user.started_bots.add(bot.id)
        rows.append(
            Notification(
                kind="test",
                recipient_chat_id=user.id,
                payload={"text": f"message {i}"},
                due_at=datetime.now(UTC),
                dedupe_key=f"crash:{i}",
            )
        )
    from sqlalchemy.ext.asyncio import AsyncSession

    async with AsyncSession(engine) as session:
        session.add_all(rows)
        await session.commit()
    env = {
        **{
            k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "REDIS_", "DATABASE_"))
        },
        "DATABASE_URL": url,
        "BOT_TOKEN": TOKEN,
        "REDIS_URL": "",
        "TELEGRAM_API_URL": str(server.make_url("")).rstrip("/"),
        "OUTBOX_RATE_PER_SECOND": "60",
        "OUTBOX_CHAT_INTERVAL_SECONDS": "0",
    }

    async def start() -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "main.py"),
            env={**env, "ADMIN_PORT": str(_free_port())},
            cwd=tmp_path,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )

    first = await start()
    try:
        await _until(lambda: sum(_delivered(world).values()) >= COUNT // 3, 30)
        first.send_signal(signal.SIGKILL)  # no goodbye: mid-broadcast
        await first.wait()
        sent_before = sum(_delivered(world).values())
        assert 0 < sent_before < COUNT
        second = await start()
        try:
            # The killed worker's leases run out after 4 s; then its rows are taken again.
            await _until(lambda: len(_delivered(world)) >= COUNT, 60)
        finally:
            second.send_signal(signal.SIGINT)
            await second.wait()
    finally:
        if first.returncode is None:
            first.kill()
        await server.close()
    delivered = _delivered(world)
    assert len(delivered) == COUNT, f"missing: {COUNT - len(delivered)}"
    assert sum(n - 1 for n in delivered.values()) <= 1
    async with AsyncSession(engine) as session:
        from sqlalchemy import func, select

        statuses = dict(
            (
                await session.execute(
                    select(Notification.status, func.count()).group_by(Notification.status)
                )
            ).all()
        )
    await engine.dispose()
    assert statuses == {NotificationStatus.SENT: COUNT}

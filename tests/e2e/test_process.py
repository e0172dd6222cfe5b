"""The whole process as `python main.py` runs it: starts, answers, and stops cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

import aiohttp
from aiohttp import web

from tests.support.fake_bot_api import FakeBotApi

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _wait_for(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await condition():
            return True
        await asyncio.sleep(0.1)
    return False


async def test_main_runs_polls_a_custom_bot_api_answers_health_and_stops_on_sigint(
    tmp_path: Path,
) -> None:
    api = FakeBotApi()
    api.queue_start(user_id=31337, payload="hh_ru")
    runner = web.AppRunner(api.app(), shutdown_timeout=0.5)
    await runner.setup()
    api_port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", api_port).start()

    admin_port = _free_port()
    env = {
        **{
            k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "REDIS_", "DATABASE_"))
        },
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'app.db'}",
        "BOT_TOKEN": "123456:TEST",
        "TELEGRAM_API_URL": f"http://127.0.0.1:{api_port}",
        "ADMIN_PORT": str(admin_port),
        "REDIS_URL": "",
        "LOG_FORMAT": "json",
    }
    migrate = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "main.py"), "migrate", env=env, cwd=tmp_path
    )
    assert await migrate.wait() == 0

    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "main.py"),
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        health: dict[str, object] = {}
        async with aiohttp.ClientSession() as http:

            async def healthy() -> bool:
                nonlocal health
                try:
                    async with http.get(f"http://127.0.0.1:{admin_port}/health") as response:
                        health = await response.json()
                        return response.status == 200 and health.get("bot") == "polling"
                except aiohttp.ClientError:
                    return False

            # A loaded machine starts slower; only one that never gets there fails.
            assert await _wait_for(healthy, 60), f"no healthy /health within 60 s: {health}"
        assert health["scheduler"] == "running"
        # With a real token there is no sandbox.
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{admin_port}/sandbox/") as response,
        ):
            assert response.status == 404

        async def answered() -> bool:
            return bool(api.sent)

        assert await _wait_for(answered, 60), "the bot did not answer /start"
        assert api.sent[0]["chat_id"] == 31337  # a JSON body, as the bot sends every request
        assert str(api.sent[0]["text"]).startswith("Hello, Ann!")

        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, stderr.decode()[-2000:]
        log = stderr.decode()
        assert '"event": "app.stopped"' in log
        # Every shutdown step finished within its own limit (2 s each, about 5 s in all when
        # idle): what the README promises, checked without timing a possibly loaded machine.
        assert "shutdown.step_failed" not in log
        at = log.find("Traceback")
        assert at == -1, log[max(0, at - 1500) : at + 3000]
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await runner.cleanup()

"""`python -m sandbox` serves any bot on its own port."""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

from bot.factory import create_bot
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[2]


async def test_python_m_sandbox_serves_the_bot_api_for_any_token() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sandbox",
        "--port",
        str(port),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    bot = create_bot("987654:any-token", f"http://127.0.0.1:{port}")
    try:
        assert process.stdout is not None
        banner = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
        assert f"http://127.0.0.1:{port}" in banner

        async def answers() -> bool:
            try:
                await bot.get_me()
            except Exception:
                return False
            return True

        await eventually(answers, "the standalone sandbox answers getMe", every=0.1)
        me = await bot.get_me()
        assert me.id == 987654
        assert me.is_bot
    finally:
        await bot.session.close()
        process.terminate()
        await process.wait()

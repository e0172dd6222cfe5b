"""`python -m sandbox` serves any bot on its own port."""

from __future__ import annotations

import asyncio
import socket
import sys
import time
from pathlib import Path

from bot.factory import create_bot

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
        deadline = time.monotonic() + 60
        while True:
            try:
                me = await bot.get_me()
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.1)
        assert me.id == 987654
        assert me.is_bot
    finally:
        await bot.session.close()
        process.terminate()
        await process.wait()

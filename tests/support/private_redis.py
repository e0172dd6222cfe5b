"""A Redis of a test's own, on a free port and in a temporary directory, stopped afterwards:
nothing it writes meets another test's keys (the shared Redis is never touched)."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.services import REQUIRED
from tests.support.waiting import eventually


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.asynccontextmanager
async def private_redis(directory: Path) -> AsyncIterator[str]:
    """Yields the URL of a fresh redis-server; skips (fails under REQUIRE_SERVICES=1) without
    the binary."""
    binary = shutil.which("redis-server")
    if binary is None:
        if REQUIRED:
            pytest.fail("REQUIRE_SERVICES=1 but redis-server is not installed", pytrace=False)
        pytest.skip("redis-server is not installed")
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        binary,
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--save", "",
        "--appendonly", "no",
        "--dir", str(directory),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        await eventually(lambda: _answers(url), f"redis-server on port {port} answers")
        yield url
    finally:
        process.terminate()
        await process.wait()


async def _answers(url: str) -> bool:
    from redis import asyncio as aioredis

    client = aioredis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        return bool(await client.ping())
    except Exception:  # not up yet
        return False
    finally:
        await client.aclose()

"""Waiting for something to become true, with a limit only a broken build reaches: on a loaded
two-core machine things take longer, and a test should get slower, never red."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable

PATIENCE = 60.0


async def eventually(
    check: Callable[[], bool | Awaitable[bool]],
    what: str,
    *,
    seconds: float = PATIENCE,
    every: float = 0.03,
) -> None:
    """Return as soon as `check()` holds; fail naming `what` if it never does."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {seconds} s: {what}")
        await asyncio.sleep(every)

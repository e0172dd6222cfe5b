"""A cancelled cache call stays cancelled, whatever redis-py makes of the cancellation.

redis-py can turn a task's cancellation into an error of its own (it drops the connection it
was reading from and reports "Connection closed by server", or its pool wait is cut short).
The backend answered that error with its fallback, so the cancelled task went on: the update
guard's lease renewal, cancelled when its update was done, kept renewing, and the update
waiting for it never finished (seen in `make bench` on PostgreSQL + Redis: 16 updates hung)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from storage.cache.redis import RedisBackend


async def test_a_cancellation_redis_reports_as_its_own_error_still_cancels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backend = RedisBackend("redis://127.0.0.1:1/0")  # never connected: the client is replaced
    started = asyncio.Event()

    async def set_that_turns_cancellation_into_an_error(*_: Any, **__: Any) -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            raise RedisConnectionError("Connection closed by server.") from None

    monkeypatch.setattr(backend._client, "set", set_that_turns_cancellation_into_an_error)
    call = asyncio.create_task(backend.set("key", b"value", 10))
    await started.wait()
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    assert backend.available  # a cancellation is no outage
    await backend.close()


async def test_a_cancellation_redis_swallows_is_delivered_when_the_call_returns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backend = RedisBackend("redis://127.0.0.1:1/0")
    started = asyncio.Event()

    async def set_that_swallows_cancellation(*_: Any, **__: Any) -> bool:
        started.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.Event().wait()
        return True

    monkeypatch.setattr(backend._client, "set", set_that_swallows_cancellation)
    call = asyncio.create_task(backend.set("key", b"value", 10))
    await started.wait()
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    await backend.close()

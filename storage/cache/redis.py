"""Redis backend that degrades to "always miss" while Redis is away, and comes back by itself."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar, cast

import structlog
from redis import asyncio as aioredis
from redis.exceptions import RedisError, ResponseError

log = structlog.get_logger(__name__)
T = TypeVar("T")
F = TypeVar("F")

# While Redis is down, try it again at most this often instead of on every request.
RETRY_INTERVAL_SECONDS = 1.0

# `claim_and_get` as one command (EVALSHA): SET NX of KEYS[1], then GET of every other key.
# A missing key comes back as nil (Lua's false), as MGET would answer.
_CLAIM_AND_GET = """
local claimed = redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX')
local found = {}
if #KEYS > 1 then found = redis.call('MGET', unpack(KEYS, 2)) end
return {claimed and 1 or 0, found}
"""


def _cancelling() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


class RedisBackend:
    name = "redis"

    def __init__(
        self,
        url: str,
        *,
        max_connections: int = 50,
        timeout_seconds: float = 0.5,
        on_restore: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        # A blocking pool: with every connection busy a request waits its turn (up to the
        # timeout) instead of failing, which would switch the cache off for everyone.
        pool = aioredis.BlockingConnectionPool.from_url(
            url,
            max_connections=max_connections,
            timeout=timeout_seconds * 4,
            socket_connect_timeout=timeout_seconds,
            socket_timeout=timeout_seconds,
            retry_on_timeout=False,
        )
        self._client: aioredis.Redis = aioredis.Redis.from_pool(pool)  # closes the pool too
        # Sent by its digest; loaded again by redis-py when the server does not know it yet.
        self._claim_and_get = self._client.register_script(_CLAIM_AND_GET)
        self._scripts_refused = False
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._recovering = False
        self.on_restore = on_restore

    @property
    def available(self) -> bool:
        return self._down_since is None

    async def _call(self, operation: Callable[[], Awaitable[T]], fallback: F) -> T | F:
        if self._down_since is not None and time.monotonic() < self._retry_at:
            return fallback
        try:
            result = await operation()
        except (RedisError, OSError) as exc:
            if _cancelling():
                # redis-py can turn a cancellation into an error of its own (the connection it
                # dropped mid-reply, a pool wait cut short): the cancellation goes on; answering
                # the fallback would let a task that was told to stop run on, e.g. a loop
                # awaited by whoever cancelled it. Nor is it an outage.
                raise asyncio.CancelledError from exc
            self._mark_down(exc)
            return fallback
        if _cancelling():  # swallowed on the way, the cancellation is delivered here
            raise asyncio.CancelledError
        if self._down_since is not None:
            await self._mark_up()
            return fallback
        if self._recovering:
            # Until the epoch is bumped, what Redis holds may predate writes made while away.
            return fallback
        return result

    def _mark_down(self, exc: BaseException) -> None:
        now = time.monotonic()
        if self._down_since is None:
            self._down_since = now
            log.warning("cache.redis_unavailable", error=str(exc) or type(exc).__name__)
        self._retry_at = now + RETRY_INTERVAL_SECONDS

    async def _mark_up(self) -> None:
        down_for = time.monotonic() - (self._down_since or time.monotonic())
        self._down_since = None
        log.info("cache.redis_restored", down_seconds=round(down_for, 1))
        self._recovering = True
        try:
            if self.on_restore is not None:
                await self.on_restore()
        finally:
            self._recovering = False

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None] | None:
        async def run() -> list[bytes | None]:
            return cast(list[bytes | None], await self._client.mget(list(keys)))

        return await self._call(run, None)

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        await self._call(lambda: self._client.set(key, value, ex=ttl_seconds), None)

    async def set_if_absent(self, key: str, value: bytes, ttl_seconds: int) -> bool | None:
        async def run() -> bool:
            return bool(await self._client.set(key, value, ex=ttl_seconds, nx=True))

        return await self._call(run, None)

    async def claim_and_get(
        self, key: str, value: bytes, ttl_seconds: int, keys: Sequence[str]
    ) -> tuple[bool | None, list[bytes | None] | None]:
        async def run() -> tuple[bool | None, list[bytes | None] | None]:
            if not self._scripts_refused:
                try:
                    claimed, found = await self._claim_and_get(
                        keys=[key, *keys], args=[value, ttl_seconds]
                    )
                    return bool(claimed), cast(list[bytes | None], found)
                except ResponseError as exc:  # NOSCRIPT is reloaded by redis-py itself
                    # A Redis whose ACL or configuration refuses scripts is not an outage:
                    # the claim goes on as two commands in one round trip.
                    self._scripts_refused = True
                    log.warning("cache.redis_scripts_refused", error=str(exc)[:200])
            async with self._client.pipeline(transaction=False) as pipe:
                pipe.set(key, value, ex=ttl_seconds, nx=True)
                pipe.mget([key, *keys])
                claimed, found = await pipe.execute()
            return bool(claimed), cast(list[bytes | None], found[1:])

        return await self._call(run, (None, None))

    async def delete(self, keys: Sequence[str]) -> None:
        if keys:
            await self._call(lambda: self._client.delete(*keys), None)

    async def incr(self, keys: Sequence[str]) -> bool:
        async def run() -> bool:
            async with self._client.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.incr(key)
                await pipe.execute()
            return True

        return await self._call(run, False)

    async def ping(self) -> bool:
        async def run() -> bool:
            return bool(await self._client.ping())

        # A health check must really ask, even inside the retry interval.
        self._retry_at = 0.0
        return await self._call(run, False)

    async def close(self) -> None:
        await self._client.aclose()

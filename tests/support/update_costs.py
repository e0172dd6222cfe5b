"""What one bot update costs the stores: SQL statements, transactions, Redis commands.

Counted, never timed. Statements are what reaches the database driver (BEGIN, SAVEPOINT and
RELEASE aside); transactions are the database transactions begun; Redis commands are what the
cache backend and the FSM storage would send to Redis for the calls made (a pipeline counts
each command in it), whichever backend stands in for Redis in the test."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.cache.backend import CacheBackend


@dataclass
class Costs:
    statements: list[str] = field(default_factory=list)
    transactions: int = 0
    redis: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.statements)} statements, {self.transactions} transactions, "
            f"{len(self.redis)} Redis commands {self.redis}:\n  " + "\n  ".join(self.statements)
        )


class CountingBackend:
    """A cache backend that notes the Redis commands each call would be."""

    def __init__(self, inner: CacheBackend) -> None:
        self.inner = inner
        self.name = inner.name
        self.log: list[str] | None = None

    def _note(self, *commands: str) -> None:
        if self.log is not None:
            self.log.extend(commands)

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None] | None:
        self._note("MGET")
        return await self.inner.get_many(keys)

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        self._note("SET")
        await self.inner.set(key, value, ttl_seconds)

    async def set_if_absent(self, key: str, value: bytes, ttl_seconds: int) -> bool | None:
        self._note("SET NX")
        return await self.inner.set_if_absent(key, value, ttl_seconds)

    async def claim_and_get(
        self, key: str, value: bytes, ttl_seconds: int, keys: Sequence[str]
    ) -> tuple[bool | None, list[bytes | None] | None]:
        self._note("EVALSHA")  # SET NX and MGET in one script
        claim_and_get = getattr(self.inner, "claim_and_get")  # noqa: B009
        result: tuple[bool | None, list[bytes | None] | None] = await claim_and_get(
            key, value, ttl_seconds, keys
        )
        return result

    async def delete(self, keys: Sequence[str]) -> None:
        self._note("DEL")
        await self.inner.delete(keys)

    async def incr(self, keys: Sequence[str]) -> bool:
        self._note(*("INCR" for _ in keys))
        return await self.inner.incr(keys)

    async def ping(self) -> bool:
        return await self.inner.ping()

    async def close(self) -> None:
        await self.inner.close()


class CountingFsmStorage(BaseStorage):
    """MemoryStorage, noting the Redis commands RedisStorage would send for each call."""

    def __init__(self) -> None:
        self.inner = MemoryStorage()
        self.log: list[str] | None = None

    def _note(self, command: str) -> None:
        if self.log is not None:
            self.log.append(command)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        self._note("SET state" if state is not None else "DEL state")
        await self.inner.set_state(key, state.state if isinstance(state, State) else state)

    async def get_state(self, key: StorageKey) -> str | None:
        self._note("GET state")
        return await self.inner.get_state(key)

    async def set_data(self, key: StorageKey, data: Any) -> None:
        self._note("SET data" if data else "DEL data")
        await self.inner.set_data(key, data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        self._note("GET data")
        return await self.inner.get_data(key)

    async def close(self) -> None:
        await self.inner.close()


@contextmanager
def counting(
    engine: AsyncEngine, *recorders: CountingBackend | CountingFsmStorage
) -> Iterator[Costs]:
    costs = Costs()

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if not sql.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            costs.statements.append(sql)

    def begin(_conn: Any) -> None:
        costs.transactions += 1

    event.listen(engine.sync_engine, "before_cursor_execute", statement)
    event.listen(engine.sync_engine, "begin", begin)
    for recorder in recorders:
        recorder.log = costs.redis
    try:
        yield costs
    finally:
        for recorder in recorders:
            recorder.log = None
        event.remove(engine.sync_engine, "before_cursor_execute", statement)
        event.remove(engine.sync_engine, "begin", begin)

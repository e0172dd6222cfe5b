"""Conversation state (aiogram's FSM) that outlives a Redis outage.

The state kept there is small and short-lived: a candidate typing the name of a city not
listed, a recruiter typing or confirming a series of slots. Every state and data this process
reads or writes is mirrored in process (least recently used dropped past a bound). While Redis
is away, reads answer from the mirror and writes are kept aside; when Redis answers again the
writes kept aside are written to it first, then Redis is used as before. Only a conversation
another instance moved on during the outage can be out of date, and only until it is written.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import structlog
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from redis.exceptions import RedisError

log = structlog.get_logger(__name__)
T = TypeVar("T")

# While Redis is away it is tried again at most this often, not on every update.
RETRY_INTERVAL_SECONDS = 1.0
MIRRORED_CONVERSATIONS = 10_000

Record = tuple[str | None, dict[str, Any]]
_PROBE = StorageKey(bot_id=0, chat_id=0, user_id=0)  # read only to see whether Redis answers


class _Away(Exception):
    pass


def _state_name(state: StateType) -> str | None:
    return state.state if isinstance(state, State) else state


class FallbackStorage(BaseStorage):
    def __init__(self, primary: BaseStorage, *, mirrored: int = MIRRORED_CONVERSATIONS) -> None:
        self._primary = primary
        self._mirror: OrderedDict[StorageKey, Record] = OrderedDict()
        self._mirrored = mirrored
        self._kept_aside: dict[StorageKey, Record] = {}  # written while Redis was away
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._resync_lock = asyncio.Lock()
        self._catching_up: asyncio.Task[None] | None = None

    @property
    def available(self) -> bool:
        return self._down_since is None

    def _known(self, key: StorageKey) -> Record:
        record = self._kept_aside.get(key) or self._mirror.get(key)
        return record if record is not None else (None, {})

    def _remember(self, key: StorageKey, record: Record) -> None:
        if self._down_since is not None:
            self._kept_aside[key] = record
        self._mirror[key] = record
        self._mirror.move_to_end(key)
        while len(self._mirror) > self._mirrored:
            self._mirror.popitem(last=False)

    async def _call(self, operation: Callable[[], Awaitable[T]]) -> T:
        if self._down_since is not None:
            if time.monotonic() < self._retry_at:
                raise _Away
            try:
                await self._write_back()
            except (RedisError, OSError) as exc:
                self._mark_down(exc)
                raise _Away from exc
        try:
            return await operation()
        except (RedisError, OSError) as exc:
            self._mark_down(exc)
            raise _Away from exc

    def _mark_down(self, exc: BaseException) -> None:
        now = time.monotonic()
        if self._down_since is None:
            self._down_since = now
            log.warning("fsm.redis_unavailable", error=str(exc) or type(exc).__name__)
        self._retry_at = now + RETRY_INTERVAL_SECONDS
        if self._catching_up is None or self._catching_up.done():
            self._catching_up = asyncio.create_task(self._catch_up(), name="fsm-catch-up")

    async def _catch_up(self) -> None:
        """While Redis is away, try it again every `RETRY_INTERVAL_SECONDS` and write back what
        was kept aside once it answers: a conversation written during the outage reaches Redis
        (and the other instances) even if nobody writes to the bot afterwards."""
        while self._down_since is not None:
            await asyncio.sleep(RETRY_INTERVAL_SECONDS)
            try:
                await self._primary.get_state(_PROBE)
                await self._write_back()
            except (RedisError, OSError) as exc:
                self._mark_down(exc)  # still away: logged once, when it went

    async def _write_back(self) -> None:
        """Redis answers again: write what was kept aside, then use it as before."""
        async with self._resync_lock:
            if self._down_since is None:
                return
            for key, (state, data) in list(self._kept_aside.items()):
                await self._primary.set_state(key, state)
                await self._primary.set_data(key, data)
                if self._kept_aside.get(key) == (state, data):
                    del self._kept_aside[key]
            if self._kept_aside:  # written meanwhile: another round on the next call
                return
            log.info(
                "fsm.redis_restored", down_seconds=round(time.monotonic() - self._down_since, 1)
            )
            self._down_since = None

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        name = _state_name(state)
        self._remember(key, (name, self._known(key)[1]))
        try:
            await self._call(lambda: self._primary.set_state(key, name))
        except _Away:
            self._kept_aside[key] = self._known(key)

    async def get_state(self, key: StorageKey) -> str | None:
        try:
            state = await self._call(lambda: self._primary.get_state(key))
        except _Away:
            return self._known(key)[0]
        self._remember(key, (state, self._known(key)[1]))
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        self._remember(key, (self._known(key)[0], dict(data)))
        try:
            await self._call(lambda: self._primary.set_data(key, data))
        except _Away:
            self._kept_aside[key] = self._known(key)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        try:
            data = await self._call(lambda: self._primary.get_data(key))
        except _Away:
            return dict(self._known(key)[1])
        self._remember(key, (self._known(key)[0], dict(data)))
        return data

    async def close(self) -> None:
        if self._catching_up is not None:
            self._catching_up.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._catching_up
        await self._primary.close()

"""Which errors mean "the database is away", and the FSM's copy while Redis is away."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot import fsm_fallback
from bot.fsm_fallback import FallbackStorage
from core.errors import DatabaseUnavailable
from storage.availability import as_unavailable, is_database_unavailable
from tests.support.waiting import eventually


def _raised_in_sqlalchemy(error: BaseException) -> BaseException:
    """The error with a traceback through a SQLAlchemy frame, as a driver's would have."""
    namespace: dict[str, Any] = {"__name__": "sqlalchemy.fake"}
    exec("def fail(e):\n    raise e\n", namespace)
    try:
        namespace["fail"](error)
    except BaseException as caught:
        return caught
    raise AssertionError("unreachable")


def test_a_refused_or_cut_connection_is_an_outage() -> None:
    assert is_database_unavailable(_raised_in_sqlalchemy(ConnectionRefusedError(111, "refused")))
    assert is_database_unavailable(_raised_in_sqlalchemy(TimeoutError()))
    cut = DBAPIError("SELECT 1", {}, Exception("closed"), connection_invalidated=True)
    assert is_database_unavailable(cut)
    translated = as_unavailable(cut)
    assert isinstance(translated, DatabaseUnavailable)
    assert translated.__cause__ is cut


def test_errors_that_are_not_the_database_being_away_stay_what_they_are() -> None:
    # A network error of the Bot API's, raised outside the driver, is not an outage.
    assert not is_database_unavailable(ConnectionRefusedError(111, "refused"))
    assert not is_database_unavailable(TimeoutError())
    duplicate = IntegrityError("INSERT", {}, Exception("duplicate key"))
    assert not is_database_unavailable(duplicate)
    assert as_unavailable(duplicate) is duplicate
    assert not is_database_unavailable(ValueError("bad"))


class FlakyRedis(MemoryStorage):
    """A Redis-backed storage that can be switched off."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False

    def _check(self) -> None:
        if self.down:
            raise RedisConnectionError("Connection refused")

    async def set_state(self, key: StorageKey, state: Any = None) -> None:
        self._check()
        await super().set_state(key, state)

    async def get_state(self, key: StorageKey) -> str | None:
        self._check()
        return await super().get_state(key)

    async def set_data(self, key: StorageKey, data: Any) -> None:
        self._check()
        await super().set_data(key, data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        self._check()
        return await super().get_data(key)


KEY = StorageKey(bot_id=1, chat_id=2, user_id=2)
OTHER = StorageKey(bot_id=1, chat_id=3, user_id=3)


async def test_conversations_go_on_while_redis_is_away_and_are_written_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fsm_fallback, "RETRY_INTERVAL_SECONDS", 0.0)  # tried on every call
    redis = FlakyRedis()
    storage = FallbackStorage(redis)
    await storage.set_state(KEY, "City:name")
    await storage.set_data(KEY, {"page": 2})

    redis.down = True
    assert await storage.get_state(KEY) == "City:name"  # known from before
    assert await storage.get_data(KEY) == {"page": 2}
    await storage.set_state(OTHER, "Series:line")  # begun during the outage
    await storage.update_data(OTHER, {"city_id": 7})
    assert not storage.available
    assert await storage.get_state(OTHER) == "Series:line"

    redis.down = False
    assert await storage.get_state(KEY) == "City:name"
    assert storage.available
    assert await redis.get_state(OTHER) == "Series:line"  # written back
    assert await redis.get_data(OTHER) == {"city_id": 7}
    await storage.close()


async def test_the_copy_is_bounded() -> None:
    storage = FallbackStorage(FlakyRedis(), mirrored=2)
    for chat in range(5):
        await storage.set_state(StorageKey(bot_id=1, chat_id=chat, user_id=chat), "S:s")
    assert len(storage._mirror) == 2


async def test_what_was_kept_aside_is_written_back_without_another_update(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Redis returns and nobody writes to the bot: the conversation begun during the outage
    still reaches Redis (the other instances read it there), by the storage's own retry."""
    monkeypatch.setattr(fsm_fallback, "RETRY_INTERVAL_SECONDS", 0.01)
    redis = FlakyRedis()
    storage = FallbackStorage(redis)
    redis.down = True
    await storage.set_state(OTHER, "Series:line")
    assert not storage.available
    redis.down = False
    try:
        await eventually(lambda: storage.available, "Redis used again")
        assert await redis.get_state(OTHER) == "Series:line"
    finally:
        await storage.close()

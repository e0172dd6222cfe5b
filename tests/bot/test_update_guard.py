"""The update guard: once across instances, and nothing lost to an instance that died holding it."""

from __future__ import annotations

import logging

import pytest

from bot.update_guard import (
    DONE,
    WAIT_WHILE_HELD,
    WORKING,
    UpdateGuard,
    UpdateInProgress,
    quiet_aiogram_about_updates_in_progress,
)
from storage.cache import Cache, MemoryBackend
from tests.bot.conftest import BotHarness
from tests.support.bot import text_update
from tests.support.waiting import eventually

KEY = "update:7:100"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class CountingBackend(MemoryBackend):
    def __init__(self, clock: Clock) -> None:
        super().__init__(monotonic=clock)
        self.renewals = 0

    async def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        self.renewals += value == WORKING
        await super().set(key, value, ttl_seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(clock: Clock) -> Cache:
    return Cache(CountingBackend(clock))


async def test_an_update_handled_once_is_dropped_when_delivered_again(cache: Cache) -> None:
    guard = UpdateGuard(cache)
    async with guard.hold(7, 100) as first:
        assert first
    assert await cache.peek(KEY) == DONE
    async with guard.hold(7, 100) as again:
        assert not again


async def test_a_delivery_while_another_holds_the_update_is_refused_for_later(
    cache: Cache,
) -> None:
    guard, other = UpdateGuard(cache, lease_seconds=10), UpdateGuard(cache)
    async with guard.hold(7, 100):
        with pytest.raises(UpdateInProgress) as refused:
            async with other.hold(7, 100):
                pytest.fail("handled twice at once")
    assert refused.value.retry_after == 10


async def test_a_failed_handler_lets_go_so_the_next_delivery_handles_it(cache: Cache) -> None:
    guard = UpdateGuard(cache)
    with pytest.raises(RuntimeError):
        async with guard.hold(7, 100):
            raise RuntimeError("database away")
    async with guard.hold(7, 100) as first:
        assert first


async def test_an_update_held_by_a_dead_instance_is_handled_once_its_lease_ends(
    cache: Cache, clock: Clock
) -> None:
    # What a killed instance leaves: its claim, never renewed and never marked done.
    await cache.claim(KEY, 10, WORKING)
    guard = UpdateGuard(cache, lease_seconds=10)
    with pytest.raises(UpdateInProgress):
        async with guard.hold(7, 100):
            pytest.fail("taken while the lease runs")
    clock.now = 10.0
    async with guard.hold(7, 100) as first:
        assert first
    assert await cache.peek(KEY) == DONE


async def test_the_lease_is_renewed_while_the_update_is_handled(cache: Cache, clock: Clock) -> None:
    backend = cache.backend
    assert isinstance(backend, CountingBackend)
    guard = UpdateGuard(cache, lease_seconds=3)  # renewed every second
    async with guard.hold(7, 100):
        backend.renewals = 0  # the claim itself is not one
        clock.now = 2.9  # just before the first lease would end
        await eventually(lambda: backend.renewals >= 1, "the lease renewed")
        clock.now = 5.0  # past the first lease, within the renewed one
        assert await cache.peek(KEY) == WORKING
        with pytest.raises(UpdateInProgress):
            async with UpdateGuard(cache).hold(7, 100):
                pytest.fail("taken from a live holder")


def test_aiogram_does_not_log_an_update_held_elsewhere_as_an_error() -> None:
    quiet_aiogram_about_updates_in_progress()
    logger = logging.getLogger("aiogram.event")

    def record(error: Exception) -> logging.LogRecord:
        return logger.makeRecord(
            logger.name,
            logging.ERROR,
            __file__,
            1,
            "Cause exception",
            (),
            (type(error), error, None),
        )

    assert not logger.filter(record(UpdateInProgress(1, 10)))
    assert logger.filter(record(RuntimeError("a real one")))


async def test_polling_waits_for_an_update_a_killed_process_held(harness: BotHarness) -> None:
    update = text_update("/start", user_id=8)
    # What a process killed while handling it leaves; a restarted one fetches it again.
    await harness.storage.cache.claim(f"update:{harness.bot.id}:{update.update_id}", 1, WORKING)
    with pytest.raises(UpdateInProgress):  # the webhook's way: refused, delivered again later
        await harness.dispatcher.feed_update(harness.bot, update)
    await harness.dispatcher.feed_update(harness.bot, update, **{WAIT_WHILE_HELD: True})
    welcome, _cities = harness.session.sent()
    assert welcome.text.startswith("Hello, Ann!")

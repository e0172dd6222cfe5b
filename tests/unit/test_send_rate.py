"""The outbox's pacing: evenly spaced overall, and one message a second per chat."""

from __future__ import annotations

import asyncio

from core.send_rate import SendRate


class VirtualTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _rate(per_second: float, interval: float, clock: VirtualTime) -> SendRate:
    return SendRate(per_second, interval, monotonic=clock.monotonic, sleep=clock.sleep)


async def test_many_chats_go_out_at_the_configured_rate() -> None:
    clock = VirtualTime()
    rate = _rate(25, 1.0, clock)
    start = clock.now
    for chat in range(250):
        await rate.wait_turn(chat)
    # 250 messages at 25/s: the last may leave 9.96 s after the first, not sooner.
    assert abs((clock.now - start) - 249 / 25) < 1e-6


async def test_one_chat_gets_at_most_one_message_a_second() -> None:
    clock = VirtualTime()
    rate = _rate(25, 1.0, clock)
    start = clock.now
    for _ in range(5):
        await rate.wait_turn(42)
    assert abs((clock.now - start) - 4.0) < 1e-6


async def test_other_chats_are_not_held_up_by_a_busy_one() -> None:
    clock = VirtualTime()
    rate = _rate(100, 1.0, clock)
    await rate.wait_turn(1)
    await rate.wait_turn(2)
    assert abs(clock.now - 100.01) < 1e-6


async def test_concurrent_callers_still_share_the_rate() -> None:
    clock = VirtualTime()
    rate = _rate(10, 0.0, clock)
    await asyncio.gather(*(rate.wait_turn(chat) for chat in range(10)))
    # Ten bookings, 0.1 s apart: the last leaves 0.9 s after the first.
    assert abs(clock.now - 100.9) < 1e-6


def _bursty(clock: VirtualTime, burst: int) -> SendRate:
    return SendRate(1000, 1.0, chat_burst=burst, monotonic=clock.monotonic, sleep=clock.sleep)


async def test_a_chat_may_get_a_short_burst_then_one_a_second() -> None:
    clock = VirtualTime()
    rate = _bursty(clock, 3)
    moments = []
    for _ in range(6):
        await rate.wait_turn(42)
        moments.append(round(clock.now - 100, 3))
    # Three at once (spaced only by the overall rate), then one a second.
    assert moments == [0.0, 0.001, 0.002, 1.0, 2.0, 3.0]


async def test_a_burst_comes_back_once_the_chat_has_been_quiet() -> None:
    clock = VirtualTime()
    rate = _bursty(clock, 2)
    await rate.wait_turn(42)
    await rate.wait_turn(42)
    clock.now += 10  # quiet for a while
    start = clock.now
    await rate.wait_turn(42)
    await rate.wait_turn(42)
    assert round(clock.now - start, 3) == 0.001

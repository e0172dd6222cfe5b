"""A wake-up that arrives while the sender is in a pass leads to another pass: never lost, never
APScheduler's "maximum number of running instances reached"."""

from __future__ import annotations

import asyncio
import logging

import pytest

from core.clock import FrozenClock
from scheduler.factory import SchedulerRunner
from scheduler.outbox_schedule import OutboxWaker
from tests.conftest import Storage
from tests.support.factories import NOW
from tests.support.waiting import eventually


class HeldDelivery:
    """A sender whose first pass waits until the test lets it go."""

    def __init__(self) -> None:
        self.stopping = False
        self.passes = 0
        self.in_first_pass = asyncio.Event()
        self.release = asyncio.Event()

    async def deliver_due(self, limit: int | None = None) -> int:
        self.passes += 1
        if self.passes == 1:
            self.in_first_pass.set()
            await self.release.wait()
        return 0


async def test_a_wake_up_during_a_pass_leads_to_another_pass(
    sqlite_storage: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    runner = SchedulerRunner()
    delivery = HeldDelivery()
    waker = OutboxWaker(
        runner.scheduler,
        delivery,  # type: ignore[arg-type]
        sqlite_storage.uow,
        FrozenClock(NOW),
    )
    caplog.set_level(logging.WARNING, logger="apscheduler")
    runner.start(outbox=waker)
    try:
        await asyncio.wait_for(delivery.in_first_pass.wait(), 60)
        for _ in range(5):  # commits that queued messages while the pass runs
            waker.after_commit({"notifications"})
        delivery.release.set()
        await eventually(lambda: delivery.passes >= 2, "a second pass after the wake-ups")
    finally:
        await waker.stop()
        runner.shutdown()
    assert not [r for r in caplog.records if "maximum number of running instances" in r.message]

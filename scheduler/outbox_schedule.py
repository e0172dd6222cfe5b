"""Runs the sender when something is due: right after a commit queued a message, at the next
due time, and every minute as a safety net (rows queued by other instances)."""

from __future__ import annotations

import asyncio
import contextvars
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from core.clock import Clock
from core.metrics import Metrics, timed
from scheduler.outbox_delivery import OutboxDelivery
from storage.uow import UnitOfWorkFactory

log = structlog.get_logger(__name__)
JOB_ID = "outbox"
SAFETY_NET = timedelta(seconds=60)


class OutboxWaker:
    def __init__(
        self,
        scheduler: AsyncIOScheduler,
        delivery: OutboxDelivery,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        metrics: Metrics | None = None,
    ) -> None:
        self._scheduler = scheduler
        self._delivery = delivery
        self._uow_factory = uow_factory
        self._clock = clock
        self._running: set[asyncio.Task[Any]] = set()
        self._job_seconds = (metrics or Metrics()).job_seconds

    def wake(self, delay: timedelta = timedelta()) -> None:
        """Have the sender run after `delay` (the scheduler's clock is real time). Scheduled
        from an empty context: the caller's (an update's Unit of Work, its log ids) must not
        travel into the sender's task."""
        if self._scheduler.running:
            contextvars.Context().run(self._schedule, delay)

    def _schedule(self, delay: timedelta) -> None:
        self._scheduler.add_job(
            self.run,
            "date",
            run_date=datetime.now(UTC) + delay,
            id=JOB_ID,
            replace_existing=True,
            misfire_grace_time=None,
        )

    def after_commit(self, written: set[str]) -> None:
        if "notifications" in written:
            self.wake()

    async def stop(self, seconds: float = 3.0) -> None:
        """Let a running pass finish the message it is sending (and mark it), hand back the
        rest, and wake no more."""
        self._delivery.stopping = True
        if self._running:
            await asyncio.wait(self._running, timeout=seconds)

    async def run(self) -> None:
        if self._delivery.stopping:
            return
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        try:
            with timed(self._job_seconds, job=JOB_ID):
                while await self._delivery.deliver_due():
                    pass
        except Exception:
            log.exception("outbox.pass_failed")
            self.wake(timedelta(seconds=5))
            return
        if self._delivery.stopping:
            return
        async with self._uow_factory() as uow:
            next_due = await uow.notifications.next_due_at()
        wait = SAFETY_NET
        if next_due is not None:
            wait = min(SAFETY_NET, max(timedelta(), next_due - self._clock.now()))
        self.wake(wait)

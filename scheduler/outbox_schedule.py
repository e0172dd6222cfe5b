"""Runs the sender when something is due: right after a commit queued a message, at the next
due time, and every minute as a safety net (rows queued by other instances). A wake-up that
arrives while a pass runs makes that pass go round once more: it is never dropped."""

from __future__ import annotations

import asyncio
import contextvars
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from core.clock import Clock
from core.metrics import Metrics, timed
from domain.messaging.delivery import next_due as next_due_at
from scheduler.outbox_delivery import OutboxDelivery
from storage.uow import UnitOfWorkFactory

log = structlog.get_logger(__name__)
# Set inside a pass: the sender's own commits (claims, outcomes) are not news to it.
_IN_PASS: contextvars.ContextVar[bool] = contextvars.ContextVar("outbox_in_pass", default=False)
JOB_ID = "outbox"
SAFETY_NET = timedelta(seconds=60)
# The soonest a run plans the next: by then it has ended, so the next is not refused as a
# second instance (a row due sooner is one whose lease or backoff runs out).
MIN_WAIT = timedelta(seconds=1)


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
        self._in_pass = False
        self._again = False  # woken while in a pass: go round once more
        self._job_seconds = (metrics or Metrics()).job_seconds

    def wake(self, delay: timedelta = timedelta()) -> None:
        """Have the sender run after `delay` (the scheduler's clock is real time). Scheduled
        from an empty context: the caller's (an update's Unit of Work, its log ids) must not
        travel into the sender's task."""
        if _IN_PASS.get():
            return  # the pass's own writes: it plans its next run itself
        if self._in_pass and delay <= timedelta():
            self._again = True  # a job scheduled now would be skipped as a second instance
            return
        self._plan(delay)

    def _plan(self, delay: timedelta) -> None:
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
        token = _IN_PASS.set(True)
        try:
            await self._passes()
        finally:
            _IN_PASS.reset(token)

    async def _passes(self) -> None:
        while True:
            self._in_pass, self._again = True, False
            try:
                with timed(self._job_seconds, job=JOB_ID):
                    while await self._delivery.deliver_due():
                        pass
                async with self._uow_factory() as uow:
                    next_due = await next_due_at(uow)
            except Exception:
                log.exception("outbox.pass_failed")
                self._in_pass = False
                self._plan(timedelta(seconds=5))
                return
            self._in_pass = False  # no await from here on: a wake-up either came or will plan
            if self._delivery.stopping:
                return
            if not self._again:
                break
            # Woken during the pass: go round again in this run. A job planned for now would
            # be skipped, this run still being the one instance.
        wait = SAFETY_NET
        if next_due is not None:
            wait = min(SAFETY_NET, max(MIN_WAIT, next_due - self._clock.now()))
        self._plan(wait)

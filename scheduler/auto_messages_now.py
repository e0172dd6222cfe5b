"""Auto-messages start when they are saved, not at the minute job's next pass: a broadcast sent
"now" from the panel or the API is queued within a moment of its commit, and so is a trigger
message's first round. The minute job still runs them (its safety net, and other instances'
saves); both call `run_due` and the outbox's dedupe keys queue each message once.

A save commits the `auto_messages` cache tag; the commit hook plans a one-off job. The runs' own
writes (a broadcast marked running, then done) are not news to them: a run sets `_IN_RUN`, and a
save that arrives while a run is on makes that run go round once more (a run that fails leaves
it to the minute job). At shutdown the run under way finishes its message, and none starts."""

from __future__ import annotations

import asyncio
import contextvars
from datetime import UTC, datetime

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from core.metrics import Metrics, timed
from domain.bookings.booking import Messaging
from domain.messaging.auto_messages import run_auto_messages
from storage.uow import UnitOfWorkFactory

log = structlog.get_logger(__name__)

JOB_ID = "auto_messages_now"
TAG = "auto_messages"  # the repository's cache tag: written by every save of an auto-message
_IN_RUN: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "auto_messages_in_run", default=False
)


async def run_due(uows: UnitOfWorkFactory, messaging: Messaging) -> int:
    """Queue what every scheduled or running auto-message owes now (see `run_auto_messages`);
    what this writes wakes no one."""
    token = _IN_RUN.set(True)
    try:
        return await run_auto_messages(uows, messaging.catalog, messaging.clock, messaging.rules)
    finally:
        _IN_RUN.reset(token)


class AutoMessageWaker:
    def __init__(
        self,
        scheduler: AsyncIOScheduler,
        uows: UnitOfWorkFactory,
        messaging: Messaging,
        metrics: Metrics | None = None,
    ) -> None:
        self._scheduler = scheduler
        self._uows = uows
        self._messaging = messaging
        self._job_seconds = (metrics or Metrics()).job_seconds
        self._running: asyncio.Task[None] | None = None
        self._again = False
        self._stopping = False

    def after_commit(self, written: set[str]) -> None:
        if TAG not in written or _IN_RUN.get() or self._stopping:
            return
        if self._running is not None:
            self._again = True  # a job planned now would be skipped as a second instance
            return
        if self._scheduler.running:  # from an empty context: the request's must not travel
            contextvars.Context().run(self._plan)

    def _plan(self) -> None:
        self._scheduler.add_job(
            self.run,
            "date",
            run_date=datetime.now(UTC),
            id=JOB_ID,
            replace_existing=True,
            misfire_grace_time=None,
        )

    async def run(self) -> None:
        if self._stopping:
            return
        self._running = asyncio.current_task()
        try:
            while True:
                self._again = False
                with timed(self._job_seconds, job=JOB_ID):
                    await run_due(self._uows, self._messaging)
                if not self._again or self._stopping:
                    return
        except Exception:  # the minute job tries again
            log.exception("auto_messages.run_now_failed")
        finally:
            self._running = None

    async def stop(self, seconds: float = 3.0) -> None:
        """Plan no more runs; let the one under way finish (each message is queued in one
        transaction, so a run cut short loses nothing, but its cache marks would be left out)."""
        self._stopping = True
        if self._running is not None:
            await asyncio.wait({self._running}, timeout=seconds)

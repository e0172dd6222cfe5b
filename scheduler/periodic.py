"""The minute job: expiry of unanswered requests, attendance prompts, daily digests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import structlog

from core.metrics import Metrics, timed
from domain.bookings import jobs as recruiter_jobs
from domain.bookings.booking import Messaging
from scheduler.auto_messages_now import run_due
from storage.uow import UnitOfWorkFactory

log = structlog.get_logger(__name__)


class PeriodicJobs:
    def __init__(
        self,
        uows: UnitOfWorkFactory,
        messaging: Messaging,
        pending_expiry: timedelta,
        metrics: Metrics | None = None,
    ) -> None:
        self._uows = uows
        self._messaging = messaging
        self._pending_expiry = pending_expiry
        self._job_seconds = (metrics or Metrics()).job_seconds

    async def run(self) -> None:
        # One failing job must not keep the others from running; each is logged.
        jobs: tuple[tuple[str, Callable[[], Awaitable[int]]], ...] = (
            ("expire_pending", self._expire),
            ("attendance_prompts", self._attendance),
            ("daily_digests", self._digests),
            ("auto_messages", self._auto_messages),
        )
        for name, job in jobs:
            try:
                with timed(self._job_seconds, job=name):
                    await job()
            except Exception:
                log.exception("job.failed", job=name)

    async def _expire(self) -> int:
        return await recruiter_jobs.expire_pending(
            self._uows, self._messaging, self._pending_expiry
        )

    async def _attendance(self) -> int:
        return await recruiter_jobs.queue_attendance_prompts(self._uows, self._messaging)

    async def _auto_messages(self) -> int:
        return await run_due(self._uows, self._messaging)

    async def _digests(self) -> int:
        return await recruiter_jobs.queue_daily_digests(self._uows, self._messaging)

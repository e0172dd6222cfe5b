"""The nightly retention job: erases the personal data of candidates inactive for
RETENTION_DAYS (`domain.privacy.retention`); the count is logged there and shown on the
dashboard."""

from __future__ import annotations

import structlog

from core.metrics import Metrics, timed
from domain.bookings.booking import Messaging
from domain.privacy.retention import erase_inactive
from storage.uow import UnitOfWorkFactory

log = structlog.get_logger(__name__)

# 03:30 UTC: after the day in every zone the product serves, before the morning's reminders.
NIGHTLY = {"hour": 3, "minute": 30}


class RetentionJob:
    def __init__(
        self,
        uows: UnitOfWorkFactory,
        messaging: Messaging,
        days: int,
        metrics: Metrics | None = None,
    ) -> None:
        self._uows = uows
        self._messaging = messaging
        self.days = days
        self._job_seconds = (metrics or Metrics()).job_seconds

    async def run(self) -> int:
        try:
            with timed(self._job_seconds, job="retention"):
                return await erase_inactive(self._uows, self._messaging, self.days)
        except Exception:
            log.exception("job.failed", job="retention")
            return 0

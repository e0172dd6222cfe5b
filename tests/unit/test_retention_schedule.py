"""The retention job is scheduled nightly only when RETENTION_DAYS is set."""

from __future__ import annotations

from core.clock import FrozenClock
from domain.bookings.booking import Messaging
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from scheduler.factory import SchedulerRunner
from scheduler.retention import RetentionJob
from tests.support.factories import NOW


def _job(days: int) -> RetentionJob:
    messaging = Messaging(Catalog.load("en"), FrozenClock(NOW), BookingRules())
    return RetentionJob(lambda: None, messaging, days)  # type: ignore[arg-type,return-value]


async def test_retention_runs_nightly_when_set_and_not_at_all_when_off() -> None:
    runner = SchedulerRunner()
    runner.start(retention=_job(30))
    try:
        job = runner.scheduler.get_job("retention")
        assert job is not None
        assert str(job.trigger) == "cron[hour='3', minute='30']"
    finally:
        runner.shutdown()
    off = SchedulerRunner()
    off.start(retention=_job(0))
    try:
        assert off.scheduler.get_job("retention") is None
    finally:
        off.shutdown()

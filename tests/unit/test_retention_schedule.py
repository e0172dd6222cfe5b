"""The retention job is scheduled nightly only when RETENTION_DAYS is set."""

from __future__ import annotations

import asyncio

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


async def test_retention_runs_at_start_and_however_late_so_no_night_is_skipped() -> None:
    """The job store lives in memory: a night the process was down leaves nothing to catch up,
    so the job runs once at start; one late while the process is up still runs."""
    ran = asyncio.Event()

    class Recorded(RetentionJob):
        async def run(self) -> int:
            ran.set()
            return 0

    runner = SchedulerRunner()
    runner.start(retention=Recorded(lambda: None, _job(30)._messaging, 30))  # type: ignore[arg-type,return-value]
    try:
        job = runner.scheduler.get_job("retention")
        assert job is not None
        assert job.misfire_grace_time is None and job.coalesce
        await asyncio.wait_for(ran.wait(), timeout=10)  # at start, not at 03:30
    finally:
        runner.shutdown()

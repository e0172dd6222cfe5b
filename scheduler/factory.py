"""The scheduler for timed work (reminders, expiry, digests); the database stays the truth."""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scheduler.outbox_schedule import OutboxWaker
from scheduler.periodic import PeriodicJobs
from scheduler.retention import NIGHTLY, RetentionJob


class SchedulerRunner:
    def __init__(self) -> None:
        self.scheduler = AsyncIOScheduler(
            timezone="UTC",
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
        )

    @property
    def state(self) -> str:
        return "running" if self.scheduler.running else "stopped"

    def start(
        self,
        outbox: OutboxWaker | None = None,
        periodic: PeriodicJobs | None = None,
        retention: RetentionJob | None = None,
    ) -> None:
        if periodic is not None:
            self.scheduler.add_job(
                periodic.run, "interval", seconds=60, id="periodic", replace_existing=True
            )
        if retention is not None and retention.days > 0:  # RETENTION_DAYS=0: off
            self.scheduler.add_job(
                retention.run, "cron", **NIGHTLY, id="retention", replace_existing=True
            )
        self.scheduler.start()
        if outbox is not None:
            outbox.wake()  # whatever fell due while the process was down goes out now

    def shutdown(self) -> None:
        if self.scheduler.running:
            # Jobs write their progress to the database, so they need not be waited for here.
            self.scheduler.shutdown(wait=False)

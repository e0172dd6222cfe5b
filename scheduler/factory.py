"""The scheduler for timed work (reminders, expiry, digests); the database stays the truth."""

from __future__ import annotations

from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scheduler.busy_calendars import BusyCalendarJob
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
        busy_calendars: BusyCalendarJob | None = None,
    ) -> None:
        if periodic is not None:
            self.scheduler.add_job(
                periodic.run, "interval", seconds=60, id="periodic", replace_existing=True
            )
        if busy_calendars is not None:  # its own job: slow calendars never hold up the others
            self.scheduler.add_job(
                busy_calendars.run,
                "interval",
                seconds=60,
                id="busy_calendars",
                replace_existing=True,
                next_run_time=datetime.now(UTC),
            )
        if retention is not None and retention.days > 0:  # RETENTION_DAYS=0: off
            # The job store lives in memory: a night the process was down leaves no missed run
            # to catch up. So it also runs once at start (erasing who is due is right at any
            # hour), and a run that is late while the process is up (a busy loop, a suspended
            # machine) still happens, once, however late.
            self.scheduler.add_job(
                retention.run,
                "cron",
                **NIGHTLY,
                id="retention",
                replace_existing=True,
                misfire_grace_time=None,
                coalesce=True,
                next_run_time=datetime.now(UTC),
            )
        self.scheduler.start()
        if outbox is not None:
            outbox.wake()  # whatever fell due while the process was down goes out now

    def shutdown(self) -> None:
        if self.scheduler.running:
            # Jobs write their progress to the database, so they need not be waited for here.
            self.scheduler.shutdown(wait=False)

"""The scheduler for timed work (reminders, expiry, digests); the database stays the truth."""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler


class SchedulerRunner:
    def __init__(self) -> None:
        self.scheduler = AsyncIOScheduler(
            timezone="UTC",
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
        )

    @property
    def state(self) -> str:
        return "running" if self.scheduler.running else "stopped"

    def start(self) -> None:
        self.scheduler.start()

    def shutdown(self) -> None:
        if self.scheduler.running:
            # Jobs write their progress to the database, so they need not be waited for here.
            self.scheduler.shutdown(wait=False)

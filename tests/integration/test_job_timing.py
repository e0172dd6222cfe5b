"""Scheduled jobs record how long each run took, under the job's name."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from core.clock import FrozenClock
from core.metrics import Metrics
from domain.bookings.booking import Messaging
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from scheduler.outbox_delivery import OutboxDelivery
from scheduler.outbox_schedule import OutboxWaker
from scheduler.periodic import PeriodicJobs
from tests.conftest import Storage
from tests.support.bot import RecordingSession
from tests.support.factories import NOW


def _runs(metrics: Metrics, job: str) -> float | None:
    return metrics.registry.get_sample_value("job_seconds_count", {"job": job})


async def test_the_minute_job_times_each_of_its_jobs(sqlite_storage: Storage) -> None:
    metrics = Metrics()
    messaging = Messaging(Catalog.load("ru"), FrozenClock(NOW), BookingRules())
    jobs = PeriodicJobs(sqlite_storage.uow, messaging, timedelta(hours=24), metrics)
    await jobs.run()
    await jobs.run()
    for job in ("expire_pending", "attendance_prompts", "daily_digests", "auto_messages"):
        assert _runs(metrics, job) == 2, job


async def test_an_outbox_pass_is_timed(sqlite_storage: Storage) -> None:
    metrics = Metrics()
    clock = FrozenClock(NOW)
    bot = Bot("42:TEST", session=RecordingSession())
    delivery = OutboxDelivery(sqlite_storage.uow, bot, clock, metrics=metrics)
    waker = OutboxWaker(AsyncIOScheduler(), delivery, sqlite_storage.uow, clock, metrics)
    await waker.run()
    assert _runs(metrics, "outbox") == 1

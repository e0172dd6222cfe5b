"""The sender runs when something is due, not by polling: at once after a commit that queued a
message, and at the next due time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scheduler.outbox_schedule import JOB_ID
from tests.e2e.conftest import RunningApp
from tests.e2e.journey import book_first_time, screened, wait_for_message
from tests.e2e.recruiting import invited_recruiter
from tests.support.waiting import eventually


async def test_a_queued_card_goes_out_without_anyone_polling(running_app: RunningApp) -> None:
    recruiter = await invited_recruiter(running_app)
    candidate = await screened(running_app, "en", city="Москва")
    await book_first_time(candidate, "en", expect=1)
    # No explicit delivery: the commit wakes the sender (the safety net would take 60 s).
    card = await wait_for_message(recruiter, "⏳ Ann Smith", seconds=30)
    assert card["buttons"]


async def test_the_next_run_is_set_for_the_next_due_message(running_app: RunningApp) -> None:
    async with running_app.app.uow_factory() as uow:
        await uow.notifications.enqueue(
            [
                {
                    "kind": "later",
                    "recipient_chat_id": 1,
                    "payload": {"text": "x"},
                    "due_at": running_app.clock.now() + timedelta(seconds=40),
                    "dedupe_key": "later",
                }
            ]
        )
        await uow.commit()
    scheduler = running_app.app.scheduler.scheduler

    def woken_for_the_due_row() -> bool:
        job = scheduler.get_job(JOB_ID)
        return job is not None and job.next_run_time > datetime.now(UTC) + timedelta(seconds=30)

    await eventually(woken_for_the_due_row, "the sender is set to wake for the row due later")
    job = scheduler.get_job(JOB_ID)
    assert job is not None
    delay = job.next_run_time - datetime.now(UTC)
    assert timedelta(seconds=30) < delay <= timedelta(seconds=41)

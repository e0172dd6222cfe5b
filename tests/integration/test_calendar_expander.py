"""The busy calendars' worker process (scheduler.busy_calendars.ProcessExpander): a round
cancelled mid-read (the application stopping) ends the worker at once instead of leaving a
thread or a process working on; closing it ends the process."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scheduler.busy_calendars import ProcessExpander
from tests.support.waiting import eventually

# Half an hour every hour since 1970: seconds of work to reach this year.
SLOW = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:hourly@test\r\n"
    b"DTSTAMP:20270301T000000Z\r\nDTSTART:19700101T000000Z\r\nDURATION:PT30M\r\n"
    b"RRULE:FREQ=HOURLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
START = datetime(2027, 3, 1, tzinfo=UTC)


async def _ended(workers: list[Any]) -> None:
    def gone() -> bool:
        return not any(worker.is_alive() for worker in workers)

    await eventually(gone, "the worker process ended")


async def test_a_cancelled_read_ends_its_worker_at_once() -> None:
    expander = ProcessExpander(600)  # never reached: the round is cancelled first
    reading = asyncio.create_task(expander(SLOW, START, START + timedelta(days=60), "UTC"))
    await eventually(lambda: expander._pool is not None, "the worker started")
    workers = list(expander._pool._pool)  # type: ignore[union-attr,attr-defined]
    reading.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reading
    assert expander._pool is None
    await _ended(workers)


async def test_a_quick_calendar_is_read_and_close_ends_the_worker() -> None:
    expander = ProcessExpander(30)
    quick = SLOW.replace(b"19700101T000000Z", b"20270301T090000Z").replace(
        b"FREQ=HOURLY", b"FREQ=DAILY;COUNT=2"
    )
    found = await expander(quick, START, START + timedelta(days=60), "UTC")
    assert found == [
        (datetime(2027, 3, 1, 9, tzinfo=UTC), datetime(2027, 3, 1, 9, 30, tzinfo=UTC)),
        (datetime(2027, 3, 2, 9, tzinfo=UTC), datetime(2027, 3, 2, 9, 30, tzinfo=UTC)),
    ]
    workers = list(expander._pool._pool)  # type: ignore[union-attr,attr-defined]
    await expander.close()
    assert expander._pool is None
    await _ended(workers)

"""A pause that comes while a broadcast is being queued waits for the run, then finds it done:
the broadcast stays done, and resuming it never runs it a second time (it would reach everyone
who joined since). On PostgreSQL, where the two transactions really overlap (SQLite has one
writer at a time, so a pause there begins only after the run has committed)."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from core.clock import FrozenClock
from core.enums import AutoMessageState
from core.result import Success
from domain.messaging.auto_messages import run_auto_messages, set_paused
from domain.scheduling.picker import BookingRules
from tests.conftest import Storage
from tests.integration.test_auto_messages import CATALOG, NOON_MSK, _create, _world
from tests.support.factories import make_candidate
from tests.support.waiting import eventually

BLOCKED_BY = "SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))"


async def _pause(storage: Storage, message_id: int) -> None:
    async with storage.uow() as uow:
        assert isinstance(await set_paused(uow, message_id, True), Success)


async def test_a_pause_during_the_queueing_leaves_the_broadcast_done(
    postgres_storage: Storage,
) -> None:
    storage = postgres_storage
    ids = await _world(storage)
    clock = FrozenClock(NOON_MSK)
    message_id = await _create(
        storage, clock, name="x", kind="broadcast", text="Hi", audience={"city_ids": [ids["city"]]}
    )
    # The run's transaction, as `_run_one` holds it while it queues.
    async with storage.uow() as running:
        message = await running.auto_messages.get_locked(message_id)
        assert message is not None
        message.state = AutoMessageState.RUNNING
        await running.session.flush()
        run_pid = (await running.session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        pausing = asyncio.create_task(_pause(storage, message_id))

        async def pause_waits_for_the_run() -> bool:
            async with storage.engine.connect() as conn:
                waiting = await conn.execute(text(BLOCKED_BY), {"pid": run_pid})
                return bool(waiting.scalar_one())

        await eventually(pause_waits_for_the_run, "the pause waits for the run's transaction")
        message.state = AutoMessageState.DONE
        await running.commit()
    await pausing
    async with storage.uow() as uow:
        message = await uow.auto_messages.get(message_id)
        assert message is not None and message.state is AutoMessageState.DONE
        assert isinstance(await set_paused(uow, message_id, False), Success)
    async with storage.uow() as uow:
        city = await uow.cities.get(ids["city"])
        assert city is not None
        await make_candidate(uow, city, full_name="joined later")
        await uow.commit()
    assert await run_auto_messages(storage.uow, CATALOG, clock, BookingRules()) == 0

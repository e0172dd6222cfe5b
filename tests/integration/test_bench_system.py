"""The system rows of `make bench`, at toy sizes on SQLite: every figure comes back filled in,
the booking race is decided by the database, and the dataset is left as it was found."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.app_memory import app_memory_figure
from bench.system_ops import SystemSizes, system_figures
from storage.cache import Cache, MemoryBackend
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import Booking, Candidate, City, Recruiter, Slot
from storage.uow import uow_factory
from tests.support.factories import make_candidate, make_city, make_recruiter, make_slot

TINY = SystemSizes(
    attempts=20,
    slots=2,
    race_rounds=1,
    updates=30,
    update_batch=10,
    broadcast_recipients=5,
    broadcast_rate=1000,
    memory=False,
    outside=False,
    cpu_users=4,
)


@pytest.fixture
async def dataset(tmp_path: Path) -> str:
    """A migrated SQLite database holding a city, a recruiter, a slot and five candidates."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    uows = uow_factory(create_session_factory(engine), Cache(MemoryBackend()))
    async with uows() as uow:
        city = await make_city(uow)
        await make_slot(uow, await make_recruiter(uow, city), city)
        for _ in range(5):
            await make_candidate(uow, city)
        await uow.commit()
    await engine.dispose()
    return url


async def _row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return {
                model.__tablename__: int(
                    await conn.scalar(select(func.count()).select_from(model)) or 0
                )
                for model in (Candidate, City, Recruiter, Slot, Booking)
            }
    finally:
        await engine.dispose()


async def test_the_figures_come_back_filled_in_and_the_dataset_as_found(dataset: str) -> None:
    before = await _row_counts(dataset)
    race, updates, broadcast, cpu = await system_figures("sqlite", dataset, None, 5, sizes=TINY)

    assert race.operation == "20 concurrent attempts to book 2 slots"
    assert race.unit == "ms"
    assert race.extra["succeeded"] == 2
    assert race.extra["bookings"] == 2  # counted in the database after the race
    assert race.extra["double_booked_slots"] == 0
    assert race.met is True

    assert updates.unit == "updates/s"
    assert updates.extra["updates"] == 30
    assert updates.extra["candidates_registered"] == 10
    assert updates.extra["bot_messages_sent"] >= 20  # at least the welcome and the city question
    assert updates.met is None  # the target is stated for PostgreSQL

    assert broadcast.unit == "% of limit"
    assert broadcast.extra["delivered"] == 5
    assert broadcast.size == 5

    # The in-process CPU per update, beside the trivial aiogram bot (its own scratch database).
    assert cpu.unit == "ms"
    assert cpu.extra["updates"] == 4 * 6  # six steps of each new candidate's conversation
    assert cpu.floor is not None and cpu.floor > 0
    assert cpu.met is not None
    assert cpu.size is None  # measured on the demo rows, not on the dataset

    for figure in (race, updates, broadcast, cpu):
        assert figure.backend == "sqlite"
        assert figure.project > 0
        assert figure.target
        assert figure.note
    for figure in (race, updates):
        assert figure.size == 5
        assert figure.floor is not None and figure.floor > 0
    assert race.naive is not None and race.naive > 0
    assert updates.naive is None  # the same code one update at a time measured nothing
    assert await _row_counts(dataset) == before


async def test_the_running_app_is_measured_and_stopped_cleanly(dataset: str) -> None:
    figure = await app_memory_figure(
        backend="sqlite", database_url=dataset, redis_url=None, size=5, personas=1, panel=True
    )
    assert figure.unit == "MB"
    assert 20 < figure.project < 4000
    assert figure.extra["exit_code"] == 0
    assert figure.extra["bot_messages_to_personas"] >= 2
    assert figure.extra["panel_bytes_read"] > 0

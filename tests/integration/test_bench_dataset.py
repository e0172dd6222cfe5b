"""The benchmark's dataset and runner: a realistic spread, the same data for the same seed, and
`python -m bench` producing its table and files (on a tiny size, nothing timed)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Select, func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.__main__ import main
from bench.dataset import DatabaseNotEmpty, fill
from core.enums import BookingStatus, CandidateStatus, NotificationStatus
from storage.engine import create_engine
from storage.models import Booking, Candidate, Notification, Slot, recruiter_cities

NOW = datetime(2026, 3, 4, 12, tzinfo=UTC)


async def _scalar(engine: AsyncEngine, stmt: Select[Any]) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(stmt) or 0)


async def _grouped(engine: AsyncEngine, column: Any) -> dict[str, int]:
    async with engine.connect() as conn:
        rows = await conn.execute(select(column, func.count()).group_by(column))
        return {str(getattr(k, "value", k)): n for k, n in rows.all()}


async def test_fill_spreads_candidates_over_the_pipeline(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}")
    try:
        info = await fill(engine, 400, seed=3, now=NOW)

        assert info.rows["candidates"] == 400
        assert info.rows["cities"] == 20
        assert info.rows["recruiters"] == 60
        cities_per_recruiter = await _grouped(engine, recruiter_cities.c.recruiter_id)
        assert len(cities_per_recruiter) == 60
        assert set(cities_per_recruiter.values()) <= {1, 2, 3}

        statuses = await _grouped(engine, Candidate.status)
        assert len(statuses) >= 12
        # A funnel: many fail screening, few are hired.
        assert statuses["screening_failed"] > statuses.get("hired", 0) > 0

        bookings = await _grouped(engine, Booking.status)
        for status in (BookingStatus.PENDING, BookingStatus.ATTENDED, BookingStatus.NO_SHOW):
            assert bookings.get(status.value, 0) > 0
        slots = await _scalar(engine, select(func.count()).select_from(Slot))
        assert slots > sum(bookings.values())  # some are still free
        past = await _scalar(
            engine, select(func.count()).select_from(Slot).where(Slot.starts_at < NOW)
        )
        assert 0 < past < slots  # months behind, some ahead

        hired = await _scalar(
            engine,
            select(func.count())
            .select_from(Booking)
            .join(Candidate, Candidate.id == Booking.candidate_id)
            .where(Candidate.status == CandidateStatus.HIRED),
        )
        assert hired >= 2 * statuses["hired"] - 1  # an interview and an intro day each

        outbox = await _grouped(engine, Notification.status)
        assert outbox.get(NotificationStatus.SENT.value, 0) > 0
        assert outbox.get(NotificationStatus.PENDING.value, 0) > 0
        assert info.rows["candidate_status_history"] > info.rows["candidates"]
        assert info.rows["test_results"] > 0
        assert info.rows["test_answers"] > 0

        named = await _scalar(
            engine,
            select(func.count())
            .select_from(Candidate)
            .where(Candidate.search_text.contains(info.search_name.lower())),
        )
        assert named > 0  # the name the search benchmark looks for is there

        with pytest.raises(DatabaseNotEmpty):
            await fill(engine, 10, now=NOW)
    finally:
        await engine.dispose()


async def test_the_same_seed_gives_the_same_data(tmp_path: Path) -> None:
    dumps = []
    for name in ("a", "b"):
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / name}.db")
        try:
            await fill(engine, 150, seed=7, now=NOW)
            async with engine.connect() as conn:
                rows = await conn.execute(
                    text("SELECT id, full_name, phone, status, city_id FROM candidates ORDER BY id")
                )
                slots = await conn.execute(text("SELECT recruiter_id, starts_at FROM slots"))
                dumps.append((rows.all(), sorted(slots.all())))
        finally:
            await engine.dispose()
    assert dumps[0] == dumps[1]


def test_runner_prints_a_table_and_writes_its_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["--sizes", "150", "--quick", "--skip-postgres", "--skip-system", "--out", str(tmp_path)]
    )

    assert code == 0
    printed = capsys.readouterr().out
    assert "| operation | backend |" in printed
    assert "cached single read" in printed
    assert "CPU:" in printed
    payload = json.loads((tmp_path / "latest.json").read_text())
    operations = {f["operation"] for f in payload["figures"]}
    assert {"cached single read", "batch insert of 100 slots", "dashboard funnel"} <= operations
    assert all(f["size"] == 150 and f["backend"] == "sqlite" for f in payload["figures"])
    assert (tmp_path / "latency_vs_size.png").stat().st_size > 0
    assert "| operation |" in (tmp_path / "latest.md").read_text()

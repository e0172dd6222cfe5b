"""`make bench`'s HTTP rows (bench.http_floor.http_figures), briefly, on a small PostgreSQL
database of its own: each request kind comes back beside its SQL floor and its HTTP floor, with
issue 15's targets where it sets them; on SQLite there are no rows (the floors are asyncpg's)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy.engine import make_url

from bench.dataset import fill_url
from bench.http_floor import http_figures
from tests.support.services import POSTGRES_URL, check_postgres


@pytest.fixture
async def filled_postgres() -> AsyncIterator[str]:
    """A PostgreSQL database of its own (the app connects by URL, so no per-test schema),
    filled by bench.dataset with 60 candidates, dropped afterwards."""
    await check_postgres()
    name = f"bench_http_{uuid.uuid4().hex[:10]}"
    server = make_url(POSTGRES_URL).set(drivername="postgresql", database="postgres")
    admin = await asyncpg.connect(server.render_as_string(False))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(False)
    try:
        await fill_url(url, 60)
        yield url
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


async def test_each_request_comes_back_beside_both_floors(filled_postgres: str) -> None:
    figures = await http_figures("postgres", filled_postgres, None, 60, seconds=0.5)

    by_operation = {f.operation: f for f in figures}
    dashboard = by_operation["dashboard over HTTP, median latency"]
    assert dashboard.unit == "ms" and dashboard.target == "median < 50 ms"
    assert dashboard.met is (dashboard.project < 50)
    for what, share in (
        ("dashboard", None),
        ("candidate list", 0.8),
        ("search by name", None),
        ("slot list (100)", 0.5),
    ):
        sql = by_operation[f"{what} over HTTP (SQL floor)"]
        http = by_operation[f"{what} over HTTP (HTTP floor)"]
        assert sql.unit == http.unit == "requests/s"
        assert sql.project > 0 and sql.floor is not None and sql.floor > 0
        assert http.floor is not None and http.floor > 0
        if share is None:
            assert sql.target == "" and sql.met is None
        else:
            assert sql.target == f"≥ {share:g} of the SQL floor"
            assert sql.met is (sql.project / sql.floor >= share)
        assert sql.extra["statements"] >= 1 and sql.extra["body_bytes"] > 0
        assert sql.size == 60 and sql.backend == "postgres"
    assert len(figures) == 9


async def test_sqlite_has_no_http_rows() -> None:
    assert await http_figures("sqlite", "sqlite+aiosqlite:///unused.db", None, 5) == []

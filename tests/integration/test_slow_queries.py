from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.slow_queries import watch_slow_queries
from tests.support.database import sqlite_engine


async def test_queries_over_the_threshold_are_logged_and_fast_ones_are_not(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with sqlite_engine(tmp_path) as engine:
        watch_slow_queries(engine, threshold_ms=50)
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            assert not [r for r in caplog.records if "db.slow_query" in r.getMessage()]
            # A recursive CTE that counts to a few million takes well over 50 ms.
            await conn.execute(
                text(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                    "WHERE i < 3000000) SELECT count(*) FROM n"
                )
            )
    slow = [r for r in caplog.records if "db.slow_query" in r.getMessage()]
    assert len(slow) == 1
    assert "WITH RECURSIVE" in slow[0].getMessage()

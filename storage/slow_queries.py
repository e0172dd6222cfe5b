"""Logs every query slower than a threshold, with its duration and (shortened) SQL."""

from __future__ import annotations

import time
from typing import Any

import structlog
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

log = structlog.get_logger(__name__)
_STARTED = "slow_queries.started"


def watch_slow_queries(engine: AsyncEngine, threshold_ms: float) -> None:
    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _before(conn: Any, _cursor: Any, _statement: str, *_args: Any) -> None:
        conn.info.setdefault(_STARTED, []).append(time.perf_counter())

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _after(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        started = conn.info[_STARTED].pop()
        elapsed_ms = (time.perf_counter() - started) * 1000
        if elapsed_ms >= threshold_ms:
            log.warning(
                "db.slow_query", duration_ms=round(elapsed_ms, 1), statement=statement[:500]
            )

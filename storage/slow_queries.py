"""Times every statement: into the metrics' histogram when given, and every one slower than a
threshold is logged with its duration and (shortened) SQL."""

from __future__ import annotations

import time
from typing import Any

import structlog
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from core.metrics import Metrics, sql_operation

log = structlog.get_logger(__name__)
_STARTED = "slow_queries.started"
_CHILDREN = 1000


def watch_slow_queries(
    engine: AsyncEngine, threshold_ms: float, metrics: Metrics | None = None
) -> None:
    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _before(conn: Any, _cursor: Any, _statement: str, *_args: Any) -> None:
        conn.info.setdefault(_STARTED, []).append(time.perf_counter())

    # The histogram's child for each statement's text, found once: the texts come from
    # SQLAlchemy's compiled cache, a bounded set (cleared if it ever grows past that).
    children: dict[str, Any] = {}

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _after(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        elapsed = time.perf_counter() - conn.info[_STARTED].pop()
        if metrics is not None:
            child = children.get(statement)
            if child is None:
                if len(children) >= _CHILDREN:
                    children.clear()
                child = metrics.db_query_seconds.labels(operation=sql_operation(statement))
                children[statement] = child
            child.observe(elapsed)
        if elapsed * 1000 >= threshold_ms:
            if metrics is not None:
                metrics.db_slow_queries.inc()
            log.warning(
                "db.slow_query", duration_ms=round(elapsed * 1000, 1), statement=statement[:500]
            )

    @event.listens_for(engine.sync_engine, "handle_error")
    def _failed(context: Any) -> None:
        # A failing statement (e.g. a lost race on a unique index) has no "after": drop its start.
        started = context.connection.info.get(_STARTED) if context.connection else None
        if started:
            started.pop()

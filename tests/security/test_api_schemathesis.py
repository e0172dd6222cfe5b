"""Schemathesis with every check, on SQLite and on PostgreSQL (issue 16: "a schemathesis run with
all checks finds no 5xx"), and each generated request sent twice more, poisoned the way the
probe did: every text with a NUL character in it, every integer at 2^63. Whatever comes back
must be an answer the document allows, never a 5xx. (tests/admin/test_api_contract.py is the
document's own contract, on SQLite, with more examples.)"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, positive_data_acceptance
from schemathesis.config import SchemathesisConfig
from sqlalchemy.ext.asyncio import AsyncEngine

from admin.api import OPERATIONS
from admin.api.openapi import document
from tests.support.database import postgres_engine, sqlite_engine
from tests.support.served_api import serve_api

TOKEN = "rbt_security-schemathesis-only"
schema = schemathesis.openapi.from_dict(
    document(OPERATIONS),
    config=SchemathesisConfig.from_dict({"auth": {"openapi": {"bearer": {"bearer": TOKEN}}}}),
)
HUGE = 2**63


def _engine(backend: str, directory: Path) -> AbstractAsyncContextManager[AsyncEngine]:
    return sqlite_engine(directory) if backend == "sqlite" else postgres_engine(pool_size=5)


@asynccontextmanager
async def _served(backend: str, directory: Path) -> AsyncIterator[str]:
    async with _engine(backend, directory) as engine:
        runner, url = await serve_api(engine, TOKEN)
        try:
            yield url
        finally:
            await runner.cleanup()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def live_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The admin app on a real port over either database, its loop in a thread of its own."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    served = _served(request.param, tmp_path_factory.mktemp("schemathesis"))
    try:
        url = asyncio.run_coroutine_threadsafe(served.__aenter__(), loop).result(timeout=120)
        yield url
        asyncio.run_coroutine_threadsafe(served.__aexit__(None, None, None), loop).result(60)
    finally:  # also when PostgreSQL is absent (skipped, or failed under REQUIRE_SERVICES=1)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)


def _poisoned(value: Any, how: str) -> Any:
    """`value` with every string given a NUL ("nul") or every integer made 2^63 ("huge")."""
    if isinstance(value, dict):
        return {k: _poisoned(v, how) for k, v in value.items()}
    if isinstance(value, list):
        return [_poisoned(v, how) for v in value]
    if how == "nul" and isinstance(value, str):
        return value + "\x00"
    if how == "huge" and isinstance(value, int) and not isinstance(value, bool):
        return HUGE
    return value


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_gets_a_5xx(case: schemathesis.Case, live_url: str) -> None:
    response = case.call(base_url=live_url)
    # Every check schemathesis has (not_a_server_error among them); a request the document
    # allows may still be refused for stored data or the clock (tests/admin/test_api_contract).
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
    for how in ("nul", "huge"):
        for part in ("body", "query", "path_parameters"):
            original = getattr(case, part)
            if not original or (how == "nul" and part == "path_parameters"):
                continue
            setattr(case, part, _poisoned(original, how))
            try:
                poisoned = case.call(base_url=live_url)
                case.validate_response(poisoned, checks=[not_a_server_error])
                assert poisoned.status_code < 500, (how, part, poisoned.text)
            finally:
                setattr(case, part, original)

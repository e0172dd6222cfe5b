"""Rarely used libraries are imported when first needed, not at start-up (issue 15, memory).

A fresh interpreter imports the entry points and builds the application as `main.py run` does
(without Redis, as in sandbox mode); then its `sys.modules` is read. Nothing is timed or sized:
the check is which modules are loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Each costs memory for every process, but only some requests (or a configured Redis) need it.
NOT_AT_START = (
    "redis",  # only when REDIS_URL is set (the cache's backend, aiogram's FSM storage)
    "cryptography",  # aiohttp_session's encrypted cookie: at the first panel session
    "aiohttp_session.cookie_storage",
    "argon2",  # at the first sign-in or new password
    "admin.api.openapi",  # the OpenAPI document: at the first GET /api/v1/openapi.json
    "alembic",  # `main.py migrate` only
    "asyncpg",  # PostgreSQL's driver, not needed on SQLite
    "sqlalchemy.dialects.postgresql",  # its SQLAlchemy dialect (storage.models.indexes)
    "icalendar",  # at the first .ics or feed written, or busy calendar read
    "recurring_ical_events",
    "babel",  # dates and numbers in the account's locale: at the first panel page
    "segno",  # a vacancy link's QR code: at the first one asked for
    # The panel's pages and the REST API, with the schemas and sanitiser only they use: at the
    # first request for a page or an API call (admin.lazy_app).
    "admin.panel.pages",
    "admin.panel.candidates",
    "admin.panel.slots",
    "admin.panel.dashboard",
    "admin.api",
    "admin.schemas.candidates",
    "admin.schemas.slots",
    "domain.messaging.telegram_view",
    "html.parser",
    # Tools never imported by the product.
    "matplotlib",
    "playwright",
    "schemathesis",
    "hypothesis",
    "pytest",
)

# On PostgreSQL, SQLite's driver and dialect (storage.models.indexes, storage.engine).
NOT_AT_START_ON_POSTGRESQL = (
    "sqlite3",
    "aiosqlite",
    "sqlalchemy.dialects.sqlite",
    "storage.sqlite_driver",
)

# With a BOT_TOKEN (production) the sandbox stands in for nothing: neither the built-in Bot API
# server nor the demo data it fills an empty database with are needed.
NOT_AT_START_WITH_A_TOKEN = ("sandbox", "domain.demo")

_PROBE = """
import json, sys
import main
from core.settings import Settings
from runtime.container import build_application
import runtime.serve

build_application(Settings(_env_file=None, database_url=%r, redis_url="", bot_token=%r))
print(json.dumps(sorted(sys.modules)))
"""


SQLITE = "sqlite+aiosqlite:///:memory:"


def _loaded_at_start(bot_token: str, database_url: str = SQLITE) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE % (database_url, bot_token)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "runtime.container" in loaded and "aiogram" in loaded  # the probe did build the app
    return loaded


def _eager(names: tuple[str, ...], loaded: set[str]) -> list[str]:
    return sorted(
        name for name in names if name in loaded or any(m.startswith(name + ".") for m in loaded)
    )


def test_start_up_leaves_the_rarely_used_libraries_unimported() -> None:
    eager = _eager(NOT_AT_START, _loaded_at_start(bot_token=""))
    assert eager == [], f"imported at start-up: {eager}"


def test_with_a_bot_token_the_sandbox_is_not_imported() -> None:
    loaded = _loaded_at_start(bot_token="123456:production-token")
    eager = _eager(NOT_AT_START + NOT_AT_START_WITH_A_TOKEN, loaded)
    assert eager == [], f"imported at start-up with a BOT_TOKEN: {eager}"


def test_on_postgresql_sqlites_driver_and_dialect_are_not_imported() -> None:
    # The engine is made (not connected): nothing here needs a running PostgreSQL.
    loaded = _loaded_at_start("", "postgresql+asyncpg://nobody@127.0.0.1:1/none")
    assert "sqlalchemy.dialects.postgresql.asyncpg" in loaded
    eager = _eager(NOT_AT_START_ON_POSTGRESQL, loaded)
    assert eager == [], f"imported at start-up on PostgreSQL: {eager}"

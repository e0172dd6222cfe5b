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
    # Tools never imported by the product.
    "matplotlib",
    "playwright",
    "schemathesis",
    "hypothesis",
    "pytest",
)

_PROBE = """
import json, sys
import main
from core.settings import Settings
from runtime.container import build_application
import runtime.serve

url = "sqlite+aiosqlite:///:memory:"
build_application(Settings(_env_file=None, database_url=url, redis_url="", bot_token=""))
print(json.dumps(sorted(sys.modules)))
"""


def test_start_up_leaves_the_rarely_used_libraries_unimported() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    eager = sorted(
        name
        for name in NOT_AT_START
        if name in loaded or any(m.startswith(name + ".") for m in loaded)
    )
    assert eager == [], f"imported at start-up: {eager}"
    assert "runtime.container" in loaded and "aiogram" in loaded  # the probe did build the app

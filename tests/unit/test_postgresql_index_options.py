"""PostgreSQL's index options are attached when its engine is made, and only then (issue 15).

The models keep them in `Index.info` so that a process on SQLite never imports PostgreSQL's
dialect (tests/unit/test_startup_imports.py checks that). Here, in a fresh interpreter so that no
other test's engine has attached them already: a PostgreSQL engine made the project's way gives
every partial index PostgreSQL's WHERE, the same as SQLite's, and the trigram index its GIN."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import json, sys
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex
from storage.models import Base

def ddl(dialect):
    return {
        index.name: str(CreateIndex(index).compile(dialect=dialect))
        for table in Base.metadata.tables.values()
        for index in table.indexes
    }

before = ddl(postgresql.dialect())
if sys.argv[1] == "engine":
    from storage.engine import create_engine
    create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")  # connects to nothing
    create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")  # a second one changes nothing
after = ddl(postgresql.dialect())
print(json.dumps({"sqlite": ddl(sqlite.dialect()), "before": before, "after": after}))
"""


def _ddl(how: str) -> dict[str, dict[str, str]]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, how], cwd=ROOT, capture_output=True, text=True, check=True
    )
    found: dict[str, dict[str, str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _where(ddl: str) -> str | None:
    return ddl.split(" WHERE ", 1)[1] if " WHERE " in ddl else None


def test_a_postgresql_engine_gives_the_indexes_postgresql_options() -> None:
    ddl = _ddl("engine")
    partial = {name for name, sql in ddl["sqlite"].items() if _where(sql)}
    assert len(partial) >= 11  # bookings, calendars, candidates, templates, tests
    for name in partial:
        assert _where(ddl["after"][name]) == _where(ddl["sqlite"][name]), name
        assert _where(ddl["before"][name]) is None, name  # the models alone do not load it
    trigram = ddl["after"]["ix_candidates_search_trgm"]
    assert "USING gin (search_text gin_trgm_ops)" in trigram
    assert "gin" not in ddl["before"]["ix_candidates_search_trgm"]
    unchanged = set(ddl["sqlite"]) - partial - {"ix_candidates_search_trgm"}
    assert all(ddl["after"][name] == ddl["before"][name] for name in unchanged)


def test_without_a_postgresql_engine_they_stay_in_the_models_info() -> None:
    ddl = _ddl("models only")
    assert ddl["after"] == ddl["before"]

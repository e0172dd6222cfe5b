"""Each database's index options are attached when its engine is made, and only then (issue 15).

The models keep them in `Index.info` so that a process loads only its own database's dialect
(tests/unit/test_startup_imports.py checks that). Here, in a fresh interpreter so that no other
test's engine has attached them already: an engine made the project's way gives every partial
index its WHERE on its database, the same on both, and PostgreSQL's trigram index its GIN."""

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

before = {"sqlite": ddl(sqlite.dialect()), "postgresql": ddl(postgresql.dialect())}
from storage.engine import create_engine
url = {
    "sqlite": "sqlite+aiosqlite:///:memory:",
    "postgresql": "postgresql+asyncpg://nobody@127.0.0.1:1/none",  # connects to nothing
}[sys.argv[1]]
create_engine(url)
create_engine(url)  # a second engine changes nothing
after = {"sqlite": ddl(sqlite.dialect()), "postgresql": ddl(postgresql.dialect())}
print(json.dumps({"before": before, "after": after}))
"""

Ddl = dict[str, dict[str, str]]  # dialect -> index name -> CREATE INDEX


def _ddl(engine: str) -> tuple[Ddl, Ddl]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, engine], cwd=ROOT, capture_output=True, text=True, check=True
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return found["before"], found["after"]


def _where(ddl: str) -> str | None:
    return ddl.split(" WHERE ", 1)[1] if " WHERE " in ddl else None


def _partial(ddl: dict[str, str]) -> dict[str, str | None]:
    return {name: _where(sql) for name, sql in ddl.items() if _where(sql)}


def test_a_postgresql_engine_gives_the_indexes_postgresql_options_only() -> None:
    before, after = _ddl("postgresql")
    assert _partial(before["postgresql"]) == {}  # the models alone load no dialect
    assert len(_partial(after["postgresql"])) >= 11  # bookings, calendars, candidates, ...
    trigram = after["postgresql"]["ix_candidates_search_trgm"]
    assert "USING gin (search_text gin_trgm_ops)" in trigram
    assert "gin" not in before["postgresql"]["ix_candidates_search_trgm"]
    assert after["sqlite"] == before["sqlite"]  # nor SQLite's


def test_a_sqlite_engine_gives_the_indexes_sqlite_options_only() -> None:
    before, after = _ddl("sqlite")
    assert _partial(before["sqlite"]) == {}
    assert len(_partial(after["sqlite"])) >= 11
    assert after["postgresql"] == before["postgresql"]


def test_both_databases_get_the_same_partial_indexes() -> None:
    _, on_sqlite = _ddl("sqlite")
    _, on_postgresql = _ddl("postgresql")
    assert _partial(on_sqlite["sqlite"]) == _partial(on_postgresql["postgresql"])

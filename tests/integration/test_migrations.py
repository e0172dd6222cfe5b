"""The models and the migrations describe the same schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from core.enums import CandidateStatus as S
from storage.engine import create_engine
from storage.migrate import alembic_config, upgrade_to
from storage.models import Base
from storage.models.candidate import CAME_TO_INTERVIEW, milestones_of
from tests.support.database import postgres_engine, sqlite_engine


def _differences(connection: Connection) -> list[object]:
    def for_this_database(obj: Any, _name: Any, _type: Any, _reflected: Any, _to: Any) -> bool:
        # An index declared for one database only (`ddl_if(dialect=...)`, such as PostgreSQL's
        # trigram index) is not expected on another.
        only = getattr(getattr(obj, "_ddl_if", None), "dialect", None)
        return only is None or only == connection.dialect.name

    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_object": for_this_database}
    )
    return list(compare_metadata(context, Base.metadata))


async def _assert_in_sync(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        diff = await conn.run_sync(_differences)
        tables = set(await conn.run_sync(lambda c: c.dialect.get_table_names(c)))
    assert diff == []
    assert set(Base.metadata.tables) <= tables


async def test_sqlite_migrations_match_models(tmp_path: Path) -> None:
    async with sqlite_engine(tmp_path) as engine:
        await _assert_in_sync(engine)


async def test_postgres_migrations_match_models() -> None:
    async with postgres_engine() as engine:
        await _assert_in_sync(engine)


async def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    async with sqlite_engine(tmp_path) as engine, engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() >= 5000


def to(revision: str) -> object:
    """Upgrade the connection's database to `revision` (for `run_sync`)."""

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    return run


async def test_milestones_are_filled_from_the_history_when_migrating(tmp_path: Path) -> None:
    """0005 gives candidates who were there before it the milestones of what happened."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(to("0004"))  # type: ignore[arg-type]
            await conn.execute(
                text(
                    "INSERT INTO cities (id, name, timezone, active, requires_approval, "
                    "created_at) VALUES (1, 'C', 'UTC', 1, 0, '2026-01-01')"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO recruiters (id, name, timezone, active, created_at) "
                    "VALUES (1, 'R', 'UTC', 1, '2026-01-01')"
                )
            )
            for cid, status in ((1, "not_hired"), (2, "interview_confirmed")):
                await conn.execute(
                    text(
                        "INSERT INTO candidates (id, telegram_id, locale, status, reachable, "
                        "updated_at, created_at, search_text) VALUES "
                        f"({cid}, {cid}, 'ru', '{status}', 1, '2026-01-01', '2026-01-01', '')"
                    )
                )
            history = [(1, "new", "screening_passed"), (1, "screening_passed", "not_hired")]
            history += [(2, "screening_passed", "interview_scheduled")]
            for cid, before, after in history:
                await conn.execute(
                    text(
                        "INSERT INTO candidate_status_history (candidate_id, from_status, "
                        "to_status, actor, created_at) VALUES "
                        f"({cid}, '{before}', '{after}', 'x', '2026-01-01')"
                    )
                )
            await conn.execute(
                text(
                    "INSERT INTO slots (id, recruiter_id, city_id, starts_at, duration_minutes, "
                    "purpose, capacity, created_at) VALUES "
                    "(1, 1, 1, '2026-01-02', 30, 'interview', 1, '2026-01-01')"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO bookings (slot_id, candidate_id, purpose, status, updated_at, "
                    "created_at) VALUES (1, 2, 'interview', 'attended', '2026-01-02', "
                    "'2026-01-01')"
                )
            )
            await conn.run_sync(to("head"))  # type: ignore[arg-type]
            rows = dict((await conn.execute(text("SELECT id, milestones FROM candidates"))).all())
    finally:
        await engine.dispose()
    assert rows[1] == milestones_of([S.NEW, S.SCREENING_PASSED, S.NOT_HIRED])
    assert rows[2] == milestones_of(
        [S.SCREENING_PASSED, S.INTERVIEW_SCHEDULED, S.INTERVIEW_CONFIRMED], came=True
    )
    assert rows[2] & CAME_TO_INTERVIEW


async def test_city_name_keys_are_filled_and_old_twins_kept_apart(tmp_path: Path) -> None:
    """0006 keys the names there were; two spellings of one name from before stay apart."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(to("0005"))  # type: ignore[arg-type]
            for cid, name in ((1, "Казань"), (2, "казань"), (3, " Нижний  Новгород")):
                await conn.execute(
                    text(
                        "INSERT INTO cities (id, name, timezone, active, requires_approval, "
                        f"created_at) VALUES ({cid}, '{name}', 'UTC', 1, 0, '2026-01-01')"
                    )
                )
            await conn.run_sync(to("head"))  # type: ignore[arg-type]
            keys = dict((await conn.execute(text("SELECT id, name_key FROM cities"))).all())
            with pytest.raises(IntegrityError):
                async with conn.begin_nested():
                    await conn.execute(
                        text(
                            "INSERT INTO cities (name, name_key, timezone, active, "
                            "requires_approval, created_at) VALUES "
                            "('КАЗАНЬ', 'казань', 'UTC', 1, 0, '2026-01-01')"
                        )
                    )
    finally:
        await engine.dispose()
    assert keys == {1: "казань", 2: "казань #2", 3: "нижний новгород"}


async def test_number_questions_with_whole_bounds_become_whole_number(tmp_path: Path) -> None:
    """0007: an age or a salary (whole bounds, or none) takes whole numbers only; a question
    with a fractional bound, or one that is not a number, does not."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    questions = (
        (1, "age", "number", "18", "60"),
        (2, "years", "number", "NULL", "NULL"),
        (3, "rate", "number", "0.5", "10"),
        (4, "name", "text", "NULL", "NULL"),
    )
    try:
        async with engine.begin() as conn:
            await conn.run_sync(to("0006"))  # type: ignore[arg-type]
            await conn.execute(
                text(
                    "INSERT INTO tests (id, kind, title, pass_percent, default_max_attempts, "
                    "created_at) VALUES (1, 'screening', 'T', 0, 1, '2026-01-01')"
                )
            )
            for qid, key, kind, low, high in questions:
                await conn.execute(
                    text(
                        "INSERT INTO test_questions (id, test_id, position, key, kind, prompt, "
                        "options, min_value, max_value, active) VALUES "
                        f"({qid}, 1, {qid}, '{key}', '{kind}', '{{}}', '[]', {low}, {high}, 1)"
                    )
                )
            await conn.run_sync(to("head"))  # type: ignore[arg-type]
            rows = await conn.execute(text("SELECT key, whole_number FROM test_questions"))
            whole = {key: bool(flag) for key, flag in rows.all()}
    finally:
        await engine.dispose()
    assert whole == {"age": True, "years": True, "rate": False, "name": False}


def down(revision: str) -> object:
    """Downgrade the connection's database to `revision` (for `run_sync`)."""

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    return run


async def _city_names_come_and_go(engine: AsyncEngine) -> None:
    """0012 adds the names per locale (a city from before has none: its main name shows), and
    goes back down and up again leaving the cities as they were."""

    def tables(c: Connection) -> set[str]:
        return set(c.dialect.get_table_names(c))

    async with engine.begin() as conn:
        await conn.run_sync(down("0011"))  # type: ignore[arg-type]
        assert "city_names" not in await conn.run_sync(tables)
        await conn.execute(
            text(
                "INSERT INTO cities (id, name, name_key, timezone, active, requires_approval, "
                "created_at) VALUES (1, 'Москва', 'москва', 'UTC', true, false, '2026-01-01')"
            )
        )
        await conn.run_sync(to("head"))  # type: ignore[arg-type]
        assert (await conn.execute(text("SELECT count(*) FROM city_names"))).scalar() == 0
        await conn.execute(
            text(
                "INSERT INTO city_names (city_id, locale, name, name_key) "
                "VALUES (1, 'en', 'Moscow', 'moscow')"
            )
        )
        with pytest.raises(IntegrityError):  # one name per city and locale
            async with conn.begin_nested():
                await conn.execute(
                    text(
                        "INSERT INTO city_names (city_id, locale, name, name_key) "
                        "VALUES (1, 'en', 'Moskva', 'moskva')"
                    )
                )
        await conn.run_sync(down("0011"))  # type: ignore[arg-type]
        assert "city_names" not in await conn.run_sync(tables)
        names = (await conn.execute(text("SELECT name FROM cities"))).scalars().all()
        assert names == ["Москва"]
        await conn.run_sync(to("head"))  # type: ignore[arg-type]
    await _assert_in_sync(engine)


async def test_city_names_migrate_up_and_down_on_sqlite(tmp_path: Path) -> None:
    async with sqlite_engine(tmp_path) as engine:
        await _city_names_come_and_go(engine)


async def test_city_names_migrate_up_and_down_on_postgres() -> None:
    async with postgres_engine() as engine:
        await _city_names_come_and_go(engine)


async def test_rebuilding_a_table_on_sqlite_keeps_the_rows_pointing_at_it(tmp_path: Path) -> None:
    """0014 rebuilds admin_users on SQLite (a column dropped): its API tokens and the audit
    log's authors must survive it (with foreign keys on, dropping the old table deleted them)."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await upgrade_to(engine, "0013")
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO admin_users (id, login, password_hash, role, active, "
                    "session_generation, created_at) "
                    "VALUES (1, 'boss', 'x', 'admin', 1, 0, '2026-01-01')"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO api_tokens (admin_user_id, name, token_hash, created_at) "
                    "VALUES (1, 'ci', 'h', '2026-01-01')"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO audit_log (admin_user_id, actor, action, entity, details, "
                    "created_at) VALUES (1, 'boss', 'login', 'account', '{}', '2026-01-01')"
                )
            )
        await upgrade_to(engine, "head")
        async with engine.connect() as conn:
            tokens = (await conn.execute(text("SELECT admin_user_id FROM api_tokens"))).all()
            authors = (await conn.execute(text("SELECT admin_user_id FROM audit_log"))).all()
            foreign_keys = (await conn.execute(text("PRAGMA foreign_keys"))).scalar()
    finally:
        await engine.dispose()
    assert tokens == [(1,)]
    assert authors == [(1,)]
    assert foreign_keys == 1  # on again for the connection's next user


async def test_candidates_from_before_consent_are_marked_prior_not_agreed(tmp_path: Path) -> None:
    """0018: whoever has personal data and no consent record (collected before the consent step
    existed) gets "prior", asked at the next contact; a bare Telegram id is left as it is. After
    it no candidate row has personal data without a consent record."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(to("0015"))  # type: ignore[arg-type]
            people = {1: "'Ann', NULL", 2: "NULL, NULL", 3: "NULL, NULL", 4: "NULL, '+7999'"}
            for cid, (name_and_phone) in people.items():
                await conn.execute(
                    text(
                        "INSERT INTO candidates (id, telegram_id, full_name, phone, locale, "
                        "status, reachable, updated_at, created_at, search_text, milestones) "
                        f"VALUES ({cid}, {cid}, {name_and_phone}, 'ru', 'new', 1, "
                        "'2026-01-01', '2026-01-01', '', 0)"
                    )
                )
            await conn.execute(
                text(
                    "INSERT INTO inbound_messages (candidate_id, kind, text, created_at) "
                    "VALUES (3, 'text', 'hello', '2026-01-01')"
                )
            )
            await conn.run_sync(to("head"))  # type: ignore[arg-type]
            rows = {
                cid: (consent, at is not None, version)
                for cid, consent, at, version in (
                    await conn.execute(
                        text("SELECT id, consent, consent_at, consent_version FROM candidates")
                    )
                ).all()
            }
            unconsented = (
                await conn.execute(
                    text(
                        "SELECT count(*) FROM candidates c WHERE c.consent IS NULL AND ("
                        "c.full_name IS NOT NULL OR c.phone IS NOT NULL OR c.username IS NOT "
                        "NULL OR c.wanted_city IS NOT NULL OR EXISTS (SELECT 1 FROM "
                        "inbound_messages m WHERE m.candidate_id = c.id) OR EXISTS (SELECT 1 "
                        "FROM test_results r WHERE r.candidate_id = c.id))"
                    )
                )
            ).scalar()
    finally:
        await engine.dispose()
    prior = ("prior", True, None)
    assert rows == {1: prior, 2: (None, False, None), 3: prior, 4: prior}
    assert unconsented == 0

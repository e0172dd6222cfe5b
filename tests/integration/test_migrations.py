"""The models and the migrations describe the same schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
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
from storage.migrate import alembic_config, migrating, upgrade_to
from storage.models import Base
from storage.models.candidate import CAME_TO_INTERVIEW, CAME_TO_INTRO_DAY, milestones_of
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


async def test_milestones_are_filled_from_the_history_when_migrating(tmp_path: Path) -> None:
    """0005 gives candidates who were there before it the milestones of what happened."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await upgrade_to(engine, "0004")
        async with engine.begin() as conn:
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
        await upgrade_to(engine, "head")
        async with engine.begin() as conn:
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
        await upgrade_to(engine, "0005")
        async with engine.begin() as conn:
            for cid, name in ((1, "Казань"), (2, "казань"), (3, " Нижний  Новгород")):
                await conn.execute(
                    text(
                        "INSERT INTO cities (id, name, timezone, active, requires_approval, "
                        f"created_at) VALUES ({cid}, '{name}', 'UTC', 1, 0, '2026-01-01')"
                    )
                )
        await upgrade_to(engine, "head")
        async with engine.begin() as conn:
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
        await upgrade_to(engine, "0006")
        async with engine.begin() as conn:
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
        await upgrade_to(engine, "head")
        async with engine.begin() as conn:
            rows = await conn.execute(text("SELECT key, whole_number FROM test_questions"))
            whole = {key: bool(flag) for key, flag in rows.all()}
    finally:
        await engine.dispose()
    assert whole == {"age": True, "years": True, "rate": False, "name": False}


async def downgrade_to(engine: AsyncEngine, revision: str) -> None:
    """Downgrade as `upgrade_to` upgrades (SQLite's foreign keys off meanwhile, then checked)."""

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    async with engine.connect() as connection:
        await migrating(connection, run)


async def _city_names_come_and_go(engine: AsyncEngine) -> None:
    """0012 adds the names per locale (a city from before has none: its main name shows), and
    goes back down and up again leaving the cities as they were."""

    def tables(c: Connection) -> set[str]:
        return set(c.dialect.get_table_names(c))

    await downgrade_to(engine, "0011")
    async with engine.begin() as conn:
        assert "city_names" not in await conn.run_sync(tables)
        await conn.execute(
            text(
                "INSERT INTO cities (id, name, name_key, timezone, active, requires_approval, "
                "created_at) VALUES (1, 'Москва', 'москва', 'UTC', true, false, '2026-01-01')"
            )
        )
    await upgrade_to(engine, "head")
    async with engine.begin() as conn:
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
    await downgrade_to(engine, "0011")
    async with engine.begin() as conn:
        assert "city_names" not in await conn.run_sync(tables)
        names = (await conn.execute(text("SELECT name FROM cities"))).scalars().all()
        assert names == ["Москва"]
    await upgrade_to(engine, "head")
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


async def _filled_before_vacancies(engine: AsyncEngine) -> None:
    await downgrade_to(engine, "0016")
    async with engine.begin() as conn:
        for cid, name in ((1, "Казань"), (2, "Омск")):
            await conn.execute(
                text(
                    "INSERT INTO cities (id, name, name_key, timezone, active, requires_approval, "
                    f"created_at) VALUES ({cid}, '{name}', '{name.lower()}', 'UTC', true, false, "
                    "'2026-01-01')"
                )
            )
        await conn.execute(
            text(
                "INSERT INTO recruiters (id, name, timezone, active, created_at) "
                "VALUES (1, 'R', 'UTC', true, '2026-01-01')"
            )
        )
        for cid, city in ((1, "1"), (2, "1"), (3, "2"), (4, "NULL")):
            await conn.execute(
                text(
                    "INSERT INTO candidates (id, telegram_id, city_id, locale, status, reachable, "
                    "updated_at, created_at, search_text, milestones) VALUES "
                    f"({cid}, {100 + cid}, {city}, 'ru', 'interview_scheduled', true, "
                    "'2026-01-01', '2026-01-01', '', 0)"
                )
            )
        await conn.execute(
            text(
                "INSERT INTO tests (id, kind, title, pass_percent, default_max_attempts, "
                "created_at) VALUES (1, 'screening', 'T', 0, 1, '2026-01-01')"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO test_questions (id, test_id, position, key, kind, prompt, options, "
                "active, whole_number) VALUES (1, 1, 1, 'q', 'text', '{}', '[]', true, false)"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO slots (id, recruiter_id, city_id, starts_at, duration_minutes, "
                "purpose, capacity, withdrawn, created_at) VALUES "
                "(1, 1, 1, '2026-01-02', 30, 'interview', 1, false, '2026-01-01')"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO bookings (slot_id, candidate_id, purpose, status, updated_at, "
                "created_at) VALUES (1, 1, 'interview', 'approved', '2026-01-01', '2026-01-01')"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO slots (id, recruiter_id, city_id, starts_at, duration_minutes, "
                "purpose, capacity, withdrawn, created_at) VALUES "
                "(2, 1, 1, '2026-01-03', 120, 'intro_day', 1, false, '2026-01-01')"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO bookings (slot_id, candidate_id, purpose, status, updated_at, "
                "created_at) VALUES (2, 2, 'intro_day', 'attended', '2026-01-03', '2026-01-01')"
            )
        )
    await upgrade_to(engine, "head")


async def _vacancies_from_cities(engine: AsyncEngine) -> None:
    """0017: one default vacancy per city, every candidate of a city applied to it, nothing
    else changed (statuses, bookings, the default tests and their questions)."""
    await _filled_before_vacancies(engine)
    async with engine.connect() as conn:
        links = dict(
            (await conn.execute(text("SELECT city_id, vacancy_id FROM vacancy_cities"))).all()
        )
        titles = dict((await conn.execute(text("SELECT id, title FROM vacancies"))).all())
        rows = (
            await conn.execute(
                text("SELECT id, vacancy_id, is_current, status FROM candidates ORDER BY id")
            )
        ).all()
        seats = (
            await conn.execute(text("SELECT slot_id, seat, status FROM bookings ORDER BY slot_id"))
        ).all()
        milestones = dict((await conn.execute(text("SELECT id, milestones FROM candidates"))).all())
        questions = (await conn.execute(text("SELECT count(*) FROM test_questions"))).scalar()
        tests = (await conn.execute(text("SELECT id, vacancy_id FROM tests"))).all()
    assert set(links) == {1, 2} and len(set(links.values())) == 2
    kazan = titles[links[1]]
    kazan = json.loads(kazan) if isinstance(kazan, str) else kazan
    assert kazan == {"ru": "Вакансия в городе Казань", "en": "Vacancy in Казань"}
    assert [(r[0], r[1]) for r in rows] == [
        (1, links[1]),
        (2, links[1]),
        (3, links[2]),
        (4, None),  # no city yet: they choose a vacancy after the city
    ]
    assert all(r[2] for r in rows) and {r[3] for r in rows} == {"interview_scheduled"}
    assert seats == [(1, 1, "approved"), (2, 1, "attended")]
    # Who came to an intro day is counted by the funnel from now on.
    assert [cid for cid, bits in milestones.items() if bits & CAME_TO_INTRO_DAY] == [2]
    assert questions == 1 and tests == [(1, None)]
    async with engine.begin() as conn:  # candidate 1 applies to another vacancy: a second row
        await conn.execute(text("UPDATE candidates SET is_current = false WHERE id = 1"))
        await conn.execute(
            text(
                "INSERT INTO vacancies (id, title, description, active, created_at) "
                """VALUES (100, '{"en": "Cook"}', '{}', true, '2026-01-01')"""
            )
        )
        await conn.execute(
            text(
                "INSERT INTO candidates (id, telegram_id, city_id, vacancy_id, locale, status, "
                "reachable, updated_at, created_at, search_text, milestones, is_current) VALUES "
                "(5, 101, 1, 100, 'ru', 'screening', true, '2026-01-01', '2026-01-01', "
                "'', 0, true)"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO candidate_status_history (candidate_id, from_status, to_status, "
                "actor, created_at) VALUES (1, 'new', 'screening', 'x', '2026-01-01')"
            )
        )
    await downgrade_to(engine, "0016")  # one row per person again: the current one stays
    async with engine.connect() as conn:
        kept = (await conn.execute(text("SELECT id FROM candidates ORDER BY id"))).scalars().all()
        orphans = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM bookings b WHERE NOT EXISTS "
                    "(SELECT 1 FROM candidates c WHERE c.id = b.candidate_id)"
                )
            )
        ).scalar()
    assert list(kept) == [2, 3, 4, 5] and orphans == 0
    await upgrade_to(engine, "head")
    await _assert_in_sync(engine)


async def test_existing_data_moves_into_a_vacancy_per_city_on_sqlite(tmp_path: Path) -> None:
    async with sqlite_engine(tmp_path) as engine:
        await _vacancies_from_cities(engine)


async def test_existing_data_moves_into_a_vacancy_per_city_on_postgres() -> None:
    async with postgres_engine() as engine:
        await _vacancies_from_cities(engine)


async def _prior_consent(engine: AsyncEngine) -> None:
    """0018: whoever has personal data and no consent record (collected before the consent step
    existed) gets "prior", asked at the next contact; a bare Telegram id is left as it is. After
    it no candidate row has personal data without a consent record."""
    await downgrade_to(engine, "0015")
    async with engine.begin() as conn:
        people = {1: "'Ann', NULL", 2: "NULL, NULL", 3: "NULL, NULL", 4: "NULL, '+7999'"}
        for cid, (name_and_phone) in people.items():
            await conn.execute(
                text(
                    "INSERT INTO candidates (id, telegram_id, full_name, phone, locale, "
                    "status, reachable, updated_at, created_at, search_text, milestones) "
                    f"VALUES ({cid}, {cid}, {name_and_phone}, 'ru', 'new', true, "
                    "'2026-01-01', '2026-01-01', '', 0)"
                )
            )
        await conn.execute(
            text(
                "INSERT INTO inbound_messages (candidate_id, kind, text, created_at) "
                "VALUES (3, 'text', 'hello', '2026-01-01')"
            )
        )
    await upgrade_to(engine, "head")
    async with engine.connect() as conn:
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
    prior = ("prior", True, None)
    assert rows == {1: prior, 2: (None, False, None), 3: prior, 4: prior}
    assert unconsented == 0


async def test_candidates_from_before_consent_are_marked_prior_on_sqlite(tmp_path: Path) -> None:
    async with sqlite_engine(tmp_path) as engine:
        await _prior_consent(engine)


async def test_candidates_from_before_consent_are_marked_prior_on_postgres() -> None:
    async with postgres_engine() as engine:
        await _prior_consent(engine)

"""vacancies and group events: vacancies (per-locale title and description, cities, owner,
open dates), each candidate row one application to one vacancy (several per person, one
current), tests and template overrides per vacancy, and seats in slots (a booking holds one
numbered seat; a slot seats `capacity`). Existing data moves into one default vacancy per city.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 06:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACTIVE = "status IN ('pending', 'approved', 'confirmed')"
_CURRENT = sa.text("is_current")
_CAME_TO_INTRO_DAY = 1 << 21  # storage.models.candidate.CAME_TO_INTRO_DAY
# The default vacancy's title, per locale, around the city's name (admins rename it).
_DEFAULT_TITLE = {"ru": "Вакансия в городе {city}", "en": "Vacancy in {city}"}


def upgrade() -> None:
    op.create_table(
        "vacancies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=True),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("owner_recruiter_id", sa.Integer(), nullable=True),
        sa.Column("opens_on", sa.Date(), nullable=True),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_recruiter_id"],
            ["recruiters.id"],
            name=op.f("fk_vacancies_owner_recruiter_id_recruiters"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vacancies")),
        sa.UniqueConstraint("slug", name=op.f("uq_vacancies_slug")),
    )
    op.create_table(
        "vacancy_cities",
        sa.Column("vacancy_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id"],
            ["cities.id"],
            name=op.f("fk_vacancy_cities_city_id_cities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"],
            ["vacancies.id"],
            name=op.f("fk_vacancy_cities_vacancy_id_vacancies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("vacancy_id", "city_id", name=op.f("pk_vacancy_cities")),
    )
    with op.batch_alter_table("vacancy_cities") as batch:
        batch.create_index(batch.f("ix_vacancy_cities_city_id"), ["city_id"], unique=False)

    with op.batch_alter_table("candidates") as batch:
        batch.add_column(sa.Column("vacancy_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("is_current", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch.create_foreign_key(
            batch.f("fk_candidates_vacancy_id_vacancies"),
            "vacancies",
            ["vacancy_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.drop_constraint("uq_candidates_telegram_id", type_="unique")
        batch.create_index(
            "uq_candidates_current_telegram_id",
            ["telegram_id"],
            unique=True,
            sqlite_where=_CURRENT,
            postgresql_where=_CURRENT,
        )
        batch.create_index(
            "uq_candidates_telegram_id_vacancy", ["telegram_id", "vacancy_id"], unique=True
        )
        batch.create_index("ix_candidates_vacancy_milestones", ["vacancy_id", "milestones"])
        batch.create_index("ix_candidates_source_milestones", ["source", "milestones"])

    with op.batch_alter_table("tests") as batch:
        batch.add_column(sa.Column("vacancy_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_tests_vacancy_id_vacancies"),
            "vacancies",
            ["vacancy_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.drop_constraint("uq_tests_kind", type_="unique")
        batch.create_index(
            "uq_tests_default_kind",
            ["kind"],
            unique=True,
            sqlite_where=sa.text("vacancy_id IS NULL"),
            postgresql_where=sa.text("vacancy_id IS NULL"),
        )
        batch.create_index(
            "uq_tests_vacancy_kind",
            ["vacancy_id", "kind"],
            unique=True,
            sqlite_where=sa.text("vacancy_id IS NOT NULL"),
            postgresql_where=sa.text("vacancy_id IS NOT NULL"),
        )

    with op.batch_alter_table("message_templates") as batch:
        batch.add_column(sa.Column("vacancy_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_message_templates_vacancy_id_vacancies"),
            "vacancies",
            ["vacancy_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.drop_index(
            "uq_message_templates_global",
            sqlite_where=sa.text("city_id IS NULL"),
            postgresql_where=sa.text("city_id IS NULL"),
        )
        batch.create_index(
            "uq_message_templates_global",
            ["key", "locale"],
            unique=True,
            sqlite_where=sa.text("city_id IS NULL AND vacancy_id IS NULL"),
            postgresql_where=sa.text("city_id IS NULL AND vacancy_id IS NULL"),
        )
        batch.create_index(
            "uq_message_templates_vacancy",
            ["key", "locale", "vacancy_id"],
            unique=True,
            sqlite_where=sa.text("vacancy_id IS NOT NULL"),
            postgresql_where=sa.text("vacancy_id IS NOT NULL"),
        )

    with op.batch_alter_table("bookings") as batch:
        batch.add_column(sa.Column("seat", sa.Integer(), server_default="1", nullable=False))
        batch.create_check_constraint("seat_positive", "seat >= 1")
        batch.drop_index(
            "uq_bookings_active_slot",
            sqlite_where=sa.text(_ACTIVE),
            postgresql_where=sa.text(_ACTIVE),
        )
        batch.create_index(
            "uq_bookings_active_slot_seat",
            ["slot_id", "seat"],
            unique=True,
            sqlite_where=sa.text(_ACTIVE),
            postgresql_where=sa.text(_ACTIVE),
        )

    _default_vacancies()
    # The funnel counts who came to an intro day, as it counts who came to an interview.
    op.execute(
        sa.text(
            f"UPDATE candidates SET milestones = milestones | {_CAME_TO_INTRO_DAY} WHERE id IN "
            "(SELECT candidate_id FROM bookings WHERE purpose = 'intro_day' "
            "AND status = 'attended')"
        )
    )


def _default_vacancies() -> None:
    """One vacancy per city, open, with the default tests; every candidate of the city applied
    to it. Nothing else changes: statuses, history, results and bookings stay on their rows."""
    bind = op.get_bind()
    cities = sa.table("cities", sa.column("id", sa.Integer), sa.column("name", sa.String))
    vacancies = sa.table(
        "vacancies",
        sa.column("id", sa.Integer),
        sa.column("title", sa.JSON),
        sa.column("description", sa.JSON),
        sa.column("active", sa.Boolean),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    links = sa.table("vacancy_cities", sa.column("vacancy_id"), sa.column("city_id"))
    candidates = sa.table("candidates", sa.column("city_id"), sa.column("vacancy_id"))
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":  # stored without the zone there, as UTCDateTime does
        now = now.replace(tzinfo=None)
    for city_id, name in bind.execute(sa.select(cities.c.id, cities.c.name).order_by(cities.c.id)):
        vacancy_id = bind.execute(
            sa.insert(vacancies)
            .values(
                title={locale: title.format(city=name) for locale, title in _DEFAULT_TITLE.items()},
                description={},
                active=True,
                created_at=now,
            )
            .returning(vacancies.c.id)
        ).scalar_one()
        bind.execute(sa.insert(links).values(vacancy_id=vacancy_id, city_id=city_id))
        bind.execute(
            sa.update(candidates).where(candidates.c.city_id == city_id).values(vacancy_id=vacancy_id)
        )


def _delete_with_dependents(bind: sa.Connection, table: str, where: str) -> None:
    """Delete the rows of `table` matching `where`, and first what points at them: rows of a
    table whose key says ON DELETE SET NULL are cut loose, any other are deleted likewise."""
    inspector = sa.inspect(bind)
    chosen = f"SELECT id FROM {table} WHERE {where}"
    for other in inspector.get_table_names():
        for key in inspector.get_foreign_keys(other):
            if key["referred_table"] != table or len(key["constrained_columns"]) != 1:
                continue
            column = key["constrained_columns"][0]
            if (key.get("options") or {}).get("ondelete", "").upper() == "SET NULL":
                bind.execute(
                    sa.text(f"UPDATE {other} SET {column} = NULL WHERE {column} IN ({chosen})")
                )
            elif other != table:
                _delete_with_dependents(bind, other, f"{column} IN ({chosen})")
    bind.execute(sa.text(f"DELETE FROM {table} WHERE {where}"))


def downgrade() -> None:
    bind = op.get_bind()
    bind.execute(sa.text(f"UPDATE candidates SET milestones = milestones & ~{_CAME_TO_INTRO_DAY}"))
    # Back to one row per person: only the current application stays, the others go with
    # every row of theirs (SQLite migrates with foreign keys off: no cascade does it there).
    _delete_with_dependents(bind, "candidates", "NOT is_current")
    bind.execute(sa.text("DELETE FROM tests WHERE vacancy_id IS NOT NULL"))
    bind.execute(sa.text("DELETE FROM message_templates WHERE vacancy_id IS NOT NULL"))
    bind.execute(sa.text(f"UPDATE bookings SET status = 'canceled' WHERE seat > 1 AND {_ACTIVE}"))
    with op.batch_alter_table("bookings") as batch:
        batch.drop_index(
            "uq_bookings_active_slot_seat",
            sqlite_where=sa.text(_ACTIVE),
            postgresql_where=sa.text(_ACTIVE),
        )
        batch.create_index(
            "uq_bookings_active_slot",
            ["slot_id"],
            unique=True,
            sqlite_where=sa.text(_ACTIVE),
            postgresql_where=sa.text(_ACTIVE),
        )
        batch.drop_constraint("seat_positive", type_="check")
        batch.drop_column("seat")
    with op.batch_alter_table("message_templates") as batch:
        batch.drop_index("uq_message_templates_vacancy")
        batch.drop_index("uq_message_templates_global")
        batch.create_index(
            "uq_message_templates_global",
            ["key", "locale"],
            unique=True,
            sqlite_where=sa.text("city_id IS NULL"),
            postgresql_where=sa.text("city_id IS NULL"),
        )
        batch.drop_constraint("fk_message_templates_vacancy_id_vacancies", type_="foreignkey")
        batch.drop_column("vacancy_id")
    with op.batch_alter_table("tests") as batch:
        batch.drop_index("uq_tests_vacancy_kind")
        batch.drop_index("uq_tests_default_kind")
        batch.create_unique_constraint("uq_tests_kind", ["kind"])
        batch.drop_constraint("fk_tests_vacancy_id_vacancies", type_="foreignkey")
        batch.drop_column("vacancy_id")
    with op.batch_alter_table("candidates") as batch:
        batch.drop_index("ix_candidates_source_milestones")
        batch.drop_index("ix_candidates_vacancy_milestones")
        batch.drop_index("uq_candidates_telegram_id_vacancy")
        batch.drop_index("uq_candidates_current_telegram_id")
        batch.create_unique_constraint("uq_candidates_telegram_id", ["telegram_id"])
        batch.drop_constraint("fk_candidates_vacancy_id_vacancies", type_="foreignkey")
        batch.drop_column("is_current")
        batch.drop_column("vacancy_id")
    with op.batch_alter_table("vacancy_cities") as batch:
        batch.drop_index(batch.f("ix_vacancy_cities_city_id"))
    op.drop_table("vacancy_cities")
    op.drop_table("vacancies")

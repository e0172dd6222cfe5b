"""candidate search by trigrams: on PostgreSQL a GIN trigram index (pg_trgm) on the folded
search_text, so "name contains ..." reads the matches instead of every candidate; the extension
is created when it is missing and the role may create it (else the index is left out, logged,
and search keeps scanning). SQLite keeps its scan (see the README).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 21:30:00
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_candidates_search_trgm"
log = logging.getLogger("alembic.runtime.migration")


def _trigram_schema(bind: sa.Connection) -> str | None:
    """Where pg_trgm's operator classes live, None when it is not installed."""
    found = bind.execute(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        )
    ).scalar()
    return None if found is None else str(found)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = _trigram_schema(bind)
    if schema is None:
        try:
            with bind.begin_nested():  # a refusal (no privilege, no package) leaves the rest
                bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
        except sa.exc.DBAPIError as exc:
            log.warning("pg_trgm could not be created (%s): search by name stays a scan", exc)
        schema = _trigram_schema(bind)  # created here, or by a neighbour meanwhile
    if schema is None:
        return
    # The operator class named with its schema, so it is found whatever the search_path.
    op.execute(
        f'CREATE INDEX IF NOT EXISTS {INDEX} ON candidates USING gin (search_text "{schema}".gin_trgm_ops)'
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")

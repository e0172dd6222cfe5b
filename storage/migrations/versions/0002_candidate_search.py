"""candidate search: a folded search_text, indexes for sorting by name and by last change

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 09:00:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def _search_text(full_name: str | None, username: str | None, phone: str | None) -> str:
    # A frozen copy of storage.models.candidate.candidate_search_text: migrations import no app code.
    digits = re.sub(r"\D", "", phone or "")
    parts = (full_name, f"@{username}" if username else None, phone, digits)
    return "\n".join(part for part in parts if part).casefold().replace("ё", "е")


def _backfill() -> None:
    connection = op.get_bind()
    candidates = sa.table(
        'candidates',
        sa.column('id', sa.Integer()),
        sa.column('full_name', sa.String()),
        sa.column('username', sa.String()),
        sa.column('phone', sa.String()),
        sa.column('search_text', sa.Text()),
    )
    update = (
        sa.update(candidates)
        .where(candidates.c.id == sa.bindparam('candidate_id'))
        .values(search_text=sa.bindparam('text'))
    )
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(candidates.c.id, candidates.c.full_name, candidates.c.username, candidates.c.phone)
            .where(candidates.c.id > last_id)
            .order_by(candidates.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            update, [{'candidate_id': r.id, 'text': _search_text(r.full_name, r.username, r.phone)} for r in rows]
        )
        last_id = rows[-1].id


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch copy: on SQLite, recreating `candidates` with foreign keys
    # on would cascade-delete every booking, answer and message that points at a candidate.
    op.add_column('candidates', sa.Column('search_text', sa.Text(), server_default='', nullable=False))
    _backfill()
    op.create_index('ix_candidates_full_name', 'candidates', ['full_name'], unique=False)
    op.create_index('ix_candidates_updated_at', 'candidates', ['updated_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_candidates_updated_at', table_name='candidates')
    op.drop_index('ix_candidates_full_name', table_name='candidates')
    op.drop_column('candidates', 'search_text')  # native on SQLite 3.35+, no table copy

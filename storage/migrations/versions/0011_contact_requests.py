"""contact requests: a candidate's "please contact me" is kept, with how many recruiters were
told; those no recruiter could be told of are the admins' inbox

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 20:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REASONS = ("no_time", "no_show_wrote", "city_missing")


def upgrade() -> None:
    op.create_table(
        "contact_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=True),
        sa.Column(
            "reason",
            sa.Enum(*_REASONS, name="contactreason", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("wrote", sa.Text(), nullable=True),
        sa.Column("recruiters_told", sa.Integer(), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_contact_requests_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["city_id"],
            ["cities.id"],
            name=op.f("fk_contact_requests_city_id_cities"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_requests")),
    )
    with op.batch_alter_table("contact_requests") as batch:
        batch.create_index("ix_contact_requests_open", ["handled_at", "created_at"])
        batch.create_index(
            "ix_contact_requests_candidate", ["candidate_id", "reason", "created_at"]
        )


def downgrade() -> None:
    with op.batch_alter_table("contact_requests") as batch:
        batch.drop_index("ix_contact_requests_candidate")
        batch.drop_index("ix_contact_requests_open")
    op.drop_table("contact_requests")

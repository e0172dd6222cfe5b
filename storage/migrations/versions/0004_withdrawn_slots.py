"""withdrawn slots: a time the recruiter cancelled because they cannot make it is not offered again

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 12:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy: on SQLite that would cascade-delete the slots' bookings).
    op.add_column(
        "slots",
        sa.Column("withdrawn", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("slots", "withdrawn")

"""recruiter locale: the language a recruiter reads the bot in (set from Telegram's on linking,
changed by /lang); none: the default language

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 19:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("recruiters", sa.Column("locale", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recruiters") as batch:
        batch.drop_column("locale")

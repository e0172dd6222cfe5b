"""candidate wanted city: a city not in the list, asked for by a candidate who has none yet
("my city is not here"), shown and filtered in the panel's candidate list

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 19:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("candidates", sa.Column("wanted_city", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("candidates") as batch:
        batch.drop_column("wanted_city")

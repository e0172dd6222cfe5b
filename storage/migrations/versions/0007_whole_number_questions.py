"""whole-number questions: a number question may take whole numbers only ("25", not "25.5");
existing number questions whose bounds are whole (or unset) take whole numbers only, as the
ages, salaries and years they ask for are

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 19:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _whole(value: float | None) -> bool:
    return value is None or float(value).is_integer()


def upgrade() -> None:
    op.add_column(
        "test_questions",
        sa.Column("whole_number", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, min_value, max_value FROM test_questions WHERE kind = 'number'")
    )
    for question_id, low, high in list(rows):
        if _whole(low) and _whole(high):
            connection.execute(
                sa.text("UPDATE test_questions SET whole_number = :yes WHERE id = :id"),
                {"yes": True, "id": question_id},
            )


def downgrade() -> None:
    with op.batch_alter_table("test_questions") as batch:
        batch.drop_column("whole_number")

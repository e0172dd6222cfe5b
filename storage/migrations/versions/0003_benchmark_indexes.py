"""indexes the benchmarks asked for: the outbox by candidate, a city's slots in time order

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 09:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_notifications_candidate", "notifications", ["candidate_id"])
    op.create_index("ix_slots_city_start", "slots", ["city_id", "starts_at"])


def downgrade() -> None:
    op.drop_index("ix_slots_city_start", table_name="slots")
    op.drop_index("ix_notifications_candidate", table_name="notifications")

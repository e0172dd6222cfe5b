"""candidate milestones: every status a candidate has held, and an interview marked "came", as
bits in one column, filled from the status history, so the funnel counts what happened

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 17:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same fixed numbers as storage.models.candidate.STATUS_BITS (a migration keeps its own).
STATUSES = (
    "new",
    "screening",
    "screening_failed",
    "screening_passed",
    "interview_requested",
    "interview_scheduled",
    "interview_confirmed",
    "interviewed_passed",
    "interviewed_failed",
    "no_show",
    "test2_passed",
    "test2_failed",
    "intro_day_scheduled",
    "hired",
    "not_hired",
    "withdrawn",
)
CAME_TO_INTERVIEW = 1 << 20


def upgrade() -> None:
    op.add_column(
        "candidates",
        sa.Column("milestones", sa.Integer(), server_default="0", nullable=False),
    )
    held = " + ".join(
        f"(CASE WHEN candidates.status = '{status}' OR EXISTS (SELECT 1 FROM "
        "candidate_status_history h WHERE h.candidate_id = candidates.id AND "
        f"(h.to_status = '{status}' OR h.from_status = '{status}')) THEN {1 << n} ELSE 0 END)"
        for n, status in enumerate(STATUSES)
    )
    came = (
        f"(CASE WHEN EXISTS (SELECT 1 FROM bookings b WHERE b.candidate_id = candidates.id "
        f"AND b.purpose = 'interview' AND b.status = 'attended') THEN {CAME_TO_INTERVIEW} "
        "ELSE 0 END)"
    )
    op.execute(f"UPDATE candidates SET milestones = {held} + {came}")
    op.create_index("ix_candidates_milestones", "candidates", ["milestones"])
    op.create_index("ix_candidates_city_milestones", "candidates", ["city_id", "milestones"])


def downgrade() -> None:
    op.drop_index("ix_candidates_city_milestones", table_name="candidates")
    op.drop_index("ix_candidates_milestones", table_name="candidates")
    op.drop_column("candidates", "milestones")

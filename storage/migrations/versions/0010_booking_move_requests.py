"""booking move requests: a pending request to move a booking stands beside the booking it
would replace (replaces_booking_id), which stays until the request is approved

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 19:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACTIVE = "status IN ('pending', 'approved', 'confirmed')"
_HELD = sa.text(_ACTIVE + " AND replaces_booking_id IS NULL")
_MOVE_REQUEST = sa.text(_ACTIVE + " AND replaces_booking_id IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.drop_index("uq_bookings_active_candidate_purpose")
        batch.add_column(sa.Column("replaces_booking_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_bookings_replaces_booking_id_bookings"),
            "bookings",
            ["replaces_booking_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("bookings") as batch:
        batch.create_index(
            "uq_bookings_active_candidate_purpose",
            ["candidate_id", "purpose"],
            unique=True,
            sqlite_where=_HELD,
            postgresql_where=_HELD,
        )
        batch.create_index(
            "uq_bookings_move_request_candidate_purpose",
            ["candidate_id", "purpose"],
            unique=True,
            sqlite_where=_MOVE_REQUEST,
            postgresql_where=_MOVE_REQUEST,
        )


def downgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.drop_index("uq_bookings_move_request_candidate_purpose")
        batch.drop_index("uq_bookings_active_candidate_purpose")
    op.execute(
        "UPDATE bookings SET status = 'canceled', reason = 'moved' "
        "WHERE replaces_booking_id IS NOT NULL AND " + _ACTIVE
    )
    with op.batch_alter_table("bookings") as batch:
        batch.drop_constraint("fk_bookings_replaces_booking_id_bookings", type_="foreignkey")
        batch.drop_column("replaces_booking_id")
        batch.create_index(
            "uq_bookings_active_candidate_purpose",
            ["candidate_id", "purpose"],
            unique=True,
            sqlite_where=sa.text(_ACTIVE),
            postgresql_where=sa.text(_ACTIVE),
        )

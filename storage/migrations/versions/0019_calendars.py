"""calendars: each booking's calendar event (a UID kept across moves, a sequence that grows),
secret calendar feeds, and recruiters' own calendars with the busy times read from them

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(sa.Column("calendar_uid", sa.String(length=100), nullable=True))
        batch.add_column(
            sa.Column("calendar_sequence", sa.Integer(), server_default="0", nullable=False)
        )
    # The UID the .ics files sent so far carry, so later updates reach those events.
    op.execute("UPDATE bookings SET calendar_uid = 'booking-' || id || '@recruiting-bot'")
    with op.batch_alter_table("bookings") as batch:
        batch.alter_column("calendar_uid", existing_type=sa.String(length=100), nullable=False)

    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("recruiter_id", sa.Integer(), nullable=True),
        sa.Column("admin_user_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(recruiter_id IS NULL) <> (admin_user_id IS NULL)",
            name=op.f("ck_calendar_feeds_one_holder"),
        ),
        sa.ForeignKeyConstraint(
            ["recruiter_id"],
            ["recruiters.id"],
            name=op.f("fk_calendar_feeds_recruiter_id_recruiters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["admin_user_id"],
            ["admin_users.id"],
            name=op.f("fk_calendar_feeds_admin_user_id_admin_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token", name=op.f("uq_calendar_feeds_token")),
    )
    live = sa.text("revoked_at IS NULL")
    op.create_index(
        "uq_calendar_feeds_live_recruiter",
        "calendar_feeds",
        ["recruiter_id"],
        unique=True,
        sqlite_where=live,
        postgresql_where=live,
    )
    op.create_index(
        "uq_calendar_feeds_live_admin_user",
        "calendar_feeds",
        ["admin_user_id"],
        unique=True,
        sqlite_where=live,
        postgresql_where=live,
    )

    op.create_table(
        "busy_calendars",
        sa.Column("recruiter_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("etag", sa.String(length=200), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recruiter_id"],
            ["recruiters.id"],
            name=op.f("fk_busy_calendars_recruiter_id_recruiters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("recruiter_id", name=op.f("pk_busy_calendars")),
    )
    op.create_table(
        "busy_times",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recruiter_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recruiter_id"],
            ["recruiters.id"],
            name=op.f("fk_busy_times_recruiter_id_recruiters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_busy_times")),
    )
    op.create_index(
        "ix_busy_times_recruiter_starts", "busy_times", ["recruiter_id", "starts_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_busy_times_recruiter_starts", table_name="busy_times")
    op.drop_table("busy_times")
    op.drop_table("busy_calendars")
    op.drop_index("uq_calendar_feeds_live_admin_user", table_name="calendar_feeds")
    op.drop_index("uq_calendar_feeds_live_recruiter", table_name="calendar_feeds")
    op.drop_table("calendar_feeds")
    with op.batch_alter_table("bookings") as batch:
        batch.drop_column("calendar_sequence")
        batch.drop_column("calendar_uid")

"""panel sessions on the server and login failures counted in the database: a session is a
row (logout deletes it; a new password or deactivation deletes the account's), replacing the
account's session generation; failed sign-ins are counted per login and address in one
statement, so concurrent guesses cannot pass the limit

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "admin_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("admin_user_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["admin_user_id"],
            ["admin_users.id"],
            name=op.f("fk_admin_sessions_admin_user_id_admin_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_sessions")),
    )
    op.create_table(
        "login_failures",
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("login", "address", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("admin_sessions") as batch:
        batch.create_index("ix_admin_sessions_admin_user", ["admin_user_id"])
        batch.create_index("ix_admin_sessions_expires_at", ["expires_at"])
    with op.batch_alter_table("login_failures") as batch:
        batch.create_index("ix_login_failures_expires_at", ["expires_at"])
    # Sessions signed by the old scheme (a generation in the cookie) end here: log in again.
    with op.batch_alter_table("admin_users") as batch:
        batch.drop_column("session_generation")


def downgrade() -> None:
    with op.batch_alter_table("admin_users") as batch:
        batch.add_column(
            sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0")
        )
    op.drop_table("login_failures")
    op.drop_table("admin_sessions")

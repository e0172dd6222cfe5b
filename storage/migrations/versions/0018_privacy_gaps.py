"""privacy gaps: the candidates a message names when it is not theirs alone (a recruiter's
digest), so erasure finds their name there; and candidates whose data was collected before
the consent step existed get the consent state "prior" (not an agreement: asked at the next
contact)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 05:30:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PRIOR = "prior"  # domain.privacy.states.PRIOR, as it was when this ran


def upgrade() -> None:
    op.create_table(
        "notification_subjects",
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_notification_subjects_notification_id_notifications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_notification_subjects_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "notification_id", "candidate_id", name=op.f("pk_notification_subjects")
        ),
    )
    op.create_index(
        op.f("ix_notification_subjects_candidate_id"),
        "notification_subjects",
        ["candidate_id"],
        unique=False,
    )
    _mark_prior_collection()


def _mark_prior_collection() -> None:
    """Candidates with personal data and no consent record were there before the consent step:
    their data stays, marked as collected before consent was asked. Those with nothing personal
    (a /start before Agree keeps only the Telegram id) are left as they are."""
    bind = op.get_bind()
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # as the models store times there
    candidates = sa.table(
        "candidates",
        sa.column("id", sa.Integer()),
        sa.column("full_name", sa.String()),
        sa.column("phone", sa.String()),
        sa.column("username", sa.String()),
        sa.column("wanted_city", sa.String()),
        sa.column("consent", sa.String()),
        sa.column("consent_at", sa.DateTime(timezone=True)),
        sa.column("erased_at", sa.DateTime(timezone=True)),
    )
    c = candidates.c

    def has_rows(table: str) -> sa.Exists:
        other = sa.table(table, sa.column("candidate_id", sa.Integer()))
        return sa.exists().where(other.c.candidate_id == c.id)

    personal = sa.or_(
        c.full_name.is_not(None),
        c.phone.is_not(None),
        c.username.is_not(None),
        c.wanted_city.is_not(None),
        has_rows("inbound_messages"),
        has_rows("test_results"),
        has_rows("contact_requests"),
    )
    bind.execute(
        sa.update(candidates)
        .where(c.consent.is_(None), c.erased_at.is_(None), personal)
        .values(consent=PRIOR, consent_at=now)
    )


def downgrade() -> None:
    candidates = sa.table(
        "candidates",
        sa.column("consent", sa.String()),
        sa.column("consent_at", sa.DateTime(timezone=True)),
    )
    op.get_bind().execute(
        sa.update(candidates)
        .where(candidates.c.consent == PRIOR)
        .values(consent=None, consent_at=None)
    )
    op.drop_index(op.f("ix_notification_subjects_candidate_id"), table_name="notification_subjects")
    op.drop_table("notification_subjects")

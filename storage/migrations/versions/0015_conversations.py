"""conversations: what candidates write that no flow was waiting for (read or unread), private
notes and tags on candidates, and the Telegram message id each outbox message went out as, so a
recruiter's reply to a relayed message finds its candidate

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 02:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KINDS = (
    "text",
    "photo",
    "document",
    "voice",
    "video",
    "video_note",
    "audio",
    "sticker",
    "animation",
    "other",
)


def _candidate_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["candidate_id"],
        ["candidates.id"],
        name=op.f(f"fk_{table}_candidate_id_candidates"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*_KINDS, name="inboundkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("file_id", sa.String(length=255), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("mime_type", sa.String(length=100), nullable=True),
        sa.Column("telegram_message_id", sa.BigInteger(), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _candidate_fk("inbound_messages"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
        sa.UniqueConstraint(
            "candidate_id",
            "telegram_message_id",
            name=op.f("uq_inbound_messages_candidate_id"),
        ),
    )
    op.create_table(
        "candidate_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _candidate_fk("candidate_notes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_notes")),
    )
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("key", name=op.f("uq_tags_key")),
    )
    op.create_table(
        "candidate_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _candidate_fk("candidate_tags"),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["tags.id"],
            name=op.f("fk_candidate_tags_tag_id_tags"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_tags")),
        sa.UniqueConstraint("candidate_id", "tag_id", name=op.f("uq_candidate_tags_candidate_id")),
    )
    with op.batch_alter_table("inbound_messages") as batch:
        batch.create_index("ix_inbound_messages_candidate", ["candidate_id", "created_at"])
        batch.create_index("ix_inbound_messages_unread", ["read_at", "candidate_id"])
    with op.batch_alter_table("candidate_notes") as batch:
        batch.create_index("ix_candidate_notes_candidate", ["candidate_id", "created_at"])
    with op.batch_alter_table("candidate_tags") as batch:
        batch.create_index("ix_candidate_tags_tag", ["tag_id", "candidate_id"])
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("sent_message_id", sa.BigInteger(), nullable=True))
        batch.create_index(
            "ix_notifications_sent_message", ["recipient_chat_id", "sent_message_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_index("ix_notifications_sent_message")
        batch.drop_column("sent_message_id")
    op.drop_table("candidate_tags")
    op.drop_table("candidate_notes")
    op.drop_table("tags")
    op.drop_table("inbound_messages")

"""city names: a city's name per locale ("Moscow" for en) beside its main name, which a
locale without its own name shows

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "city_names",
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_key", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id"],
            ["cities.id"],
            name=op.f("fk_city_names_city_id_cities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("city_id", "locale", name=op.f("pk_city_names")),
    )
    op.create_index(op.f("ix_city_names_name_key"), "city_names", ["name_key"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_city_names_name_key"), table_name="city_names")
    op.drop_table("city_names")

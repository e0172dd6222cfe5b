"""city name key: names unique regardless of case in every alphabet (SQLite's lower() folds
ASCII only), kept by a unique index on the casefolded name

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key(name: str) -> str:  # the same rule as storage.models.city.city_name_key
    return " ".join(name.split()).casefold()


def upgrade() -> None:
    op.add_column("cities", sa.Column("name_key", sa.String(120), nullable=True))
    connection = op.get_bind()
    taken: set[str] = set()
    for city_id, name in connection.execute(sa.text("SELECT id, name FROM cities ORDER BY id")):
        key = _key(name)
        if key in taken:  # two spellings of one name from before: the later one stays apart
            key = f"{key} #{city_id}"
        taken.add(key)
        connection.execute(
            sa.text("UPDATE cities SET name_key = :key WHERE id = :id"), {"key": key, "id": city_id}
        )
    with op.batch_alter_table("cities") as batch:
        batch.alter_column("name_key", existing_type=sa.String(120), nullable=False)
        batch.create_unique_constraint("uq_cities_name_key", ["name_key"])


def downgrade() -> None:
    with op.batch_alter_table("cities") as batch:
        batch.drop_constraint("uq_cities_name_key", type_="unique")
        batch.drop_column("name_key")

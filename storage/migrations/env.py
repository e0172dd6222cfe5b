"""Alembic environment: async engine, or a connection handed in by the caller."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from sqlalchemy.engine import Connection

from storage.engine import create_engine
from storage.migrate import migrating
from storage.models import Base
from storage.models.indexes import attach_options
from storage.types import UTCDateTime

config = context.config
target_metadata = Base.metadata
# A revision written from the models (`alembic revision --autogenerate`) carries both databases'
# index options, whichever database it was compared with (alembic loads both dialects anyway).
attach_options(target_metadata, "sqlite")
attach_options(target_metadata, "postgresql")


def _database_url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from core.settings import load_settings

    return load_settings().database_url


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    # Migrations must not import application code: write our column types as plain SQLAlchemy.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )


def _run_with(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_engine(_database_url())
    try:
        async with engine.connect() as connection:
            await migrating(connection, _run_with)
    finally:
        await engine.dispose()


def run_offline() -> None:
    context.configure(
        url=_database_url(), target_metadata=target_metadata, literal_binds=True, compare_type=True
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
elif (given := config.attributes.get("connection")) is not None:
    _run_with(given)
else:
    asyncio.run(_run_async())

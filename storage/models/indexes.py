"""Indexes whose options only one database reads, declared without loading the other's dialect.

SQLAlchemy checks an index's `postgresql_*` keywords against the PostgreSQL dialect, which
imports the dialect and its four drivers' modules (about 2 MB in every process, issue 15's
memory). So the models give PostgreSQL's options in the index's `info`, and
`attach_postgresql_options` sets them when a PostgreSQL engine is made (storage.engine): a
process on SQLite never loads that dialect, and on PostgreSQL the indexes are complete before
the first statement, the migrations' comparison (`alembic.autogenerate`) included."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Index, MetaData, TextClause

_POSTGRESQL = "postgresql options"  # the key in Index.info


def partial_unique_index(
    name: str, *columns: str, where: TextClause | ColumnElement[bool]
) -> Index:
    """A unique index over the rows `where` holds, on SQLite and on PostgreSQL alike."""
    options = {_POSTGRESQL: {"where": where}}
    return Index(name, *columns, unique=True, sqlite_where=where, info=options)


def postgresql_index(name: str, *columns: str, **options: Any) -> Index:
    """An index only PostgreSQL has (`ddl_if`), with its `postgresql_<option>`s as `options`."""
    return Index(name, *columns, info={_POSTGRESQL: options}).ddl_if(dialect="postgresql")


def attach_postgresql_options(metadata: MetaData) -> None:
    """Give every index its PostgreSQL options (loads the dialect; done again, changes nothing)."""
    for table in metadata.tables.values():
        for index in table.indexes:
            for option, value in index.info.get(_POSTGRESQL, {}).items():
                index.dialect_options["postgresql"][option] = value

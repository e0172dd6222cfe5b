"""Indexes whose options each database reads, declared without loading either's dialect.

SQLAlchemy checks an index's `sqlite_*` and `postgresql_*` keywords against that dialect, which
imports it: PostgreSQL's with its four drivers' modules (about 2 MB), SQLite's with `sqlite3`
(about 1.7 MB with aiosqlite and the project's driver), in every process (issue 15's memory).
So the models give each database's options in the index's `info`, and `attach_options` sets
one database's when its engine is made (storage.engine): a process loads only the dialect it
uses, and its indexes are complete before the first statement, the migrations' comparison
(`alembic.autogenerate`) included."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import ColumnElement, Index, MetaData, TextClause

Dialect = Literal["sqlite", "postgresql"]


def _key(dialect: Dialect) -> str:
    return f"{dialect} options"  # in Index.info


def partial_unique_index(
    name: str, *columns: str, where: TextClause | ColumnElement[bool]
) -> Index:
    """A unique index over the rows `where` holds, on SQLite and on PostgreSQL alike."""
    options = {_key("sqlite"): {"where": where}, _key("postgresql"): {"where": where}}
    return Index(name, *columns, unique=True, info=options)


def postgresql_index(name: str, *columns: str, **options: Any) -> Index:
    """An index only PostgreSQL has (`ddl_if`), with its `postgresql_<option>`s as `options`."""
    info = {_key("postgresql"): options}
    return Index(name, *columns, info=info).ddl_if(dialect="postgresql")


def attach_options(metadata: MetaData, dialect: Dialect) -> None:
    """Give every index its options for `dialect` (loads that dialect; done again, changes
    nothing)."""
    for table in metadata.tables.values():
        for index in table.indexes:
            for option, value in index.info.get(_key(dialect), {}).items():
                index.dialect_options[dialect][option] = value

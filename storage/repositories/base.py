"""The generic repository: add and get, never commit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.cache.decorators import register_cached_tag
from storage.cache.tagged import Cache
from storage.models import Base

if TYPE_CHECKING:
    from storage.uow import UnitOfWork


def tags_for_model(model: type[Any]) -> tuple[str, ...]:
    from storage.uow import tags_for_model as tags

    return tags(model)


M = TypeVar("M", bound=Base)


class Repository(Generic[M]):
    model: type[M]
    cache_tag: str

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        register_cached_tag(cls)

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    @property
    def session(self) -> AsyncSession:
        return self._uow.session

    def cache_for_reads(self) -> Cache | None:
        # Inside a transaction that changed these tables the cache would be stale (or, worse,
        # would learn uncommitted data), so such reads go to the database.
        if self._uow.cache is None or self._uow.has_writes_to(self.cache_tag):
            return None
        return self._uow.cache

    async def get(self, entity_id: int) -> M | None:
        return await self.session.get(self.model, entity_id)

    def add(self, entity: M) -> M:
        self.session.add(entity)
        return entity

    async def add_many(self, entities: Iterable[M]) -> list[M]:
        """Add entities and flush, so they get their ids (one INSERT on PostgreSQL)."""
        items = list(entities)
        self.session.add_all(items)
        await self.session.flush()
        return items

    async def insert_many(self, rows: Sequence[Mapping[str, Any]]) -> int:
        """Insert rows without loading them back: one executemany on every database.
        (`add_many` needs the new ids, which SQLite can only return row by row.)"""
        if not rows:
            return 0
        if hasattr(self.model, "created_at"):
            now = self._uow.clock.now()
            rows = [{"created_at": now, **row} for row in rows]
        await self.session.execute(insert(self.model), list(rows))
        self._uow.mark_written(*tags_for_model(self.model))
        return len(rows)

    async def delete(self, entity: M) -> None:
        await self.session.delete(entity)

    async def count(self, *where: Any) -> int:
        stmt = select(func.count()).select_from(self.model).where(*where)
        return int((await self.session.execute(stmt)).scalar_one())

    async def list(self, *where: Any, limit: int = 100, offset: int = 0) -> Sequence[M]:
        stmt = select(self.model).where(*where).order_by(self.model.id).limit(limit).offset(offset)  # type: ignore[attr-defined]
        return (await self.session.execute(stmt)).scalars().all()

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute

from storage.cache.decorators import cached
from storage.models import MessageTemplate
from storage.repositories.base import Repository


def _is(column: InstrumentedAttribute[int | None], value: int | None) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


class TemplateRepository(Repository[MessageTemplate]):
    model = MessageTemplate
    cache_tag = "templates"

    @cached()
    async def find_body(
        self, key: str, locale: str, city_id: int | None, vacancy_id: int | None = None
    ) -> str | None:
        """The admin's text for a key: the vacancy's override first, then the city's, then
        the global one."""
        places = [and_(MessageTemplate.city_id.is_(None), MessageTemplate.vacancy_id.is_(None))]
        if city_id is not None:
            places.append(MessageTemplate.city_id == city_id)
        if vacancy_id is not None:
            places.append(MessageTemplate.vacancy_id == vacancy_id)
        stmt = select(MessageTemplate).where(
            MessageTemplate.key == key,
            MessageTemplate.locale == locale,
            MessageTemplate.active.is_(True),
            or_(*places),
        )
        rows = (await self.session.scalars(stmt)).all()
        # The narrowest place wins: a vacancy, then a city, then all.
        rows = sorted(rows, key=lambda r: (r.vacancy_id is None, r.city_id is None))
        return rows[0].body if rows else None

    async def get_exact(
        self, key: str, locale: str, city_id: int | None, vacancy_id: int | None = None
    ) -> MessageTemplate | None:
        """The override for exactly this place: a vacancy, a city, or (both None) all."""
        stmt = select(MessageTemplate).where(
            MessageTemplate.key == key,
            MessageTemplate.locale == locale,
            _is(MessageTemplate.city_id, city_id),
            _is(MessageTemplate.vacancy_id, vacancy_id),
        )
        return (await self.session.scalars(stmt)).first()

    async def list_overrides(self, key: str | None = None) -> list[MessageTemplate]:
        """The admins' overrides (of one key, or all) by key and locale, global ones first."""
        stmt = select(MessageTemplate).order_by(
            MessageTemplate.key,
            MessageTemplate.locale,
            MessageTemplate.city_id.is_not(None),
            MessageTemplate.city_id,
            MessageTemplate.vacancy_id.is_not(None),
            MessageTemplate.vacancy_id,
        )
        if key is not None:
            stmt = stmt.where(MessageTemplate.key == key)
        return list((await self.session.scalars(stmt)).all())

    async def save(self, row: MessageTemplate) -> bool:
        """Write the override now. False when another one for the same key, locale and place
        was saved meanwhile (a unique index): the transaction must then be rolled back."""
        self.session.add(row)
        try:
            await self.session.flush()
        except IntegrityError:
            return False
        return True

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from storage.cache.decorators import cached
from storage.models import MessageTemplate
from storage.repositories.base import Repository


class TemplateRepository(Repository[MessageTemplate]):
    model = MessageTemplate
    cache_tag = "templates"

    @cached()
    async def find_body(self, key: str, locale: str, city_id: int | None) -> str | None:
        """The admin's text for a key: the city's override first, then the global one."""
        stmt = select(MessageTemplate).where(
            MessageTemplate.key == key,
            MessageTemplate.locale == locale,
            MessageTemplate.active.is_(True),
            or_(MessageTemplate.city_id.is_(None), MessageTemplate.city_id == city_id),
        )
        rows = (await self.session.scalars(stmt)).all()
        by_city = {row.city_id: row.body for row in rows}
        if city_id is not None and city_id in by_city:
            return by_city[city_id]
        return by_city.get(None)

    async def get_exact(self, key: str, locale: str, city_id: int | None) -> MessageTemplate | None:
        city_match = (
            MessageTemplate.city_id.is_(None)
            if city_id is None
            else MessageTemplate.city_id == city_id
        )
        stmt = select(MessageTemplate).where(
            MessageTemplate.key == key, MessageTemplate.locale == locale, city_match
        )
        return (await self.session.scalars(stmt)).first()

    async def list_overrides(self, key: str | None = None) -> list[MessageTemplate]:
        """The admins' overrides (of one key, or all) by key and locale, global ones first."""
        stmt = select(MessageTemplate).order_by(
            MessageTemplate.key,
            MessageTemplate.locale,
            MessageTemplate.city_id.is_not(None),
            MessageTemplate.city_id,
        )
        if key is not None:
            stmt = stmt.where(MessageTemplate.key == key)
        return list((await self.session.scalars(stmt)).all())

    async def save(self, row: MessageTemplate) -> bool:
        """Write the override now. False when another one for the same key, locale and city
        was saved meanwhile (a unique index): the transaction must then be rolled back."""
        self.session.add(row)
        try:
            await self.session.flush()
        except IntegrityError:
            return False
        return True

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from storage.cache.decorators import cached
from storage.dto import RecruiterDTO
from storage.models import City, Recruiter, RecruiterInvite, recruiter_cities
from storage.repositories.base import Repository


def _dto(recruiter: Recruiter) -> RecruiterDTO:
    return RecruiterDTO(
        id=recruiter.id,
        name=recruiter.name,
        telegram_chat_id=recruiter.telegram_chat_id,
        timezone=recruiter.timezone,
        meeting_link=recruiter.meeting_link,
        active=recruiter.active,
        locale=recruiter.locale,
        city_ids=tuple(sorted(c.id for c in recruiter.cities)),
    )


class RecruiterRepository(Repository[Recruiter]):
    model = Recruiter
    cache_tag = "recruiters"

    async def get_for_booking(self, recruiter_id: int) -> Recruiter | None:
        """The recruiter, locked until the transaction ends (PostgreSQL; SQLite has one writer
        at a time anyway), so two bookings of their time are decided one after the other."""
        stmt = select(Recruiter).where(Recruiter.id == recruiter_id).with_for_update()
        return (await self.session.scalars(stmt)).first()

    async def city_ids(self, recruiter_id: int) -> frozenset[int]:
        """The ids of the cities the recruiter works in (what a recruiter's account may see)."""
        stmt = select(recruiter_cities.c.city_id).where(
            recruiter_cities.c.recruiter_id == recruiter_id
        )
        return frozenset((await self.session.scalars(stmt)).all())

    async def get_with_cities(self, recruiter_id: int) -> Recruiter | None:
        stmt = (
            select(Recruiter)
            .where(Recruiter.id == recruiter_id)
            .options(selectinload(Recruiter.cities))
        )
        return (await self.session.scalars(stmt)).first()

    # Linking a chat through an invite.

    async def highest_chat_id(self) -> int | None:
        """The highest chat a recruiter is, or was once, linked to (an invite remembers it)."""
        linked = await self.session.scalar(select(func.max(Recruiter.telegram_chat_id)))
        used = await self.session.scalar(select(func.max(RecruiterInvite.used_by_chat_id)))
        return max((c for c in (linked, used) if c is not None), default=None)

    def add_invite(self, invite: RecruiterInvite) -> RecruiterInvite:
        self.session.add(invite)
        return invite

    async def unlink_chat(self, recruiter_id: int) -> None:
        """The recruiter's chat is freed now, before another recruiter takes it: the unique
        index on the chat must never see it twice."""
        recruiter = await self.get(recruiter_id)
        if recruiter is not None:
            recruiter.telegram_chat_id = None
            await self.session.flush()

    @cached()
    async def get_dto(self, recruiter_id: int) -> RecruiterDTO | None:
        recruiter = await self.get_with_cities(recruiter_id)
        return _dto(recruiter) if recruiter else None

    @cached()
    async def linked_chats(self) -> list[int]:
        """The chats recruiters are linked to (active or not): reference data, so a chat that is
        not one of them is told apart without a query of its own."""
        stmt = select(Recruiter.telegram_chat_id).where(Recruiter.telegram_chat_id.is_not(None))
        return sorted(c for c in (await self.session.scalars(stmt)).all() if c is not None)

    @cached()
    async def get_by_chat_id(self, chat_id: int) -> RecruiterDTO | None:
        stmt = (
            select(Recruiter)
            .where(Recruiter.telegram_chat_id == chat_id)
            .options(selectinload(Recruiter.cities))
        )
        recruiter = (await self.session.scalars(stmt)).first()
        return _dto(recruiter) if recruiter else None

    @cached()
    async def list_active_for_city(self, city_id: int) -> list[RecruiterDTO]:
        stmt = (
            select(Recruiter)
            .join(Recruiter.cities)
            .where(City.id == city_id, Recruiter.active.is_(True))
            .options(selectinload(Recruiter.cities))
            .order_by(Recruiter.name)
        )
        return [_dto(r) for r in (await self.session.scalars(stmt)).unique().all()]

    async def list_with_cities(
        self, *where: Any, limit: int = 500, offset: int = 0
    ) -> list[Recruiter]:
        """Recruiters in id order with their cities (one extra query for all of them)."""
        stmt = (
            select(Recruiter)
            .where(*where)
            .options(selectinload(Recruiter.cities))
            .order_by(Recruiter.id)
            .limit(limit)
            .offset(offset)
        )
        return list((await self.session.scalars(stmt)).all())

    async def list_linked_active(self) -> list[RecruiterDTO]:
        stmt = (
            select(Recruiter)
            .where(Recruiter.active.is_(True), Recruiter.telegram_chat_id.is_not(None))
            .options(selectinload(Recruiter.cities))
            .order_by(Recruiter.id)
        )
        return [_dto(r) for r in (await self.session.scalars(stmt)).all()]

    async def get_invite(self, token_hash: str) -> RecruiterInvite | None:
        stmt = select(RecruiterInvite).where(RecruiterInvite.token_hash == token_hash)
        return (await self.session.scalars(stmt)).first()

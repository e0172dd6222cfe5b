from __future__ import annotations

from sqlalchemy import select

from core.enums import SlotPurpose
from storage.models import WaitlistEntry
from storage.repositories.base import Repository


class WaitlistRepository(Repository[WaitlistEntry]):
    model = WaitlistEntry
    cache_tag = "waitlist"

    async def entry_for(self, candidate_id: int, purpose: SlotPurpose) -> WaitlistEntry | None:
        stmt = select(WaitlistEntry).where(
            WaitlistEntry.candidate_id == candidate_id, WaitlistEntry.purpose == purpose
        )
        return (await self.session.scalars(stmt)).first()

    async def in_line(
        self, city_id: int, purpose: SlotPurpose, limit: int = 50
    ) -> list[WaitlistEntry]:
        """Who waits in a city, first come first served."""
        stmt = (
            select(WaitlistEntry)
            .where(WaitlistEntry.city_id == city_id, WaitlistEntry.purpose == purpose)
            .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
            .limit(limit)
        )
        return list((await self.session.scalars(stmt)).all())

from __future__ import annotations

from sqlalchemy import select

from core.enums import AutoMessageState
from storage.models import AutoMessage
from storage.repositories.base import Repository


class AutoMessageRepository(Repository[AutoMessage]):
    model = AutoMessage
    cache_tag = "auto_messages"

    async def list_in_state(self, *states: AutoMessageState) -> list[AutoMessage]:
        stmt = select(AutoMessage).where(AutoMessage.state.in_(states)).order_by(AutoMessage.id)
        return list((await self.session.scalars(stmt)).all())

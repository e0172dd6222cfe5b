"""What the bot says to a recruiter: a message template in the default language."""

from __future__ import annotations

from domain.bookings.booking import Messaging
from domain.messaging.texts import render_message
from storage.uow import UnitOfWork


async def say(uow: UnitOfWork, m: Messaging, key: str, **values: object) -> str:
    return await render_message(uow, m.catalog, key, m.catalog.default_locale, None, **values)

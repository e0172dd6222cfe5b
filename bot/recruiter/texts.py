"""What the bot says to a recruiter: a message template in the recruiter's own language."""

from __future__ import annotations

from typing import Any

from domain.bookings.booking import Messaging
from domain.messaging.texts import render_message
from storage.dto import RecruiterDTO
from storage.uow import UnitOfWork


async def say(
    uow: UnitOfWork, m: Messaging, recruiter: RecruiterDTO, key: str, **values: Any
) -> str:
    locale = m.catalog.locale_for(recruiter.locale)
    return await render_message(uow, m.catalog, key, locale, None, **values)

"""What the bot says to a candidate: a message template in their language, for their city and
vacancy."""

from __future__ import annotations

from domain.bookings.booking import Messaging
from domain.messaging.texts import render_message
from domain.records import Candidate
from storage.uow import UnitOfWork


async def text(
    uow: UnitOfWork, m: Messaging, candidate: Candidate, key: str, **values: object
) -> str:
    return await render_message(
        uow,
        m.catalog,
        key,
        candidate.locale,
        candidate.city_id,
        vacancy_id=candidate.vacancy_id,
        **values,
    )

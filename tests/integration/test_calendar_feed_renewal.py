"""Renewing a calendar feed twice at once (a double click, two taps on "New link") ends with one
live link, one of those given, never a database error."""

from __future__ import annotations

import asyncio

from domain.calendars.feeds import feed_for_recruiter, renew_recruiter_feed
from tests.conftest import Storage
from tests.support.factories import NOW, make_city, make_recruiter


async def test_two_renewals_at_once_give_one_live_link(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        anna = await make_recruiter(uow, city, name="Anna")
        await uow.commit()
    async with storage.uow() as uow:
        old = await feed_for_recruiter(uow, anna.id)

    async def renew() -> str:
        async with storage.uow() as uow:
            return await renew_recruiter_feed(uow, anna.id, NOW, actor="test")

    first, second = await asyncio.gather(renew(), renew())
    async with storage.uow() as uow:
        live = await uow.calendar_feeds.live_for(recruiter_id=anna.id)
        assert live is not None
        assert live.token in (first, second) and live.token != old  # one of them, never the old
        assert await uow.calendar_feeds.live_by_token(old) is None

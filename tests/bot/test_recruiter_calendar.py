"""`/calendar` in a recruiter's chat: the secret feed link, and "New link" ending the old one."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from aiogram.types import InlineKeyboardMarkup

from bot.callbacks import CalendarFeedRenew
from bot.factory import create_bot, create_dispatcher
from core.clock import FrozenClock
from core.enums import BookingStatus
from domain.bookings.booking import Messaging
from domain.calendars.feeds import feed_content
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from tests.bot.conftest import BotHarness, button_update
from tests.conftest import Storage
from tests.support.bot import RecordingSession, text_update
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

CHAT = 5151
PANEL = "https://panel.example.org"
LINK = re.compile(r"https://panel\.example\.org/calendar/([A-Za-z0-9_-]+)\.ics")


def _harness(storage: Storage, panel_url: str) -> BotHarness:
    session = RecordingSession()
    bot = create_bot("42:TEST", session=session)
    catalog = Catalog.load("ru")
    messaging = Messaging(catalog, FrozenClock(NOW), BookingRules())
    dispatcher = create_dispatcher(
        uow_factory=storage.uow, cache=storage.cache, messaging=messaging, panel_url=panel_url
    )
    return BotHarness(dispatcher, bot, session, storage)


@pytest.fixture
async def linked(sqlite_storage: Storage) -> int:
    """An English-speaking recruiter linked to CHAT, with a booking tomorrow."""
    async with sqlite_storage.uow() as uow:
        city = await make_city(uow, "Kazan")
        recruiter = await make_recruiter(
            uow, city, name="Anna", telegram_chat_id=CHAT, active=True, locale="en"
        )
        slot = await make_slot(uow, recruiter, city, NOW + timedelta(days=1))
        person = await make_candidate(uow, city, full_name="Ivan Petrov")
        assert await uow.bookings.try_create(slot, person.id, BookingStatus.APPROVED, actor="t")
        await uow.commit()
        return recruiter.id


async def _served(storage: Storage, token: str) -> bytes | None:
    async with storage.uow() as uow:
        return await feed_content(uow, Catalog.load("ru"), token, None, NOW)


async def test_calendar_gives_the_feed_link_and_new_link_ends_the_old_one(
    sqlite_storage: Storage, linked: int
) -> None:
    harness = _harness(sqlite_storage, PANEL)
    await harness.dispatcher.feed_update(harness.bot, text_update("/calendar", user_id=CHAT))
    (shown,) = harness.session.sent()
    match = LINK.search(shown.text)
    assert match, shown.text
    old = match.group(1)
    assert "Subscribe from web" in shown.text
    served = await _served(sqlite_storage, old)
    assert served is not None and b"Ivan Petrov" in served
    markup = shown.reply_markup
    assert isinstance(markup, InlineKeyboardMarkup)
    assert markup.inline_keyboard[0][0].text == "New link"
    assert markup.inline_keyboard[0][0].callback_data == CalendarFeedRenew().pack()

    # Asked again: the same link.
    await harness.dispatcher.feed_update(harness.bot, text_update("/calendar", user_id=CHAT))
    again = LINK.search(harness.session.sent()[-1].text)
    assert again and again.group(1) == old

    await harness.dispatcher.feed_update(
        harness.bot, button_update(CalendarFeedRenew(), user_id=CHAT)
    )
    texts = [m.text for m in harness.session.sent()[2:]]
    assert any("old one has stopped working" in t for t in texts), texts
    new = next(m.group(1) for t in texts if (m := LINK.search(t)))
    assert new != old
    assert await _served(sqlite_storage, old) is None
    assert await _served(sqlite_storage, new) is not None


async def test_without_the_panels_address_calendar_says_so(
    sqlite_storage: Storage, linked: int
) -> None:
    harness = _harness(sqlite_storage, "")
    await harness.dispatcher.feed_update(harness.bot, text_update("/calendar", user_id=CHAT))
    (shown,) = harness.session.sent()
    assert "ADMIN_PUBLIC_URL" in shown.text
    assert "/calendar/" not in shown.text


async def test_a_candidate_gets_no_calendar_link(sqlite_storage: Storage, linked: int) -> None:
    harness = _harness(sqlite_storage, PANEL)
    await harness.dispatcher.feed_update(harness.bot, text_update("/calendar", user_id=CHAT + 1))
    assert not any(LINK.search(m.text) for m in harness.session.sent())

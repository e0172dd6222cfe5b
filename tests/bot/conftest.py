from __future__ import annotations

from dataclasses import dataclass

import pytest
from aiogram import Bot, Dispatcher

from bot.factory import create_bot, create_dispatcher
from core.clock import FrozenClock
from domain.bookings.booking import Messaging
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from tests.conftest import Storage
from tests.support.bot import RecordingSession
from tests.support.factories import NOW


@dataclass
class BotHarness:
    dispatcher: Dispatcher
    bot: Bot
    session: RecordingSession
    storage: Storage


@pytest.fixture
def harness(sqlite_storage: Storage) -> BotHarness:
    session = RecordingSession()
    bot = create_bot("42:TEST", session=session)
    messaging = Messaging(Catalog.load("ru"), FrozenClock(NOW), BookingRules())
    dispatcher = create_dispatcher(
        uow_factory=sqlite_storage.uow, cache=sqlite_storage.cache, messaging=messaging
    )
    return BotHarness(dispatcher, bot, session, sqlite_storage)

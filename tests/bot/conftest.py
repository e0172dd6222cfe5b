from __future__ import annotations

from dataclasses import dataclass

import pytest
from aiogram import Bot, Dispatcher

from bot.factory import create_bot, create_dispatcher
from core.clock import FrozenClock
from services.texts import Catalog
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
    dispatcher = create_dispatcher(
        uow_factory=sqlite_storage.uow, catalog=Catalog.load("ru"), clock=FrozenClock(NOW)
    )
    return BotHarness(dispatcher, bot, session, sqlite_storage)

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from aiogram import Bot, Dispatcher
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Chat, InlineKeyboardMarkup, Message, Update, User

from bot.callbacks import ConsentChoice
from bot.factory import create_bot, create_dispatcher
from core.clock import FrozenClock
from domain.bookings.booking import Messaging
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from tests.conftest import Storage
from tests.support.bot import RecordingSession
from tests.support.factories import NOW

_ids = itertools.count(10_000)


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


def shown_consent(session: RecordingSession, *, agree: bool) -> ConsentChoice:
    """The Agree (or Decline) button of the last consent screen the bot sent: it carries the
    version of the text shown, as the real button does."""
    for sent in reversed(session.sent()):
        markup = sent.reply_markup
        if not isinstance(markup, InlineKeyboardMarkup):
            continue
        for row in markup.inline_keyboard:
            for pressed in row:
                data = pressed.callback_data or ""
                if data.startswith(f"{ConsentChoice.__prefix__}:"):
                    choice = ConsentChoice.unpack(data)
                    if choice.agree == agree:
                        return choice
    raise AssertionError("no consent screen was sent")


def button_update(
    data: CallbackData,
    *,
    user_id: int = 777,
    language_code: str = "en",
    text: str = "…",
    markup: InlineKeyboardMarkup | None = None,
    username: str | None = "ann",
    first_name: str = "Ann",
) -> Update:
    """A press of a button carrying `data`, on a message the bot sent earlier (its `text` and
    buttons, as Telegram hands them back with the press)."""
    user = User(
        id=user_id,
        is_bot=False,
        first_name=first_name,
        username=username,
        language_code=language_code,
    )
    message = Message(
        message_id=next(_ids),
        date=NOW,
        chat=Chat(id=user_id, type="private"),
        from_user=user,
        text=text,
        reply_markup=markup,
    )
    query = CallbackQuery(
        id=str(next(_ids)),
        from_user=user,
        chat_instance="chat",
        message=message,
        data=data.pack(),
    )
    return Update(update_id=next(_ids), callback_query=query)

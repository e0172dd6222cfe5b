"""Button presses as Telegram delivers them, for tests that feed the real Dispatcher."""

from __future__ import annotations

import itertools

from aiogram.methods import AnswerCallbackQuery
from aiogram.types import CallbackQuery, Chat, Message, Update, User

from tests.support.bot import RecordingSession
from tests.support.factories import NOW

_ids = itertools.count(1_000_000)  # clear of text_update's ids: updates are deduplicated by id


def press(data: str, *, user_id: int, language_code: str = "ru") -> Update:
    """`user_id` pressing a button carrying `data` on a message the bot sent them."""
    user = User(id=user_id, is_bot=False, first_name="Tester", language_code=language_code)
    message = Message(
        message_id=next(_ids), date=NOW, chat=Chat(id=user_id, type="private"), text="…"
    )
    query = CallbackQuery(
        id=str(next(_ids)), from_user=user, chat_instance="tests", message=message, data=data
    )
    return Update(update_id=next(_ids), callback_query=query)


def answers(session: RecordingSession) -> list[AnswerCallbackQuery]:
    """The answers to pressed buttons (the alerts and toasts), in order."""
    return [m for m in session.requests if isinstance(m, AnswerCallbackQuery)]

"""Driving the real Dispatcher with updates, and a bot session that records what it sends."""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import CopyMessage, SendMessage, TelegramMethod
from aiogram.types import Chat, Message, MessageEntity, MessageId, Update, User

from tests.support.factories import NOW

_update_ids = itertools.count(1)


class RecordingSession(BaseSession):
    """Answers every request as Telegram would in the simple case, and keeps it."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> Any:
        self.requests.append(method)
        if isinstance(method, SendMessage):
            return Message(
                message_id=len(self.requests),
                date=NOW,  # the tests' now, never the machine's
                chat=Chat(id=int(method.chat_id), type="private"),
                text=method.text,
            )
        if isinstance(method, CopyMessage):
            return MessageId(message_id=len(self.requests))
        return True

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        yield b""

    async def close(self) -> None:
        return None

    def sent(self) -> list[SendMessage]:
        return [m for m in self.requests if isinstance(m, SendMessage)]


def text_update(
    text: str,
    *,
    user_id: int = 777,
    first_name: str = "Ann",
    language_code: str = "en",
    username: str | None = "ann",
) -> Update:
    user = User(
        id=user_id,
        is_bot=False,
        first_name=first_name,
        language_code=language_code,
        username=username,
    )
    entities = None
    if text.startswith("/"):
        entities = [MessageEntity(type="bot_command", offset=0, length=len(text.split()[0]))]
    message = Message(
        message_id=next(_update_ids),
        date=NOW,  # the tests' now, never the machine's
        chat=Chat(id=user_id, type="private"),
        from_user=user,
        text=text,
        entities=entities,
    )
    return Update(update_id=next(_update_ids), message=message)


def message_update(
    *,
    user_id: int = 777,
    first_name: str = "Ann",
    language_code: str = "en",
    **content: Any,
) -> Update:
    """A message with any content Telegram may carry (`photo`, `document`, `sticker`, `voice`,
    `caption`, `text`, `reply_to_message`...), from `user_id` in their private chat."""
    user = User(id=user_id, is_bot=False, first_name=first_name, language_code=language_code)
    message = Message(
        message_id=next(_update_ids),
        date=NOW,  # the tests' now, never the machine's
        chat=Chat(id=user_id, type="private"),
        from_user=user,
        **content,
    )
    return Update(update_id=next(_update_ids), message=message)


def bot_message(chat_id: int, message_id: int, text: str = "…") -> Message:
    """A message the bot sent to `chat_id` (what a reply points at)."""
    bot = User(id=42, is_bot=True, first_name="Bot")
    return Message(
        message_id=message_id,
        date=NOW,  # the tests' now, never the machine's
        chat=Chat(id=chat_id, type="private"),
        from_user=bot,
        text=text,
    )

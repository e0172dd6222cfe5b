"""New messages wait their turn under Telegram's pace; edits and button answers do not."""

from __future__ import annotations

from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    SendChatAction,
    SendDocument,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import BufferedInputFile

from bot.send_pace import PaceSendsMiddleware
from core.send_rate import SendRate


class Recorder(SendRate):
    def __init__(self) -> None:
        super().__init__(1000, 1.0)
        self.turns: list[int] = []

    async def wait_turn(self, chat_id: int) -> None:
        self.turns.append(chat_id)


async def _sent(method: TelegramMethod[object]) -> list[int]:
    rate = Recorder()

    async def telegram(bot: object, method: object) -> str:
        return "ok"

    await PaceSendsMiddleware(rate)(telegram, None, method)  # type: ignore[arg-type]
    return rate.turns


async def test_new_messages_wait_their_turn_for_their_chat() -> None:
    assert await _sent(SendMessage(chat_id=7, text="hi")) == [7]
    document = BufferedInputFile(b"x", filename="a.txt")
    assert await _sent(SendDocument(chat_id=8, document=document)) == [8]


async def test_edits_answers_and_chat_actions_go_at_once() -> None:
    assert await _sent(EditMessageText(chat_id=7, message_id=1, text="hi")) == []
    assert await _sent(AnswerCallbackQuery(callback_query_id="1")) == []
    assert await _sent(SendChatAction(chat_id=7, action="typing")) == []

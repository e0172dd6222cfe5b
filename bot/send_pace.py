"""Every new message the bot sends waits its turn under Telegram's pace (`core.send_rate`):
replies to one chat are queued a second apart once a short burst is spent, and all of them stay
under the overall rate, so a burst of users is answered rather than refused with 429s."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods.base import TelegramType

from core.send_rate import SendRate

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response, TelegramMethod

# Sending a new message counts against Telegram's limits; edits, answers to buttons and chat
# actions do not (sendChatAction is a "send" by name only).
_NOT_A_MESSAGE = frozenset({"sendChatAction"})
_MESSAGES_BY_OTHER_NAMES = frozenset({"copyMessage", "copyMessages", "forwardMessage"})


def sends_a_message(method: TelegramMethod[TelegramType]) -> bool:
    name = method.__api_method__
    if name in _NOT_A_MESSAGE:
        return False
    return name.startswith("send") or name in _MESSAGES_BY_OTHER_NAMES


class PaceSendsMiddleware(BaseRequestMiddleware):
    def __init__(self, rate: SendRate) -> None:
        self.rate = rate

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        chat_id = getattr(method, "chat_id", None)
        if isinstance(chat_id, int) and sends_a_message(method):
            await self.rate.wait_turn(chat_id)
        return await make_request(bot, method)

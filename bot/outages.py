"""An update that could not be handled because the database was away is held and handled again
once it answers, never apologised for and dropped.

Polling takes no further update from Telegram while the gate is closed (see the dispatcher),
so what arrives during an outage stays with Telegram until the database is back; the webhook
answers 503 meanwhile, so Telegram delivers it again later.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, TelegramObject, Update
from aiogram.utils.callback_answer import CallbackAnswer, CallbackAnswerMiddleware

from core.errors import DatabaseUnavailable
from storage.availability import DatabaseGate

log = structlog.get_logger(__name__)

# A replay that keeps failing although the database answers its probe in between is not an
# outage; after this many the update goes to the error router like any other failure.
MAX_ATTEMPTS = 20
# In the update's data from the second attempt on.
REPLAY = "outage_replay"


class HoldThroughOutages(BaseMiddleware):
    """Inside the duplicate-update guard, so a replay is not taken for a repeated delivery; the
    handler gets a fresh copy of the update's data each time (a new Unit of Work, the person
    read again), the FSM state being as it was when the update arrived."""

    def __init__(self, gate: DatabaseGate) -> None:
        self._gate = gate
        self.held = 0

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        update_id = event.update_id if isinstance(event, Update) else None
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return await handler(event, {**data, REPLAY: attempt > 1})
            except DatabaseUnavailable as exc:
                if attempt == MAX_ATTEMPTS:
                    raise
                self._gate.report_down(exc)
                log.warning("bot.update_held", update_id=update_id, attempt=attempt)
                self.held += 1
                try:
                    await self._gate.wait_up()
                finally:
                    self.held -= 1
        raise AssertionError("unreachable")  # pragma: no cover


class CallbackAnswerOnce(CallbackAnswerMiddleware):
    """A button's query was answered (blank) when the database failed under its first attempt;
    Telegram refuses a second answer, so a replay's answer is not sent (the handler may still
    set one, which goes nowhere) rather than fail the work done."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, CallbackQuery) and data.get(REPLAY):
            data["callback_answer"] = CallbackAnswer(answered=False, disabled=True)
            return await handler(event, data)
        return await super().__call__(handler, event, data)

"""A Unit of Work for every update's handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

import structlog
from aiogram import BaseMiddleware
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject, Update
from aiogram.types.update import UpdateTypeLookupError

from bot.update_guard import DUPLICATE
from core.metrics import Metrics, timed
from domain.organisation.places import recruiter_for_chat
from domain.pipeline.arrival import candidate_for
from domain.pipeline.journey import Stage, stage_of
from domain.vacancies.applications import application_for_message
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = structlog.get_logger(__name__)


# The update's Unit of Work, for the request middleware that releases it before Bot API calls.
current_uow: ContextVar[UnitOfWork | None] = ContextVar("current_uow", default=None)


class UnitOfWorkMiddleware(BaseMiddleware):
    """Opens one Unit of Work per update; the handler (via a service) commits explicitly."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        async with self._uow_factory() as uow:
            data["uow"] = uow
            token = current_uow.set(uow)
            try:
                return await handler(event, data)
            finally:
                current_uow.reset(token)


class UpdateTimingMiddleware(BaseMiddleware):
    """Times each update from arrival to answer, labelled by its type (a bounded set)."""

    def __init__(self, metrics: Metrics) -> None:
        self._histogram = metrics.bot_update_seconds

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        with timed(self._histogram, update_type=_update_type(event)):
            return await handler(event, data)


def _update_type(event: TelegramObject) -> str:
    try:
        return event.event_type if isinstance(event, Update) else "unknown"
    except UpdateTypeLookupError:  # an update type aiogram does not know yet
        return "unknown"


class CandidateMiddleware(BaseMiddleware):
    """Loads the person's candidate record (None for a stranger) for filters and handlers: the
    current application, or, for a button pressed on (or a reply to) a message sent for another
    of their applications, that one (made current while its journey goes on:
    `application_for_message`)."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = data.get("event_from_user")
        uow = data.get("uow")
        candidate = await candidate_for(uow, user.id) if user and uow else None
        pointed_at = _message_pointed_at(event) if candidate is not None else None
        if candidate is not None and pointed_at is not None:
            assert uow is not None
            candidate = await application_for_message(uow, candidate, *pointed_at)
        data["candidate"] = candidate
        return await handler(event, data)


def _message_pointed_at(event: TelegramObject) -> tuple[int, int] | None:
    """(chat id, message id) of the bot's message this update acts on: the one whose button was
    pressed, or the one replied to; None for anything else."""
    if isinstance(event, CallbackQuery) and event.message is not None:
        return event.message.chat.id, event.message.message_id
    if isinstance(event, Message) and event.reply_to_message is not None:
        return event.chat.id, event.reply_to_message.message_id
    return None


class DuplicateUpdateMiddleware(BaseMiddleware):
    """Telegram may deliver an update twice; the update guard (`bot.update_guard`, across
    instances when the cache is Redis) marks the second delivery, which is dropped here, after
    the timing middleware has seen it."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if data.get(DUPLICATE):
            return None
        return await handler(event, data)


class StateWhereUsedMiddleware(BaseMiddleware):
    """aiogram's FSM context, with the state read only for those whose handlers look at it:
    recruiters, and candidates choosing their city. Anyone else's update reads no state (one
    Redis command less); their handlers may still set one through the context."""

    def __init__(self, fsm: FSMContextMiddleware) -> None:
        self._fsm = fsm

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        data["fsm_storage"] = self._fsm.storage
        context = self._fsm.resolve_event_context(data["bot"], data)
        if context is not None:
            candidate = data.get("candidate")
            uses_state = data.get("recruiter") is not None or (
                candidate is not None and stage_of(candidate) is Stage.CITY
            )
            data["state"] = context
            data["raw_state"] = await context.get_state() if uses_state else None
        return await handler(event, data)


class RecruiterMiddleware(BaseMiddleware):
    """Loads the linked, active recruiter for this chat (None for everyone else). Outer, so
    filters can use it; cached, and a deactivation reaches every instance at once."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = data.get("event_from_user")
        uow = data.get("uow")
        recruiter = await recruiter_for_chat(uow, user.id) if user and uow else None
        data["recruiter"] = recruiter if recruiter is not None and recruiter.active else None
        data["recruiter_switched_off"] = recruiter is not None and not recruiter.active
        return await handler(event, data)

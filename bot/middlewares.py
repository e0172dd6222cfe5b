"""Per-update context: a Unit of Work for the handler and the update's ids in every log line."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from storage.uow import UnitOfWorkFactory


class LogContextMiddleware(BaseMiddleware):
    """Outer middleware on updates: binds update_id and user_id for everything logged inside."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = data.get("event_from_user")
        update_id = event.update_id if isinstance(event, Update) else None
        with structlog.contextvars.bound_contextvars(
            update_id=update_id, user_id=user.id if user else None
        ):
            return await handler(event, data)


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
            return await handler(event, data)

"""Turns domain errors into a polite reply and anything else into a logged apology."""

from __future__ import annotations

import structlog
from aiogram import Bot, Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, User

from core.errors import AppError
from domain.messaging.texts import Catalog

log = structlog.get_logger(__name__)


def _user(event: ErrorEvent) -> User | None:
    update = event.update
    source = update.message or update.callback_query or update.edited_message
    return source.from_user if source else None


async def _reply(event: ErrorEvent, bot: Bot, text: str) -> None:
    # A callback query is already answered by its middleware: the apology goes to the chat.
    user = _user(event)
    if user is not None:
        await bot.send_message(user.id, text)


def create_router() -> Router:
    router = Router(name=__name__)

    @router.error(ExceptionTypeFilter(AppError))
    async def on_app_error(event: ErrorEvent, bot: Bot, catalog: Catalog) -> None:
        assert isinstance(event.exception, AppError)
        user = _user(event)
        locale = catalog.locale_for(user.language_code if user else None)
        log.info(
            "bot.app_error", error=type(event.exception).__name__, detail=event.exception.detail
        )
        await _reply(event, bot, catalog.text(event.exception.message_key, locale))

    @router.error()
    async def on_unexpected(event: ErrorEvent, bot: Bot, catalog: Catalog) -> None:
        user = _user(event)
        log.exception(
            "bot.unhandled_error",
            exc_info=event.exception,
            update_id=event.update.update_id,
            user_id=user.id if user else None,
        )
        locale = catalog.locale_for(user.language_code if user else None)
        try:
            await _reply(event, bot, catalog.text("error.generic", locale))
        except Exception:  # The apology itself may fail (user blocked us); never loop.
            log.warning("bot.apology_failed", update_id=event.update.update_id)

    return router

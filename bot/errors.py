"""The one place errors become replies: a domain error a polite text in the person's language
(on the button as an alert when they pressed one), anything else a logged apology.

aiogram hands a handler's exception to the error router from the dispatcher's outermost
middleware, after the button's query was answered blank and with none of the handler's context
(the candidate, the recruiter, the query's answer). `DomainErrors` sits inside the query's
answer instead and sends domain errors to the same router with that context still at hand.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import BaseMiddleware, Bot, Router
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, TelegramObject, User
from aiogram.utils.callback_answer import CallbackAnswer

from bot.reply import tell
from core.errors import AppError, DatabaseUnavailable
from domain.messaging.texts import Catalog
from domain.records import Candidate
from storage.dto import RecruiterDTO

log = structlog.get_logger(__name__)


class DomainErrors(BaseMiddleware):
    """Sends an AppError raised by a message or button handler to the error router."""

    def __init__(self, root: Router) -> None:
        self._root = root

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        except AppError as exc:
            error = ErrorEvent(update=data["event_update"], exception=exc)
            answered = await self._root.propagate_event("error", error, **data)
            if answered is UNHANDLED:
                raise
            return answered


def _user(event: ErrorEvent) -> User | None:
    update = event.update
    source = update.message or update.callback_query or update.edited_message
    return source.from_user if source else None


def _locale(
    catalog: Catalog,
    user: User | None,
    candidate: Candidate | None,
    recruiter: RecruiterDTO | None,
) -> str:
    """Recruiters and candidates read the bot in the language they chose (a recruiter's is
    Telegram's from linking until /lang)."""
    if recruiter is not None:
        return catalog.locale_for(recruiter.locale)
    if candidate is not None:
        return candidate.locale
    return catalog.locale_for(user.language_code if user else None)


async def _send(event: ErrorEvent, bot: Bot, text: str) -> None:
    user = _user(event)
    if user is not None:
        await bot.send_message(user.id, text)


def create_router() -> Router:
    router = Router(name=__name__)

    @router.error(ExceptionTypeFilter(AppError))
    async def on_app_error(
        event: ErrorEvent,
        bot: Bot,
        catalog: Catalog,
        callback_answer: CallbackAnswer | None = None,
        candidate: Candidate | None = None,
        recruiter: RecruiterDTO | None = None,
    ) -> None:
        error = event.exception
        assert isinstance(error, AppError)
        log.info("bot.app_error", error=type(error).__name__, detail=error.detail)
        locale = _locale(catalog, _user(event), candidate, recruiter)
        text = catalog.text(error.message_key, locale, **error.values)
        if callback_answer is not None and not callback_answer.answered:
            tell(callback_answer, text, alert=True)
        else:
            await _send(event, bot, text)

    # The database being away is no failure of the update's: it is held and handled again
    # (bot.outages), never apologised for.
    @router.error(~ExceptionTypeFilter(DatabaseUnavailable))
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
            await _send(event, bot, catalog.text("error.generic", locale))
        except Exception:  # The apology itself may fail (user blocked us); never loop.
            log.warning("bot.apology_failed", update_id=event.update.update_id)

    return router

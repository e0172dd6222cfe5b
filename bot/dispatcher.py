"""The dispatcher, with the update's ids bound to every log line written while it is handled."""

from __future__ import annotations

from typing import Any

import structlog
from aiogram import Bot, Dispatcher
from aiogram.types import Update


def _user_id(update: Update) -> int | None:
    try:
        user = getattr(update.event, "from_user", None)
    except Exception:  # an update type aiogram does not know yet has no event
        return None
    return user.id if user is not None else None


class RecruitingDispatcher(Dispatcher):
    async def feed_update(self, bot: Bot, update: Update, **kwargs: Any) -> Any:
        # Bound here rather than in a middleware, so aiogram's own "update handled" line has them.
        with structlog.contextvars.bound_contextvars(
            update_id=update.update_id, user_id=_user_id(update)
        ):
            return await super().feed_update(bot, update, **kwargs)

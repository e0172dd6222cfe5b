"""`/start`: a stranger arriving from a link becomes a candidate."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message

from services.candidates import register_candidate, source_from_payload
from services.texts import Catalog, render_message
from storage.uow import UnitOfWork


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")

    @router.message(CommandStart())
    async def start(
        message: Message, command: CommandObject, uow: UnitOfWork, catalog: Catalog
    ) -> None:
        user = message.from_user
        if user is None:
            return
        candidate = await register_candidate(
            uow,
            telegram_id=user.id,
            username=user.username,
            full_name=user.full_name,
            locale=catalog.locale_for(user.language_code),
            source=source_from_payload(command.args),
        )
        text = await render_message(
            uow, catalog, "welcome", candidate.locale, candidate.city_id, name=user.first_name
        )
        await message.answer(text)

    return router

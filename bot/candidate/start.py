"""`/start`: a stranger becomes a candidate; someone coming back resumes where they stopped. A
link to a vacancy (`/start v<id>_<source>`, `/start <slug>_<source>`) applies to it."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message

from bot.candidate.journey import show_step
from bot.candidate.language import language_button
from bot.candidate.texts import text
from bot.candidate.vacancy_list import announce
from bot.filters import IsCandidate
from bot.reply import Reply
from domain.bookings.booking import Messaging
from domain.pipeline.arrival import arrive
from domain.pipeline.journey import final_answer
from domain.records import Candidate
from domain.vacancies.choosing import apply_from_link
from domain.vacancies.links import read_payload
from storage.uow import UnitOfWork


async def welcome_and_resume(
    message: Message,
    bot: Bot,
    uow: UnitOfWork,
    m: Messaging,
    payload: str | None,
    known: Candidate | None,
) -> None:
    """`known`: the candidate CandidateMiddleware read for this account in this unit, if any."""
    user = message.from_user
    assert user is not None
    arrival = await read_payload(uow, payload)
    candidate = await arrive(
        uow,
        known,
        telegram_id=user.id,
        username=user.username,
        locale=m.catalog.locale_for(user.language_code),
        source=arrival.source,
    )
    applied = await apply_from_link(uow, candidate, arrival, m.clock.now())
    if applied is not None:
        await uow.commit()
        candidate = applied.candidate
    reply = Reply.to_message(bot, message)
    if final_answer(candidate) is None:  # an ended journey gets its own answer, no welcome
        await reply.send(
            await text(uow, m, candidate, "welcome", name=user.first_name),
            language_button(m.catalog, candidate.locale),
        )
    if applied is not None:
        await announce(reply, uow, m, applied)
    await show_step(reply, uow, candidate, m)


def create_router() -> Router:
    router = Router(name=__name__)

    @router.message(CommandStart(), F.from_user)
    async def start(
        message: Message,
        command: CommandObject,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate | None,
    ) -> None:
        await welcome_and_resume(message, bot, uow, messaging, command.args, candidate)

    @router.message(F.from_user, ~IsCandidate())
    async def stranger(message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging) -> None:
        """Someone who writes before /start (or after their data was removed) starts too."""
        await welcome_and_resume(message, bot, uow, messaging, None, None)

    return router

"""`/vacancies`: the person's applications and the open vacancies of their city; choosing an
application goes on with it, choosing a vacancy applies to it. And the choice among a city's
several vacancies after the city: any other answer asks it again."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, Filter
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.callbacks import ApplicationPick, VacancyPick
from bot.candidate.inbound import keep_and_relay
from bot.candidate.journey import show_step
from bot.candidate.texts import text
from bot.candidate.vacancy_list import announce, show_overview, show_screening_start
from bot.reply import Reply
from domain.bookings.booking import Messaging
from domain.records import Candidate
from domain.vacancies.applications import switch_to
from domain.vacancies.catalog import title_in
from domain.vacancies.choosing import choose_open, overview, to_choose, vacancy_of
from storage.uow import UnitOfWork


class ChoosingVacancy(Filter):
    """A filter: the person chose their city, and must now choose among its vacancies."""

    async def __call__(
        self,
        event: TelegramObject,
        uow: UnitOfWork | None = None,
        messaging: Messaging | None = None,
        candidate: Candidate | None = None,
    ) -> bool:
        if candidate is None or uow is None or messaging is None:
            return False
        return bool(await to_choose(uow, candidate, messaging.clock.now()))


def create_router() -> Router:
    router = Router(name=__name__)

    @router.message(Command("vacancies"))
    async def list_vacancies(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        found = await overview(uow, candidate, messaging.clock.now())
        await show_overview(Reply.to_message(bot, message), uow, candidate, messaging, found)

    @router.callback_query(VacancyPick.filter())
    async def apply(
        query: CallbackQuery,
        callback_data: VacancyPick,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        await reply.drop_buttons()
        applied = await choose_open(uow, candidate, callback_data.vacancy_id, messaging.clock.now())
        if applied is None:
            await reply.send(await text(uow, messaging, candidate, "vacancy_closed"))
            await show_step(reply, uow, candidate, messaging)
            return
        await uow.commit()
        await announce(reply, uow, messaging, applied)
        await show_step(reply, uow, applied.candidate, messaging)

    @router.callback_query(ApplicationPick.filter())
    async def go_on(
        query: CallbackQuery,
        callback_data: ApplicationPick,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        await reply.drop_buttons()
        current = await switch_to(uow, candidate, callback_data.application_id)
        if current is None:
            await show_step(reply, uow, candidate, messaging)
            return
        await uow.commit()
        vacancy = await vacancy_of(uow, current)
        if vacancy is not None:
            status = messaging.catalog.text(
                f"application_status.{current.status.value}", current.locale
            )
            title = title_in(vacancy, current.locale)
            body = await text(
                uow, messaging, current, "vacancy_current", vacancy=title, status=status
            )
            await reply.send(body)
        await show_step(reply, uow, current, messaging)

    @router.message(ChoosingVacancy(), F.text, ~F.text.startswith("/"))
    async def not_a_choice(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        """Words instead of a button while the vacancy is to be chosen: the choice again."""
        await show_screening_start(Reply.to_message(bot, message), uow, candidate, messaging)

    @router.message(ChoosingVacancy(), ~F.text)
    async def not_text(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        """A photo, a document: kept for the recruiters, then the choice again."""
        await keep_and_relay(message, uow, messaging, candidate)
        await show_screening_start(Reply.to_message(bot, message), uow, candidate, messaging)

    return router

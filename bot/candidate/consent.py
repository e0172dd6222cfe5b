"""Agree / Decline on the consent screen, and the gate before every other step: someone who
has not agreed to the consent text shown now is shown it, and nothing they send is kept."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.callbacks import ConsentChoice, UnversionedConsentChoice
from bot.candidate.consent_screen import show_consent
from bot.candidate.journey import show_step
from bot.candidate.personal_data import ask_to_forget
from bot.filters import IsCandidate
from bot.reply import Reply
from domain.bookings.booking import Messaging
from domain.privacy.consent import (
    agree,
    current_version,
    decline,
    needs_consent,
    withdrawal_needs_confirming,
)
from domain.privacy.states import DECLINED
from domain.records import Candidate
from storage.uow import UnitOfWork


class NeedsConsent(Filter):
    """A filter: the candidate has not agreed to the consent text shown now."""

    async def __call__(
        self,
        event: TelegramObject,
        uow: UnitOfWork | None = None,
        messaging: Messaging | None = None,
        candidate: Candidate | None = None,
    ) -> bool:
        if candidate is None or uow is None or messaging is None:
            return False
        return await needs_consent(uow, messaging, candidate)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(IsCandidate())
    router.callback_query.filter(IsCandidate())

    @router.callback_query(ConsentChoice.filter())
    async def choose(
        query: CallbackQuery,
        callback_data: ConsentChoice,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate,
    ) -> None:
        reply = Reply.to_callback(bot, query)
        await reply.drop_buttons()
        if callback_data.version != await current_version(uow, messaging):
            await show_consent(reply, uow, candidate, messaging)  # pressed under another text
        elif callback_data.agree:
            user = query.from_user
            await agree(uow, messaging, candidate, username=user.username, full_name=user.full_name)
            await show_step(reply, uow, candidate, messaging)
        elif withdrawal_needs_confirming(candidate):
            await ask_to_forget(reply, messaging, candidate)  # as /forgetme: erased on confirm
        else:
            await decline(uow, messaging, candidate)
            await reply.send(messaging.catalog.text("consent.declined", candidate.locale))

    @router.callback_query(UnversionedConsentChoice.filter())
    async def choose_unversioned(
        query: CallbackQuery, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        """Which text it answered is unknown: nothing is recorded, the text shown now is."""
        reply = Reply.to_callback(bot, query)
        await reply.drop_buttons()
        await show_consent(reply, uow, candidate, messaging)

    @router.message(NeedsConsent())
    async def ask(
        message: Message, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        reply = Reply.to_message(bot, message)
        if candidate.consent == DECLINED:  # not asked again unless they /start
            await reply.send(messaging.catalog.text("consent.declined", candidate.locale))
        else:
            await show_consent(reply, uow, candidate, messaging)

    @router.callback_query(NeedsConsent())
    async def ask_by_button(
        query: CallbackQuery, bot: Bot, uow: UnitOfWork, messaging: Messaging, candidate: Candidate
    ) -> None:
        await show_consent(Reply.to_callback(bot, query), uow, candidate, messaging)

    return router

"""The consent screen: the consent text (a template with the privacy policy's address) and its
Agree / Decline buttons."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.buttons import button
from bot.callbacks import ConsentChoice
from bot.reply import Reply
from domain.bookings.booking import Messaging
from domain.privacy.consent import consent_text, current_version
from domain.records import Candidate
from storage.uow import UnitOfWork


def consent_keyboard(m: Messaging, locale: str, version: str) -> InlineKeyboardMarkup:
    agree = ConsentChoice(agree=True, version=version)
    refuse = ConsentChoice(agree=False, version=version)
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(m.catalog.text("button.consent_agree", locale), agree),
                button(m.catalog.text("button.consent_decline", locale), refuse),
            ]
        ]
    )


async def show_consent(reply: Reply, uow: UnitOfWork, candidate: Candidate, m: Messaging) -> None:
    version = await current_version(uow, m)
    await reply.send(
        await consent_text(uow, m, candidate.locale),
        consent_keyboard(m, candidate.locale, version),
    )

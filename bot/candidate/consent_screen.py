"""The consent screen: the consent text (a template with the privacy policy's address) and its
Agree / Decline buttons."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.buttons import button
from bot.callbacks import ConsentChoice
from bot.reply import Reply
from domain.bookings.booking import Messaging
from domain.privacy.consent import consent_text
from domain.records import Candidate
from storage.uow import UnitOfWork


def consent_keyboard(m: Messaging, locale: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(m.catalog.text("button.consent_agree", locale), ConsentChoice(agree=True)),
                button(
                    m.catalog.text("button.consent_decline", locale), ConsentChoice(agree=False)
                ),
            ]
        ]
    )


async def show_consent(reply: Reply, uow: UnitOfWork, candidate: Candidate, m: Messaging) -> None:
    await reply.send(
        await consent_text(uow, m, candidate.locale), consent_keyboard(m, candidate.locale)
    )

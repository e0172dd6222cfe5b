"""`/mydata` (a copy of everything held about the person: a summary and a JSON file) and
`/forgetme` (erasure, once confirmed by a button). Before `/start`'s router: anyone may ask."""

from __future__ import annotations

from html import escape

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.buttons import button
from bot.callbacks import ForgetChoice
from bot.reply import Reply
from domain.bookings.booking import Messaging
from domain.messaging.texts import Catalog
from domain.privacy.consent import consent_label
from domain.privacy.erasure import forget_me
from domain.privacy.export import PersonalCopy, personal_copy
from domain.records import Candidate
from storage.uow import UnitOfWork

DASH = "—"


def _shown(value: object) -> str:
    """A held value as it goes into the HTML message: escaped, or a dash if there is none."""
    return escape(str(value), quote=False) if value else DASH


def summary(catalog: Catalog, locale: str, copy: PersonalCopy) -> str:
    profile = copy.profile
    counts = copy.counts()
    lines = [
        catalog.text("mydata.summary", locale, count=sum(counts.values())),
        "",
        catalog.text(
            "mydata.profile",
            locale,
            name=_shown(profile.get("full_name")),
            username=_shown(profile.get("username")),
            phone=_shown(profile.get("phone")),
            status=_shown(profile.get("status")),
            consent=escape(consent_label(catalog, profile.get("consent"), locale), quote=False),
            consent_at=_shown(profile.get("consent_at")),
        ),
        "",
    ]
    lines += [
        catalog.text("mydata.table", locale, table=escape(t, quote=False), count=n)
        for t, n in counts.items()
    ]
    return "\n".join(lines)


def forget_keyboard(catalog: Catalog, locale: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(catalog.text("button.forget_confirm", locale), ForgetChoice(sure=True)),
                button(catalog.text("button.forget_keep", locale), ForgetChoice(sure=False)),
            ]
        ]
    )


async def ask_to_forget(reply: Reply, messaging: Messaging, candidate: Candidate) -> None:
    """Ask whether to erase everything, with the buttons `confirm` below acts on."""
    catalog = messaging.catalog
    await reply.send(
        catalog.text("forget.ask", candidate.locale), forget_keyboard(catalog, candidate.locale)
    )


def create_router() -> Router:
    router = Router(name=__name__)

    @router.message(Command("mydata"))
    async def my_data(
        message: Message,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate | None,
    ) -> None:
        reply = Reply.to_message(bot, message)
        catalog = messaging.catalog
        if candidate is None:
            asker = message.from_user.language_code if message.from_user else None
            await reply.send(catalog.text("mydata.nothing", catalog.locale_for(asker)))
            return
        locale = candidate.locale
        copy = await personal_copy(uow, candidate)
        await reply.send(summary(catalog, locale, copy))
        await reply.send_file(
            "my-data.json", copy.as_json(), catalog.text("mydata.file_caption", locale)
        )

    @router.message(Command("forgetme"))
    async def forget(
        message: Message, bot: Bot, messaging: Messaging, candidate: Candidate | None
    ) -> None:
        catalog = messaging.catalog
        reply = Reply.to_message(bot, message)
        if candidate is None:
            asker = message.from_user.language_code if message.from_user else None
            await reply.send(catalog.text("mydata.nothing", catalog.locale_for(asker)))
            return
        await ask_to_forget(reply, messaging, candidate)

    @router.callback_query(ForgetChoice.filter())
    async def confirm(
        query: CallbackQuery,
        callback_data: ForgetChoice,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        candidate: Candidate | None,
    ) -> None:
        catalog = messaging.catalog
        reply = Reply.to_callback(bot, query)
        await reply.drop_buttons()
        locale = (
            candidate.locale if candidate else catalog.locale_for(query.from_user.language_code)
        )
        if candidate is not None and callback_data.sure:
            await forget_me(uow, messaging, candidate)
            await reply.send(catalog.text("forget.done", locale))
        else:
            await reply.send(catalog.text("forget.kept", locale))

    return router

"""Where a handler answers: a new message in the chat, or an edit of the message pressed."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.buttons import Markup
from bot.json_session import unread_result
from domain.messaging.texts import Catalog


def tell(callback_answer: CallbackAnswer, text: str, *, alert: bool = False) -> None:
    """What the answer to a pressed button says (sent once, by the callback middleware)."""
    callback_answer.text = text[:200]
    callback_answer.show_alert = alert


def tell_outdated(callback_answer: CallbackAnswer, catalog: Catalog, locale: str) -> None:
    """The answer to a button whose action is not (or no longer) open to the one pressing it:
    an old one, one for a stage they have left, or a forged one. Nothing changes."""
    tell(callback_answer, catalog.text("error.outdated_button", locale))


@dataclass(frozen=True)
class Reply:
    bot: Bot
    chat_id: int
    message_id: int | None = None  # the message a button was pressed on

    @classmethod
    def to_message(cls, bot: Bot, message: Message) -> Reply:
        return cls(bot, message.chat.id)

    @classmethod
    def to_callback(cls, bot: Bot, callback: CallbackQuery) -> Reply:
        message_id = callback.message.message_id if callback.message is not None else None
        return cls(bot, callback.from_user.id, message_id)

    async def send(self, text: str, markup: Markup = None) -> None:
        with unread_result():
            await self.bot.send_message(self.chat_id, text, reply_markup=markup)

    async def send_file(self, name: str, content: bytes, caption: str | None = None) -> None:
        await self.bot.send_document(
            self.chat_id, BufferedInputFile(content, filename=name), caption=caption
        )

    async def show(self, text: str, markup: Markup = None, *, edit: bool) -> None:
        await (self.edit_or_send(text, markup) if edit else self.send(text, markup))

    async def edit_or_send(self, text: str, markup: Markup = None) -> None:
        """Navigation edits the pressed message in place; elsewhere it sends a new one."""
        if self.message_id is None or not (markup is None or hasattr(markup, "inline_keyboard")):
            await self.send(text, markup)
            return
        try:
            with unread_result():
                await self.bot.edit_message_text(
                    text,
                    chat_id=self.chat_id,
                    message_id=self.message_id,
                    reply_markup=markup,  # type: ignore[arg-type]
                )
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:
                return  # a refresh that found nothing new
            await self.send(text, markup)

    async def replace_buttons(self, markup: InlineKeyboardMarkup) -> None:
        """Swap the pressed message's buttons (e.g. for a choice of reasons)."""
        if self.message_id is None:
            await self.send("…", markup)
            return
        with contextlib.suppress(TelegramBadRequest):
            await self.bot.edit_message_reply_markup(
                chat_id=self.chat_id, message_id=self.message_id, reply_markup=markup
            )

    async def close_answered(self, text: str | None) -> None:
        """Rewrite the pressed message as `text` (the question with the answer chosen), without
        its buttons; with no text, only take the buttons off."""
        if text is None or self.message_id is None:
            await self.drop_buttons()
            return
        try:
            await self.bot.edit_message_text(
                text, chat_id=self.chat_id, message_id=self.message_id, reply_markup=None
            )
        except TelegramBadRequest:
            await self.drop_buttons()

    async def drop_buttons(self) -> None:
        """Take the buttons off the pressed message, so it cannot be pressed twice."""
        if self.message_id is None:
            return
        # Already without buttons, or too old to edit: then there is nothing to protect.
        with contextlib.suppress(TelegramBadRequest):
            await self.bot.edit_message_reply_markup(
                chat_id=self.chat_id, message_id=self.message_id, reply_markup=None
            )

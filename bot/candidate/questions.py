"""How a test question reads and the buttons it is answered with (test 1 and test 2)."""

from __future__ import annotations

import html

from aiogram.types import (
    CallbackQuery,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)

from bot.buttons import Markup, button
from bot.callbacks import AnswerChoice, Test2Choice
from core.enums import QuestionKind
from domain.messaging.texts import Catalog
from domain.screening.answers import prompt_text
from storage.dto import QuestionDTO


def question_prompt(question: QuestionDTO, locale: str) -> str:
    return prompt_text(question, locale)


def _label(option: dict[str, object], locale: str) -> str:
    label = option.get("label", option.get("value"))
    if isinstance(label, dict):
        return str(label.get(locale) or next(iter(label.values())))
    return str(label)


def question_markup(question: QuestionDTO, catalog: Catalog, locale: str) -> Markup:
    if question.kind is QuestionKind.SINGLE_CHOICE:
        return InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    button(
                        _label(o, locale),
                        AnswerChoice(question_id=question.id, value=str(o["value"])),
                    )
                ]
                for o in question.options
            ]
        )
    if question.kind is QuestionKind.PHONE:
        return ReplyKeyboardMarkup(
            keyboard=[
                [
                    KeyboardButton(
                        text=catalog.text("button.share_phone", locale), request_contact=True
                    )
                ]
            ],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    return None


def test2_markup(question: QuestionDTO, locale: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [button(_label(o, locale), Test2Choice(question_id=question.id, value=str(o["value"])))]
            for o in question.options
        ]
    )


def answered_text(query: CallbackQuery, catalog: Catalog, locale: str) -> str | None:
    """The pressed question as it reads, with the chosen answer under it (the label of the
    button pressed, from the message's own keyboard), so the chat keeps what was chosen.
    None when Telegram no longer hands the message back."""
    message = query.message
    if not isinstance(message, Message) or message.text is None:
        return None
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup is not None else []
    label = next((b.text for row in rows for b in row if b.callback_data == query.data), None)
    if label is None:
        return None
    chosen = catalog.text("answer.chosen", locale, label=html.escape(label))
    return f"{message.html_text}\n\n{chosen}"

"""What a Bot API request's body costs to build: aiogram's form against the JSON body the
application sends (`bot.json_session`), for the two replies a new user's /start gets (the
welcome with its language button, the consent text with its two buttons), in English and in
Russian, measured in one run: `python -m bench.request_body [--rounds N]`.

The form percent-encodes every byte of the text and of the keyboard's JSON in Python; the JSON
body is one `json.dumps`. Nothing is sent: only the body is built, as each request builds it."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.enums import ParseMode
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.json_session import JsonBodySession
from domain.messaging.rendering import render
from domain.messaging.texts import Catalog

CHAT_ID = 5_123_456_789


def start_replies(catalog: Catalog, locale: str) -> list[SendMessage]:
    """The welcome and the consent screen as /start sends them to a new user."""

    def button(key: str, data: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(text=catalog.text(key, locale), callback_data=data)

    welcome = render(catalog.shipped_template("welcome", locale), {"name": "Анна"})
    consent = render(catalog.shipped_template("consent", locale), {"policy_url": ""})
    return [
        SendMessage(
            chat_id=CHAT_ID,
            text=welcome,
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[[button("button.language", "lang:menu")]]
            ),
        ),
        SendMessage(
            chat_id=CHAT_ID,
            text=consent,
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[
                    [button("button.consent_agree", "consent:1:3f2a9c")],
                    [button("button.consent_decline", "consent:0:3f2a9c")],
                ]
            ),
        ),
    ]


def per_body_us(
    build: Callable[[SendMessage], object], methods: list[SendMessage], rounds: int
) -> float:
    """Microseconds per body, the best of five runs of `rounds` bodies of each method."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(rounds):
            for method in methods:
                build(method)
        best = min(best, (time.perf_counter() - started) / (rounds * len(methods)))
    return best * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.request_body", description=__doc__)
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    catalog = Catalog.load("ru")
    default = DefaultBotProperties(parse_mode=ParseMode.HTML)
    form_session, json_session = AiohttpSession(), JsonBodySession()
    form_bot = Bot("1:bench", session=form_session, default=default)
    json_bot = Bot("1:bench", session=json_session, default=default)
    for locale in ("en", "ru"):
        methods = start_replies(catalog, locale)
        # The form's payload is what aiohttp writes: building it is part of every request.
        form = per_body_us(
            lambda m: form_session.build_form_data(form_bot, m)(), methods, args.rounds
        )
        body = per_body_us(lambda m: json_session.json_body(json_bot, m), methods, args.rounds)
        print(
            f"{locale}: /start's two replies, per request body: aiogram's form {form:.1f} µs, "
            f"JSON {body:.1f} µs ({form / body:.2f}× less CPU)"
        )


if __name__ == "__main__":
    main()

"""The bot's requests go to the Bot API as JSON bodies, with what aiogram's form would carry;
an upload still goes as multipart, and the server's answers and refusals read as before."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import ClientDecodeError, TelegramBadRequest, TelegramNetworkError
from aiogram.methods import SendDocument, SendMessage
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.json_session import JsonBodySession, unread_result
from sandbox.params import read_params

TEXT = "Мы обрабатываем ваши данные — согласны?"
KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[
        [
            InlineKeyboardButton(text="Согласен", callback_data="consent:1"),
            InlineKeyboardButton(text="Нет", callback_data="consent:0"),
        ]
    ]
)
SENT = {"message_id": 7, "date": 0, "chat": {"id": 42, "type": "private"}, "text": TEXT}


class BotApi:
    """Records each request's content type and parameters; refuses an empty text as Telegram."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []

    async def handle(self, request: web.Request) -> web.Response:
        params = (await read_params(request)).values
        self.requests.append((request.content_type, params))
        if request.match_info["method"] == "sendMessage" and not params.get("text"):
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: message text is empty",
                },
                status=400,
            )
        return web.json_response({"ok": True, "result": SENT})


@pytest.fixture
async def api() -> AsyncIterator[tuple[BotApi, Bot]]:
    recorded = BotApi()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", recorded.handle)
    server = TestServer(app)
    await server.start_server()
    session = JsonBodySession()
    session.api = TelegramAPIServer.from_base(str(server.make_url("")).rstrip("/"))
    bot = Bot("123:abc", session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    try:
        yield recorded, bot
    finally:
        await session.close()
        await server.close()


async def test_a_message_goes_as_one_json_object(api: tuple[BotApi, Bot]) -> None:
    recorded, bot = api
    sent = await bot(SendMessage(chat_id=42, text=TEXT, reply_markup=KEYBOARD))
    assert sent.message_id == 7 and sent.text == TEXT
    [(content_type, params)] = recorded.requests
    assert content_type == "application/json"
    assert params == {
        "chat_id": 42,
        "text": TEXT,
        "parse_mode": "HTML",  # the bot's default, resolved as aiogram resolves it for a form
        "reply_markup": {
            "inline_keyboard": [
                [
                    {"text": "Согласен", "callback_data": "consent:1"},
                    {"text": "Нет", "callback_data": "consent:0"},
                ]
            ]
        },
    }


async def test_false_and_zero_are_sent_not_left_out(api: tuple[BotApi, Bot]) -> None:
    recorded, bot = api
    await bot(SendMessage(chat_id=42, text="x", disable_notification=False, message_thread_id=0))
    params = recorded.requests[0][1]
    assert params["disable_notification"] is False and params["message_thread_id"] == 0


async def test_an_upload_goes_as_multipart(api: tuple[BotApi, Bot]) -> None:
    recorded, bot = api
    document = BufferedInputFile(b"%PDF-1.4", filename="cv.pdf")
    assert bot.session.json_body(bot, SendDocument(chat_id=42, document=document)) is None  # type: ignore[attr-defined]
    await bot(SendDocument(chat_id=42, document=document, caption="CV"))
    [(content_type, params)] = recorded.requests
    assert content_type == "multipart/form-data"
    assert params["caption"] == "CV"


async def test_a_refusal_raises_as_it_did(api: tuple[BotApi, Bot]) -> None:
    _, bot = api
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot(SendMessage(chat_id=42, text=""))


def _as_form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def test_the_body_carries_what_aiogram_s_form_carries() -> None:
    session = JsonBodySession()
    bot = Bot("123:abc", session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    method = SendMessage(
        chat_id=42,
        text=TEXT,
        reply_markup=KEYBOARD,
        protect_content=True,
        disable_notification=True,
    )
    body = session.json_body(bot, method)
    assert body is not None
    form = AiohttpSession().build_form_data(bot, method)  # aiogram's own
    fields = {options["name"]: value for options, _headers, value in form._fields}
    sent = json.loads(body)
    assert sent.keys() == fields.keys()
    for key, value in sent.items():
        expected = fields[key]
        if isinstance(value, dict | list):
            assert value == json.loads(expected), key
        else:
            assert _as_form_value(value) == expected, key


async def test_a_server_that_cannot_be_reached_is_a_network_error() -> None:
    session = JsonBodySession()
    with socket.socket() as sock:  # a port nobody listens on once this closes
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    session.api = TelegramAPIServer.from_base(f"http://127.0.0.1:{port}")
    bot = Bot("123:abc", session=session)
    try:
        with pytest.raises(TelegramNetworkError):
            await bot(SendMessage(chat_id=42, text="x"))
    finally:
        await session.close()


async def test_a_result_nobody_reads_is_checked_not_parsed(
    api: tuple[BotApi, Bot], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded, bot = api
    # A result aiogram could not read: parsed, it fails; unread, only `ok` is looked at.
    monkeypatch.setitem(SENT, "chat", {"id": "not a number", "type": "private"})
    with unread_result():
        assert await bot(SendMessage(chat_id=42, text=TEXT)) is None
    with pytest.raises(ClientDecodeError):
        await bot(SendMessage(chat_id=42, text=TEXT))
    assert len(recorded.requests) == 2


async def test_a_refusal_of_an_unread_result_raises_as_it_did(api: tuple[BotApi, Bot]) -> None:
    _, bot = api
    with unread_result(), pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot(SendMessage(chat_id=42, text=""))

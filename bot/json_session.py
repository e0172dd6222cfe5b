"""Bot API requests with a JSON body.

Telegram takes `application/json` for every method but uploads. aiogram's session sends a form
instead, which percent-encodes every byte of a text and of a keyboard's JSON one by one in
Python: building the body of one of /start's replies takes 61 µs in English and 73 µs in
Russian that way, 29 µs as JSON (`python -m bench.request_body`), and a bot update sends one to
three messages. A request carrying a file goes as aiogram sends it (multipart). Only the body
changes: aiogram's own request, timeouts, errors and reading of the answer are used as they are.

A successful answer whose result nobody reads (a reply sent, a message edited: `unread_result`)
is only checked to be `ok`, not turned into aiogram's models: validating the Message Telegram
sends back, its chat, sender and keyboard, cost more than building the request. A refusal is
read exactly as aiogram reads it (its error, its retry-after).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import Response
from aiogram.methods.base import TelegramType
from aiohttp import FormData
from aiohttp.payload import StringPayload

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import TelegramMethod
    from aiogram.types import InputFile


_RESULT_UNREAD: ContextVar[bool] = ContextVar("bot_result_unread", default=False)


@contextlib.contextmanager
def unread_result() -> Iterator[None]:
    """The Bot API calls made inside do not read their result (it is None for them)."""
    token = _RESULT_UNREAD.set(True)
    try:
        yield
    finally:
        _RESULT_UNREAD.reset(token)


class JsonBodySession(AiohttpSession):
    def json_body(self, bot: Bot, method: TelegramMethod[Any]) -> str | None:
        """The method's parameters as one JSON object, as aiogram prepares them for its form
        (defaults resolved, times as timestamps, enums as values; what the form leaves out,
        a missing or empty value, left out too); None when it carries a file to upload."""
        files: dict[str, InputFile] = {}
        body: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is None or prepared == "":
                continue
            body[key] = prepared
        return None if files else self.json_dumps(body)

    def build_form_data(self, bot: Bot, method: TelegramMethod[Any]) -> FormData:
        """What aiogram's `make_request` posts (as `data=`): the JSON body, or the form when
        there is a file to upload. aiohttp takes the payload's content type for the request."""
        body = self.json_body(bot, method)
        if body is None:
            return super().build_form_data(bot, method)
        return StringPayload(body, content_type="application/json")  # type: ignore[return-value]

    def check_response(
        self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int, content: str
    ) -> Response[TelegramType]:
        """aiogram's check, except for a success whose result is not read: then only `ok`."""
        if _RESULT_UNREAD.get() and HTTPStatus.OK <= status_code <= HTTPStatus.IM_USED:
            try:
                answer = self.json_loads(content)
            except ValueError:
                answer = None
            if isinstance(answer, dict) and answer.get("ok") is True:
                return Response[TelegramType].model_construct(ok=True)
        return super().check_response(bot, method, status_code, content)

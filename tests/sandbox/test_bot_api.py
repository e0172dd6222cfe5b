"""The sandbox answers aiogram's own client as Telegram would, errors included."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from bot.factory import create_bot
from sandbox import user_actions
from tests.sandbox.conftest import TOKEN, Sandbox


def _keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=d or "x", callback_data=d)] for d in data]
    )


async def test_get_me_and_send_message_return_objects_aiogram_accepts(sandbox: Sandbox) -> None:
    me = await sandbox.bot.get_me()
    assert me.is_bot
    assert me.id == 123456
    user = sandbox.started_user()
    sent = await sandbox.bot.send_message(
        user.id, "<b>Hi</b> &amp; welcome", reply_markup=_keyboard("a:1")
    )
    assert sent.text == "Hi & welcome"
    assert sent.chat.id == user.id
    assert sent.reply_markup is not None
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "a:1"
    chat = sandbox.world.chat(me.id, user.id)
    assert chat[-1].html == "<b>Hi</b> &amp; welcome"


async def test_a_malformed_token_is_unauthorized(sandbox: Sandbox) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{sandbox.url}/botnot-a-token/getMe") as response,
    ):
        assert response.status == 401
        assert await response.json() == {
            "ok": False,
            "error_code": 401,
            "description": "Unauthorized",
        }


async def test_unknown_chat_never_started_and_blocked(sandbox: Sandbox) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await sandbox.bot.send_message(999, "hello")
    stranger = sandbox.world.add_user(first_name="Bob")
    with pytest.raises(TelegramForbiddenError, match="can't initiate conversation"):
        await sandbox.bot.send_message(stranger.id, "hello")
    user = sandbox.started_user()
    user_actions.set_blocked(sandbox.world, sandbox.sandbox_bot(), user, blocked=True)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await sandbox.bot.send_message(user.id, "hello")


async def test_text_length_and_html_are_checked(sandbox: Sandbox) -> None:
    user = sandbox.started_user()
    await sandbox.bot.send_message(user.id, "я" * 4096)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await sandbox.bot.send_message(user.id, "я" * 4097)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await sandbox.bot.send_message(user.id, "<b></b>")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await sandbox.bot.send_message(user.id, "<b>unclosed")
    with pytest.raises(TelegramBadRequest, match='unsupported start tag "script"'):
        await sandbox.bot.send_message(user.id, "<script>x</script>")
    # Markup counts only what the user sees: 4096 letters inside tags fit.
    await sandbox.bot.send_message(user.id, "<i>" + "a" * 4096 + "</i>")


async def test_callback_data_and_keyboard_limits(sandbox: Sandbox) -> None:
    user = sandbox.started_user()
    await sandbox.bot.send_message(user.id, "ok", reply_markup=_keyboard("x" * 64))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await sandbox.bot.send_message(user.id, "too long", reply_markup=_keyboard("x" * 65))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await sandbox.bot.send_message(user.id, "multibyte", reply_markup=_keyboard("я" * 33))
    many = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="b", callback_data="b")] * 9]
    )
    with pytest.raises(TelegramBadRequest, match="too many buttons"):
        await sandbox.bot.send_message(user.id, "wide", reply_markup=many)


async def test_an_edit_that_changes_nothing_is_refused(sandbox: Sandbox) -> None:
    user = sandbox.started_user()
    sent = await sandbox.bot.send_message(user.id, "v1", reply_markup=_keyboard("k"))
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await sandbox.bot.edit_message_text(
            "v1", chat_id=user.id, message_id=sent.message_id, reply_markup=_keyboard("k")
        )
    edited = await sandbox.bot.edit_message_text("v2", chat_id=user.id, message_id=sent.message_id)
    assert edited.text == "v2"  # type: ignore[union-attr]
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await sandbox.bot.edit_message_reply_markup(chat_id=user.id, message_id=sent.message_id)
    await sandbox.bot.edit_message_reply_markup(
        chat_id=user.id, message_id=sent.message_id, reply_markup=_keyboard("new")
    )
    assert await sandbox.bot.delete_message(user.id, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await sandbox.bot.delete_message(user.id, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await sandbox.bot.edit_message_text("v3", chat_id=user.id, message_id=sent.message_id)


async def test_per_chat_rate_limit_answers_429_with_retry_after(sandbox: Sandbox) -> None:
    user = sandbox.started_user()
    burst = sandbox.world.rules.chat_burst
    for i in range(burst):
        await sandbox.bot.send_message(user.id, f"m{i}")
    with pytest.raises(TelegramRetryAfter) as caught:
        await sandbox.bot.send_message(user.id, "one too many")
    assert caught.value.retry_after == 1
    other = sandbox.started_user()
    await sandbox.bot.send_message(other.id, "another chat is not limited")
    sandbox.clock.now += 1.0
    await sandbox.bot.send_message(user.id, "after waiting")


async def test_global_rate_limit_and_switching_it_off(sandbox: Sandbox) -> None:
    users = [sandbox.started_user() for _ in range(31)]
    for user in users[:30]:
        await sandbox.bot.send_message(user.id, "hi")
    with pytest.raises(TelegramRetryAfter):
        await sandbox.bot.send_message(users[30].id, "hi")
    sandbox.world.rules.rate_limits = False
    await sandbox.bot.send_message(users[30].id, "hi")


async def test_callback_queries_answered_once_and_in_time(sandbox: Sandbox) -> None:
    user = sandbox.started_user()
    sent = await sandbox.bot.send_message(user.id, "pick", reply_markup=_keyboard("a", "b"))
    bot = sandbox.sandbox_bot()
    first = user_actions.press_button(sandbox.world, bot, user, sent.message_id, callback_data="a")
    assert await sandbox.bot.answer_callback_query(first.id, text="Got it")
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await sandbox.bot.answer_callback_query(first.id)
    late = user_actions.press_button(sandbox.world, bot, user, sent.message_id, text="b")
    assert late.data == "b"
    sandbox.clock.now += 16
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await sandbox.bot.answer_callback_query(late.id)


async def test_get_updates_confirms_with_offset_and_long_polls(sandbox: Sandbox) -> None:
    user = sandbox.started_user()
    bot = sandbox.sandbox_bot()
    user_actions.send_text(sandbox.world, bot, user, "hello")
    user_actions.send_text(sandbox.world, bot, user, "again")
    updates = await sandbox.bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["hello", "again"]
    again = await sandbox.bot.get_updates(offset=updates[-1].update_id)
    assert [u.update_id for u in again] == [updates[-1].update_id]
    confirmed = await sandbox.bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert confirmed == []

    async def later() -> None:
        await asyncio.sleep(0.2)
        user_actions.send_text(sandbox.world, bot, user, "while waiting")

    task = asyncio.create_task(later())
    waited = await sandbox.bot.get_updates(offset=updates[-1].update_id + 1, timeout=5)
    await task
    assert [u.message.text for u in waited if u.message] == ["while waiting"]


async def test_allowed_updates_filters_what_is_queued_afterwards(sandbox: Sandbox) -> None:
    user = sandbox.started_user()
    bot = sandbox.sandbox_bot()
    await sandbox.bot.get_updates(allowed_updates=["callback_query"], timeout=0)
    user_actions.send_text(sandbox.world, bot, user, "ignored")
    assert await sandbox.bot.get_updates(timeout=0) == []


async def test_documents_are_uploaded_and_kept(sandbox: Sandbox) -> None:
    user = sandbox.started_user()
    sent = await sandbox.bot.send_document(
        user.id,
        BufferedInputFile(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", filename="interview.ics"),
        caption="Your interview",
    )
    assert sent.document is not None
    assert sent.document.file_name == "interview.ics"
    stored = sandbox.world.documents[sent.document.file_id]
    assert stored.content.startswith(b"BEGIN:VCALENDAR")
    resent = await sandbox.bot.send_document(user.id, sent.document.file_id)
    assert resent.document is not None
    assert resent.document.file_id == sent.document.file_id


async def test_set_my_commands_is_validated_and_kept(sandbox: Sandbox) -> None:
    from aiogram.types import BotCommand

    assert await sandbox.bot.set_my_commands([BotCommand(command="start", description="Start")])
    assert [c.command for c in await sandbox.bot.get_my_commands()] == ["start"]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await sandbox.bot.set_my_commands([BotCommand(command="Bad Command", description="x")])


async def test_command_menus_are_kept_per_scope_and_language(sandbox: Sandbox) -> None:
    """A chat's own menu, or a language's, does not replace the default one."""
    from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

    def menu(*names: str) -> list[BotCommand]:
        return [BotCommand(command=n, description=n.title()) for n in names]

    assert await sandbox.bot.set_my_commands(menu("start"), scope=BotCommandScopeDefault())
    assert await sandbox.bot.set_my_commands(menu("start", "lang"), language_code="en")
    assert await sandbox.bot.set_my_commands(menu("today"), scope=BotCommandScopeChat(chat_id=42))

    async def names(**kw: object) -> list[str]:
        return [c.command for c in await sandbox.bot.get_my_commands(**kw)]  # type: ignore[arg-type]

    assert await names() == ["start"]
    assert await names(language_code="en") == ["start", "lang"]
    assert await names(scope=BotCommandScopeChat(chat_id=42)) == ["today"]
    assert await names(scope=BotCommandScopeChat(chat_id=43)) == []
    assert await sandbox.bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=42))
    assert await names(scope=BotCommandScopeChat(chat_id=42)) == []
    assert await names() == ["start"]


async def test_webhook_delivers_with_the_secret_and_blocks_get_updates(sandbox: Sandbox) -> None:
    from aiohttp import web
    from aiohttp.test_utils import TestServer

    received: list[tuple[str | None, dict[str, object]]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.Response(text="ok")

    receiver = web.Application()
    receiver.router.add_post("/hook", hook)
    server = TestServer(receiver)
    await server.start_server()
    try:
        url = str(server.make_url("/hook"))
        assert await sandbox.bot.set_webhook(url, secret_token="s3cret")
        with pytest.raises(TelegramConflictError):
            await sandbox.bot.get_updates()
        user = sandbox.started_user()
        user_actions.send_text(sandbox.world, sandbox.sandbox_bot(), user, "via webhook")
        for _ in range(50):
            if received:
                break
            await asyncio.sleep(0.05)
        assert received[0][0] == "s3cret"
        assert received[0][1]["message"]["text"] == "via webhook"  # type: ignore[index]
        info = await sandbox.bot.get_webhook_info()
        assert info.url == url
        assert info.pending_update_count == 0
        assert await sandbox.bot.delete_webhook()
        assert await sandbox.bot.get_updates(timeout=0) == []
    finally:
        await server.close()


@pytest.mark.parametrize("encoding", ["json", "form", "multipart", "query"])
async def test_every_request_encoding_gets_the_same_envelope(
    sandbox: Sandbox, encoding: str
) -> None:
    user = sandbox.started_user()
    url = f"{sandbox.url}/bot{TOKEN}/sendMessage"
    fields = {
        "chat_id": str(user.id),
        "text": "hi",
        "reply_markup": '{"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]}',
    }
    async with aiohttp.ClientSession() as http:
        if encoding == "json":
            request = http.post(
                url,
                json={
                    **fields,
                    "chat_id": user.id,
                    "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]},
                },
            )
        elif encoding == "form":
            request = http.post(url, data=fields)
        elif encoding == "multipart":
            form = aiohttp.FormData()
            for key, value in fields.items():
                form.add_field(key, value)
            form.add_field("unused", b"x", filename="x.bin")
            request = http.post(url, data=form)
        else:
            request = http.get(url, params=fields)
        async with request as response:
            body = await response.json()
        async with http.post(
            f"{sandbox.url}/bot{TOKEN}/sendMessage", json={"chat_id": 1}
        ) as response:
            error = await response.json()
            status = response.status
    assert body["ok"] is True
    assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
    assert status == 400
    assert error == {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}


async def test_an_unknown_method_is_404(sandbox: Sandbox) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{sandbox.url}/bot{TOKEN}/sendTeleport") as response,
    ):
        assert response.status == 404
        assert (await response.json())["description"] == "Not Found: method not found"


async def test_the_products_bot_waits_out_a_429_instead_of_dropping(sandbox: Sandbox) -> None:
    import time

    sandbox.world.monotonic = time.monotonic  # real time: the bot really waits
    sandbox.world.rules.chat_burst = 1
    user = sandbox.started_user()
    bot = create_bot(TOKEN, sandbox.url)  # as the application builds it
    try:
        started = time.monotonic()
        await bot.send_message(user.id, "first")
        await bot.send_message(user.id, "second, after retry_after")
        assert time.monotonic() - started >= 0.9
    finally:
        await bot.session.close()
    texts = [m.text for m in sandbox.world.chat(sandbox.sandbox_bot().id, user.id)]
    assert texts == ["first", "second, after retry_after"]


async def test_update_ids_keep_growing_across_a_restart_of_the_sandbox() -> None:
    """A bot that remembers handled ids (its duplicate filter lives in Redis) must not take
    the first updates after a restart for old ones."""
    from sandbox.world import World

    token = "7000000009:restart"
    before = World().bot_for_token(token)
    await asyncio.sleep(0.01)
    after = World().bot_for_token(token)
    assert after.next_update_id > before.next_update_id  # a fresh start does not begin at 1
    assert 0 < after.next_update_id < 2**31  # Telegram's ids fit 31 bits

"""The Bot API half: `/bot<token>/<method>`, answered the way Telegram answers."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from core.telegram_html import MarkupRefused, html_to_text, utf16_length
from sandbox.errors import ApiError, bad_request, forbidden, too_many_requests
from sandbox.files import file_at, file_json, find_file
from sandbox.markup import check_reply_markup
from sandbox.objects import message_json
from sandbox.params import Params, read_params
from sandbox.rules import TokenBucket, retry_after_seconds
from sandbox.world import ChatMessage, Document, SandboxBot, SandboxUser, WebhookConfig, World

TOKEN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,100}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


@dataclass
class Call:
    world: World
    bot: SandboxBot
    params: Params


Method = Callable[[Call], Awaitable[Any]]
METHODS: dict[str, Method] = {}


def method(name: str) -> Callable[[Method], Method]:
    def register(fn: Method) -> Method:
        METHODS[name.lower()] = fn
        return fn

    return register


async def handle(request: web.Request) -> web.Response:
    world: World = request.app[WORLD]
    token = request.match_info["token"]
    if not TOKEN.match(token):
        return web.json_response(
            {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
        )
    handler = METHODS.get(request.match_info["method"].lower())
    if handler is None:
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
            status=404,
        )
    try:
        params = await read_params(request)
        result = await handler(Call(world, world.bot_for_token(token), params))
    except ApiError as exc:
        return web.json_response(exc.envelope(), status=exc.code)
    return web.json_response({"ok": True, "result": result})


WORLD = web.AppKey("sandbox_world", World)

# --- helpers -------------------------------------------------------------------------------


def _recipient(call: Call, *, sending: bool = True) -> SandboxUser:
    chat_id = call.params.integer("chat_id")
    if chat_id is None:
        raise bad_request("chat_id is empty")
    user = call.world.users.get(chat_id)
    if user is None:
        raise bad_request("chat not found")
    if sending and call.bot.id in user.blocked_bots:
        raise forbidden("bot was blocked by the user")
    if sending and call.bot.id not in user.started_bots:
        raise forbidden("bot can't initiate conversation with a user")
    return user


def _text(call: Call, name: str, limit: int, *, required: bool) -> tuple[str | None, str | None]:
    """(visible text, the HTML as sent) for a text or caption parameter."""
    raw = call.params.text(name)
    if raw is None or raw == "":
        if required:
            raise bad_request("message text is empty")
        return None, None
    parse_mode = (call.params.text("parse_mode") or "").lower()
    visible = raw
    if parse_mode == "html" and call.world.rules.check_html:
        try:
            visible = html_to_text(raw)
        except MarkupRefused as exc:
            raise bad_request(f"can't parse entities: {exc.reason}") from None
    if required and not visible.strip():
        raise bad_request("message text is empty")
    if utf16_length(visible) > limit:
        raise bad_request(
            "message is too long" if name == "text" else "message caption is too long"
        )
    return visible, (raw if parse_mode == "html" else None)


def _take_rate(call: Call, user: SandboxUser) -> None:
    rules = call.world.rules
    if not rules.rate_limits:
        return
    overall = call.world.global_buckets.get(call.bot.id)
    if overall is None or overall.per_second != rules.global_per_second:
        overall = TokenBucket(rules.global_per_second, rules.global_burst, call.world.monotonic)
        call.world.global_buckets[call.bot.id] = overall
    chat = call.bot.chat_buckets.get(user.id)
    if chat is None or chat.per_second != rules.chat_per_second:
        chat = TokenBucket(rules.chat_per_second, rules.chat_burst, call.world.monotonic)
        call.bot.chat_buckets[user.id] = chat
    wait = max(overall.wait_needed(), chat.wait_needed())
    if wait > 0:
        raise too_many_requests(retry_after_seconds(wait))
    overall.take()
    chat.take()


def _apply_reply_keyboard(call: Call, user: SandboxUser, markup: dict[str, Any] | None) -> None:
    if markup is None:
        return
    key = (call.bot.id, user.id)
    if "keyboard" in markup:
        call.world.reply_keyboards[key] = markup
    elif markup.get("remove_keyboard"):
        call.world.reply_keyboards[key] = None


def _deliver(call: Call, user: SandboxUser, message: ChatMessage) -> dict[str, Any]:
    call.world.add_message(call.bot.id, user.id, message)
    return message_json(call.bot, user, message)


def _own_message(call: Call) -> tuple[SandboxUser, ChatMessage]:
    user = _recipient(call, sending=False)
    message_id = call.params.integer("message_id")
    message = call.world.find_message(call.bot.id, user.id, message_id or 0)
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return user, message


# --- methods -------------------------------------------------------------------------------


@method("getMe")
async def get_me(call: Call) -> Any:
    return call.bot.as_user()


@method("logOut")
async def log_out(call: Call) -> Any:
    return True


@method("close")
async def close(call: Call) -> Any:
    return True


@method("getUpdates")
async def get_updates(call: Call) -> Any:
    bot, params = call.bot, call.params
    if bot.webhook is not None:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    allowed = params.json("allowed_updates")
    if allowed is not None:
        bot.allowed_updates = list(allowed) or None
    offset = params.integer("offset", 0) or 0
    if offset > 0:
        bot.updates = [u for u in bot.updates if u["update_id"] >= offset]
    elif offset < 0:
        bot.updates = bot.updates[offset:]
    limit = min(max(params.integer("limit", 100) or 100, 1), 100)
    timeout = max(params.number("timeout", 0.0), 0.0)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        bot.new_update.clear()
        if bot.updates or call.world.closed:
            break
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        try:
            await asyncio.wait_for(bot.new_update.wait(), remaining)
        except TimeoutError:
            break
    return bot.updates[:limit]


@method("setWebhook")
async def set_webhook(call: Call) -> Any:
    url = call.params.text("url") or ""
    if not url:
        return await delete_webhook(call)
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: HTTPS URL must be provided for webhook")
    secret = call.params.text("secret_token")
    if secret is not None and not _SECRET.match(secret):
        raise bad_request("secret token contains unallowed characters")
    if call.params.flag("drop_pending_updates"):
        call.bot.updates.clear()
    allowed = call.params.json("allowed_updates")
    call.bot.webhook = WebhookConfig(
        url=url,
        secret_token=secret,
        allowed_updates=list(allowed) if allowed else None,
        max_connections=call.params.integer("max_connections", 40) or 40,
    )
    call.bot.new_update.set()  # the delivery loop may have pending updates to send
    call.world.touch()
    return True


@method("deleteWebhook")
async def delete_webhook(call: Call) -> Any:
    call.bot.webhook = None
    if call.params.flag("drop_pending_updates"):
        call.bot.updates.clear()
    call.bot.new_update.set()  # lets a delivery loop see that the webhook is gone
    call.world.touch()
    return True


@method("getWebhookInfo")
async def get_webhook_info(call: Call) -> Any:
    hook = call.bot.webhook
    info: dict[str, Any] = {
        "url": hook.url if hook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(call.bot.updates),
    }
    if hook is not None:
        info["max_connections"] = hook.max_connections
        if hook.allowed_updates:
            info["allowed_updates"] = hook.allowed_updates
        if hook.last_error_date:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
    return info


@method("sendMessage")
async def send_message(call: Call) -> Any:
    user = _recipient(call)
    text, html = _text(call, "text", call.world.rules.max_text_length, required=True)
    markup = check_reply_markup(call.params.json("reply_markup"), call.world.rules)
    _take_rate(call, user)
    _apply_reply_keyboard(call, user, markup)
    message = ChatMessage(
        message_id=call.world.next_id(),
        from_bot=True,
        date=call.world.now(),
        text=text,
        html=html,
        parse_mode=call.params.text("parse_mode"),
        reply_markup=markup,
    )
    return _deliver(call, user, message)


@method("sendDocument")
async def send_document(call: Call) -> Any:
    user = _recipient(call)
    caption, caption_html = _text(
        call, "caption", call.world.rules.max_caption_length, required=False
    )
    markup = check_reply_markup(call.params.json("reply_markup"), call.world.rules)
    upload = call.params.file("document")
    if upload is not None:
        unique = uuid.uuid4().hex
        document = Document(
            file_id=f"doc-{unique}",
            file_unique_id=unique[:16],
            file_name=upload.filename,
            mime_type=upload.content_type,
            content=upload.content,
        )
        call.world.documents[document.file_id] = document
    else:
        reference = call.params.text("document") or ""
        if reference in call.world.documents:
            document = call.world.documents[reference]
        elif reference.startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")
        else:
            raise bad_request("there is no document in the request")
    _take_rate(call, user)
    _apply_reply_keyboard(call, user, markup)
    message = ChatMessage(
        message_id=call.world.next_id(),
        from_bot=True,
        date=call.world.now(),
        document=document.as_telegram(),
        caption=caption,
        html=caption_html,
        reply_markup=markup,
    )
    return _deliver(call, user, message)


@method("copyMessage")
async def copy_message(call: Call) -> Any:
    """A copy of a message of another chat of this bot (its text, media or document, and
    caption, but not who sent it), as Telegram answers: the new message's id only."""
    user = _recipient(call)
    source_chat = call.params.integer("from_chat_id")
    if source_chat is None:
        raise bad_request("from_chat_id is empty")
    source = call.world.find_message(
        call.bot.id, source_chat, call.params.integer("message_id") or 0
    )
    if source is None:
        raise bad_request("message to copy not found")
    caption, caption_html = _text(
        call, "caption", call.world.rules.max_caption_length, required=False
    )
    markup = check_reply_markup(call.params.json("reply_markup"), call.world.rules)
    _take_rate(call, user)
    _apply_reply_keyboard(call, user, markup)
    copied = ChatMessage(
        message_id=call.world.next_id(),
        from_bot=True,
        date=call.world.now(),
        text=source.text,
        html=source.html,
        parse_mode=source.parse_mode,
        reply_markup=markup,
        document=source.document,
        caption=caption if caption is not None else source.caption,
        contact=source.contact,
        media=source.media,
    )
    if caption_html is not None:
        copied.html = caption_html
    call.world.add_message(call.bot.id, user.id, copied)
    return {"message_id": copied.message_id}


@method("editMessageText")
async def edit_message_text(call: Call) -> Any:
    user, message = _own_message(call)
    if message.document is not None:
        raise bad_request("there is no text in the message to edit")
    text, html = _text(call, "text", call.world.rules.max_text_length, required=True)
    markup = check_reply_markup(call.params.json("reply_markup"), call.world.rules)
    if (
        call.world.rules.refuse_unmodified_edits
        and text == message.text
        and html == message.html
        and markup == message.reply_markup
    ):
        raise bad_request(_NOT_MODIFIED)
    message.text, message.html, message.reply_markup = text, html, markup
    message.edited = True
    call.world.touch()
    return message_json(call.bot, user, message)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(call: Call) -> Any:
    user, message = _own_message(call)
    markup = check_reply_markup(call.params.json("reply_markup"), call.world.rules)
    if call.world.rules.refuse_unmodified_edits and markup == message.reply_markup:
        raise bad_request(_NOT_MODIFIED)
    message.reply_markup = markup
    message.edited = True
    call.world.touch()
    return message_json(call.bot, user, message)


@method("deleteMessage")
async def delete_message(call: Call) -> Any:
    user = _recipient(call, sending=False)
    message = call.world.find_message(call.bot.id, user.id, call.params.integer("message_id") or 0)
    if message is None:
        raise bad_request("message to delete not found")
    message.deleted = True
    call.world.touch()
    return True


@method("answerCallbackQuery")
async def answer_callback_query(call: Call) -> Any:
    record = call.world.callbacks.get(call.params.text("callback_query_id") or "")
    too_old = (
        record is not None
        and call.world.monotonic() - record.created
        > call.world.rules.callback_answer_timeout_seconds
    )
    if record is None or record.bot_id != call.bot.id or record.answered or too_old:
        raise bad_request(_QUERY_TOO_OLD)
    text = call.params.text("text")
    if text is not None and utf16_length(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answered = True
    record.answer_text = text
    record.show_alert = call.params.flag("show_alert")
    call.world.touch()
    return True


@method("sendChatAction")
async def send_chat_action(call: Call) -> Any:
    _recipient(call)
    return True


def _commands_key(call: Call) -> str:
    """Menus are kept per scope and language, as Telegram keeps them: "default|", "chat:42|en"."""
    scope = call.params.json("scope") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _COMMAND_SCOPES:
        raise bad_request("BOT_COMMAND_SCOPE_INVALID")
    kind = str(scope["type"])
    if kind in ("chat", "chat_administrators", "chat_member"):
        if "chat_id" not in scope:
            raise bad_request("chat_id is required in the scope")
        kind = f"{kind}:{scope['chat_id']}"
        if "user_id" in scope:
            kind = f"{kind}:{scope['user_id']}"
    return f"{kind}|{call.params.text('language_code') or ''}"


_COMMAND_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)


@method("setMyCommands")
async def set_my_commands(call: Call) -> Any:
    commands = call.params.json("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("commands must be a list of at most 100 BotCommand")
    for command in commands:
        if not re.match(r"^[a-z0-9_]{1,32}$", str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    call.bot.commands[_commands_key(call)] = commands
    return True


@method("getMyCommands")
async def get_my_commands(call: Call) -> Any:
    return call.bot.commands.get(_commands_key(call), [])


@method("deleteMyCommands")
async def delete_my_commands(call: Call) -> Any:
    call.bot.commands.pop(_commands_key(call), None)
    return True


# --- files ---------------------------------------------------------------------------------


@method("getFile")
async def get_file(call: Call) -> Any:
    found = find_file(call.world, call.params.text("file_id") or "")
    if found is None:
        raise bad_request("invalid file_id")
    return file_json(found)


async def download_file(request: web.Request) -> web.Response:
    """GET /file/bot<token>/<file_path>: a file's bytes, as Telegram's file server gives them."""
    if not TOKEN.match(request.match_info["token"]):
        return web.json_response(
            {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
        )
    found = file_at(request.app[WORLD], request.match_info["file_path"])
    if found is None:
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )
    return web.Response(body=found.content, content_type=found.content_type)

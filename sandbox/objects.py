"""Telegram objects as JSON, built from the sandbox's state."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from sandbox.world import ChatMessage, SandboxBot, SandboxUser

_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?")


def message_json(bot: SandboxBot, user: SandboxUser, message: ChatMessage) -> dict[str, Any]:
    data: dict[str, Any] = {
        "message_id": message.message_id,
        "date": message.date,
        "chat": user.as_chat(),
        "from": bot.as_user() if message.from_bot else user.as_telegram(),
    }
    if message.text is not None:
        data["text"] = message.text
        command = _COMMAND.match(message.text) if not message.from_bot else None
        if command:
            data["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(command.group(0))}
            ]
    if message.edited:
        data["edit_date"] = message.date
    if message.reply_markup and "inline_keyboard" in message.reply_markup:
        data["reply_markup"] = {"inline_keyboard": message.reply_markup["inline_keyboard"]}
    if message.document is not None:
        data["document"] = message.document
    if message.caption is not None:
        data["caption"] = message.caption
    if message.contact is not None:
        data["contact"] = message.contact
    if message.reply_to is not None:
        data["reply_to_message"] = message_json(bot, user, replace(message.reply_to, reply_to=None))
    if message.media == "sticker":
        data["sticker"] = {
            "file_id": f"sticker-{message.message_id}",
            "file_unique_id": f"s{message.message_id}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
    elif message.media == "photo":
        data["photo"] = [
            {
                "file_id": f"photo-{message.message_id}",
                "file_unique_id": f"p{message.message_id}",
                "width": 90,
                "height": 90,
            }
        ]
    return data


def chat_member_update(
    bot: SandboxBot, user: SandboxUser, old: str, new: str, date: int
) -> dict[str, Any]:
    return {
        "chat": user.as_chat(),
        "from": user.as_telegram(),
        "date": date,
        "old_chat_member": {"status": old, "user": bot.as_user()},
        "new_chat_member": {"status": new, "user": bot.as_user(), "until_date": 0}
        if new == "kicked"
        else {"status": new, "user": bot.as_user()},
    }

"""What a person does in the chat, turned into the updates Telegram would send the bot."""

from __future__ import annotations

import uuid

from sandbox.objects import chat_member_update, message_json
from sandbox.world import CallbackRecord, ChatMessage, Document, SandboxBot, SandboxUser, World


class UserActionError(Exception):
    """The person tried something the chat does not allow (e.g. a button that is not there)."""


def _unblock_if_needed(world: World, bot: SandboxBot, user: SandboxUser) -> None:
    if bot.id in user.blocked_bots:
        set_blocked(world, bot, user, blocked=False)


def _replied(
    world: World, bot: SandboxBot, user: SandboxUser, message_id: int | None
) -> ChatMessage | None:
    if message_id is None:
        return None
    found = world.find_message(bot.id, user.id, message_id)
    if found is None:
        raise UserActionError("the message replied to is not in this chat")
    return found


def send_text(
    world: World,
    bot: SandboxBot,
    user: SandboxUser,
    text: str,
    reply_to_message_id: int | None = None,
) -> ChatMessage:
    """`reply_to_message_id`: a message of the chat this one replies to (Telegram's reply)."""
    if not text.strip():
        raise UserActionError("the message is empty")
    if len(text) > 4096:
        raise UserActionError("a Telegram message holds at most 4096 characters")
    replied = _replied(world, bot, user, reply_to_message_id)
    _unblock_if_needed(world, bot, user)
    user.started_bots.add(bot.id)
    message = ChatMessage(
        message_id=world.next_id(),
        from_bot=False,
        date=world.now(),
        text=text,
        reply_to=replied,
    )
    world.add_message(bot.id, user.id, message)
    world.push_update(bot, "message", message_json(bot, user, message))
    return message


MEDIA = ("sticker", "photo", "document")


def send_media(
    world: World, bot: SandboxBot, user: SandboxUser, kind: str, caption: str | None = None
) -> ChatMessage:
    """A sticker, a photo or a document (a small PDF, "cv.pdf", kept in the world so the bot
    may fetch it): what people send where a bot expects text, or to their recruiter."""
    if kind not in MEDIA:
        raise UserActionError(f"one of {', '.join(MEDIA)} can be sent")
    if caption is not None and len(caption) > 1024:
        raise UserActionError("a caption holds at most 1024 characters")
    _unblock_if_needed(world, bot, user)
    user.started_bots.add(bot.id)
    document = None
    if kind == "document":
        unique = uuid.uuid4().hex
        stored = Document(
            file_id=f"doc-{unique}",
            file_unique_id=unique[:16],
            file_name="cv.pdf",
            mime_type="application/pdf",
            content=b"%PDF-1.4\n% a sandbox document\n%%EOF\n",
        )
        world.documents[stored.file_id] = stored
        document = stored.as_telegram()
    message = ChatMessage(
        message_id=world.next_id(),
        from_bot=False,
        date=world.now(),
        media=None if document else kind,
        document=document,
        caption=caption or None,
    )
    world.add_message(bot.id, user.id, message)
    world.push_update(bot, "message", message_json(bot, user, message))
    return message


def redeliver_last(world: World, bot: SandboxBot) -> int:
    """Deliver the bot's last update again with the same update_id, as Telegram may."""
    if bot.last_update is None:
        raise UserActionError("nothing was delivered yet")
    bot.updates.append(bot.last_update)
    bot.new_update.set()
    return int(bot.last_update["update_id"])


def start(world: World, bot: SandboxBot, user: SandboxUser, payload: str = "") -> ChatMessage:
    return send_text(world, bot, user, f"/start {payload}".strip())


def press_button(
    world: World,
    bot: SandboxBot,
    user: SandboxUser,
    message_id: int,
    *,
    callback_data: str | None = None,
    text: str | None = None,
    forged: bool = False,
) -> CallbackRecord:
    """Press an inline button of a bot message, found by its data or its label.

    `forged` sends `callback_data` even if no button carries it: what a stale client or a
    tampering one sends, which a bot must survive."""
    message = world.find_message(bot.id, user.id, message_id)
    if message is None or not message.from_bot:
        raise UserActionError(f"no bot message {message_id} in this chat")
    buttons = [
        button for row in (message.reply_markup or {}).get("inline_keyboard", []) for button in row
    ]
    for button in buttons:
        if "callback_data" in button and (
            button["callback_data"] == callback_data
            or (callback_data is None and button["text"] == text)
        ):
            data = str(button["callback_data"])
            break
    else:
        if forged and callback_data is not None:
            data = callback_data
        else:
            raise UserActionError(f"message {message_id} has no button {text or callback_data!r}")
    record = CallbackRecord(
        id=uuid.uuid4().hex,
        bot_id=bot.id,
        user_id=user.id,
        message_id=message_id,
        data=data,
        created=world.monotonic(),
    )
    world.callbacks[record.id] = record
    world.push_update(
        bot,
        "callback_query",
        {
            "id": record.id,
            "from": user.as_telegram(),
            "message": message_json(bot, user, message),
            "chat_instance": str(user.id),
            "data": data,
        },
    )
    world.touch()
    return record


def share_contact(
    world: World,
    bot: SandboxBot,
    user: SandboxUser,
    phone_number: str | None = None,
    *,
    of_user_id: int | None = None,
) -> ChatMessage:
    """Share one's own contact (the contact button), or, with `of_user_id`, someone else's card."""
    phone = phone_number or user.phone_number or f"+7900{user.id % 10_000_000:07d}"
    if of_user_id is None:
        user.phone_number = phone
    _unblock_if_needed(world, bot, user)
    user.started_bots.add(bot.id)
    contact = {
        "phone_number": phone,
        "first_name": user.first_name,
        "user_id": of_user_id if of_user_id is not None else user.id,
    }
    if user.last_name:
        contact["last_name"] = user.last_name
    message = ChatMessage(
        message_id=world.next_id(), from_bot=False, date=world.now(), contact=contact
    )
    world.add_message(bot.id, user.id, message)
    keyboard = world.reply_keyboards.get((bot.id, user.id))
    if keyboard and keyboard.get("one_time_keyboard"):
        world.reply_keyboards[(bot.id, user.id)] = None
    world.push_update(bot, "message", message_json(bot, user, message))
    return message


def set_blocked(world: World, bot: SandboxBot, user: SandboxUser, *, blocked: bool) -> None:
    if blocked == (bot.id in user.blocked_bots):
        return
    if blocked:
        user.blocked_bots.add(bot.id)
        old, new = "member", "kicked"
    else:
        user.blocked_bots.discard(bot.id)
        old, new = "kicked", "member"
    world.push_update(bot, "my_chat_member", chat_member_update(bot, user, old, new, world.now()))
    world.touch()

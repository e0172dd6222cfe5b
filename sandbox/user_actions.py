"""What a person does in the chat, turned into the updates Telegram would send the bot."""

from __future__ import annotations

import uuid

from sandbox.objects import chat_member_update, message_json
from sandbox.world import CallbackRecord, ChatMessage, SandboxBot, SandboxUser, World


class UserActionError(Exception):
    """The person tried something the chat does not allow (e.g. a button that is not there)."""


def _unblock_if_needed(world: World, bot: SandboxBot, user: SandboxUser) -> None:
    if bot.id in user.blocked_bots:
        set_blocked(world, bot, user, blocked=False)


def send_text(world: World, bot: SandboxBot, user: SandboxUser, text: str) -> ChatMessage:
    if not text.strip():
        raise UserActionError("the message is empty")
    if len(text) > 4096:
        raise UserActionError("a Telegram message holds at most 4096 characters")
    _unblock_if_needed(world, bot, user)
    user.started_bots.add(bot.id)
    message = ChatMessage(message_id=world.next_id(), from_bot=False, date=world.now(), text=text)
    world.add_message(bot.id, user.id, message)
    world.push_update(bot, "message", message_json(bot, user, message))
    return message


def send_media(world: World, bot: SandboxBot, user: SandboxUser, kind: str) -> ChatMessage:
    """A sticker or a photo: what people send where a bot expects text."""
    _unblock_if_needed(world, bot, user)
    user.started_bots.add(bot.id)
    message = ChatMessage(message_id=world.next_id(), from_bot=False, date=world.now(), media=kind)
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

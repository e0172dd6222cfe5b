"""A chat as the person sees it, for the web chat and the tests."""

from __future__ import annotations

from typing import Any

from sandbox.world import SandboxBot, SandboxUser, World


def transcript(world: World, bot: SandboxBot, user: SandboxUser) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    for message in world.chat(bot.id, user.id):
        if message.deleted:
            continue
        item: dict[str, Any] = {
            "message_id": message.message_id,
            "from": "bot" if message.from_bot else "user",
            "date": message.date,
            "text": message.text,
            "html": message.html,
            "edited": message.edited,
            "buttons": [
                [
                    {k: v for k, v in button.items() if k in ("text", "callback_data", "url")}
                    for button in row
                ]
                for row in (message.reply_markup or {}).get("inline_keyboard", [])
            ],
        }
        if message.document is not None:
            item["document"] = {
                **message.document,
                "url": f"api/documents/{message.document['file_id']}",
            }
            item["caption"] = message.caption
        if message.contact is not None:
            item["contact"] = message.contact
        if message.media is not None:
            item["media"] = message.media
            if message.caption is not None:
                item["caption"] = message.caption
        if message.reply_to is not None:
            item["reply_to"] = message.reply_to.message_id
        messages.append(item)
    notices = [
        {"message_id": r.message_id, "text": r.answer_text, "show_alert": r.show_alert}
        for r in world.callbacks.values()
        if r.user_id == user.id and r.bot_id == bot.id and r.answered and r.answer_text
    ]
    keyboard = world.reply_keyboards.get((bot.id, user.id))
    return {
        "user": user.public(),
        "bot": {"id": bot.id, "username": bot.username},
        "blocked": bot.id in user.blocked_bots,
        "messages": messages,
        "notices": notices,
        "reply_keyboard": keyboard["keyboard"] if keyboard else None,
    }

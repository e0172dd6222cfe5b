"""What a conversation needs of the sandbox: a person sends a photo or a document and replies to
a message; the bot copies a message of one chat to another (copyMessage), as Telegram does."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramBadRequest

from sandbox import user_actions
from sandbox.objects import message_json
from sandbox.transcript import transcript
from tests.sandbox.conftest import Sandbox


async def test_a_document_from_a_person_is_copied_to_another_chat(sandbox: Sandbox) -> None:
    ann, olga = sandbox.started_user(), sandbox.started_user()
    bot = sandbox.sandbox_bot()
    sent = user_actions.send_media(sandbox.world, bot, ann, "document", caption="my CV")
    update = sandbox.world.bot_for_token(bot.token).updates[-1]["message"]
    assert update["document"]["file_name"] == "cv.pdf"
    assert update["caption"] == "my CV"
    assert update["document"]["file_id"] in sandbox.world.documents  # getFile may fetch it
    copied = await sandbox.bot.copy_message(
        olga.id, from_chat_id=ann.id, message_id=sent.message_id
    )
    (shown,) = [m for m in transcript(sandbox.world, bot, olga)["messages"]]
    assert shown["message_id"] == copied.message_id
    assert shown["document"]["file_name"] == "cv.pdf" and shown["caption"] == "my CV"


async def test_a_photo_is_copied_as_a_photo(sandbox: Sandbox) -> None:
    ann, olga = sandbox.started_user(), sandbox.started_user()
    bot = sandbox.sandbox_bot()
    sent = user_actions.send_media(sandbox.world, bot, ann, "photo")
    await sandbox.bot.copy_message(olga.id, from_chat_id=ann.id, message_id=sent.message_id)
    (shown,) = transcript(sandbox.world, bot, olga)["messages"]
    assert shown["media"] == "photo" and shown["from"] == "bot"


async def test_copying_what_is_not_there_is_refused(sandbox: Sandbox) -> None:
    ann, olga = sandbox.started_user(), sandbox.started_user()
    with pytest.raises(TelegramBadRequest, match="message to copy not found"):
        await sandbox.bot.copy_message(olga.id, from_chat_id=ann.id, message_id=12345)


async def test_a_reply_carries_the_message_it_answers(sandbox: Sandbox) -> None:
    olga = sandbox.started_user()
    bot = sandbox.sandbox_bot()
    note = await sandbox.bot.send_message(olga.id, "Ann wrote: hi")
    answer = user_actions.send_text(
        sandbox.world, bot, olga, "Hello Ann", reply_to_message_id=note.message_id
    )
    data = message_json(bot, olga, answer)
    assert data["reply_to_message"]["message_id"] == note.message_id
    assert data["reply_to_message"]["text"] == "Ann wrote: hi"
    with pytest.raises(user_actions.UserActionError):
        user_actions.send_text(sandbox.world, bot, olga, "?", reply_to_message_id=999_999)

"""The person's side: what the web chat and the tests do, and the updates the bot gets."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from tests.sandbox.conftest import Sandbox
from tests.support.sandbox_client import SandboxClient, SandboxError


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[SandboxClient]:
    await sandbox.bot.get_me()  # the bot connects first, as in sandbox mode
    async with aiohttp.ClientSession() as http:
        yield SandboxClient(sandbox.url, http)


async def test_a_persona_starts_and_the_bot_gets_a_command_update(
    sandbox: Sandbox, client: SandboxClient
) -> None:
    ann = await client.persona("Ann", language="en", username="ann_k")
    await ann.start("promo_7")
    (update,) = await sandbox.bot.get_updates(timeout=0)
    assert update.message is not None
    assert update.message.text == "/start promo_7"
    assert update.message.entities is not None
    assert update.message.entities[0].type == "bot_command"
    assert update.message.from_user is not None
    assert (update.message.from_user.username, update.message.from_user.language_code) == (
        "ann_k",
        "en",
    )


async def test_bad_persona_input_is_refused_with_a_reason(client: SandboxClient) -> None:
    with pytest.raises(SandboxError, match=r"422.*first_name"):
        await client.post("users", {"first_name": ""})
    with pytest.raises(SandboxError, match=r"422.*persona"):
        await client.post("users", {"first_name": "A", "persona": "boss"})
    await client.post("users", {"first_name": "A", "id": 42})
    with pytest.raises(SandboxError, match="409"):
        await client.post("users", {"first_name": "B", "id": 42})
    with pytest.raises(SandboxError, match="404"):
        await client.post("users/999/message", {"text": "hi"})


async def test_pressing_a_button_sends_a_callback_query_with_its_data(
    sandbox: Sandbox, client: SandboxClient
) -> None:
    ann = await client.persona()
    await ann.start()
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Tomorrow 10:00", callback_data="slot:17")]]
    )
    sent = await sandbox.bot.send_message(ann.id, "When?", reply_markup=keyboard)
    transcript = await ann.transcript()
    assert transcript["messages"][-1]["buttons"] == [
        [{"text": "Tomorrow 10:00", "callback_data": "slot:17"}]
    ]
    await ann.press(sent.message_id, text="Tomorrow 10:00")
    updates = await sandbox.bot.get_updates(timeout=0)
    query = updates[-1].callback_query
    assert query is not None
    assert query.data == "slot:17"
    assert query.message is not None
    assert query.message.message_id == sent.message_id
    await sandbox.bot.answer_callback_query(query.id, text="Booked!")
    assert (await ann.transcript())["notices"][-1]["text"] == "Booked!"
    with pytest.raises(SandboxError, match="no button"):
        await ann.press(sent.message_id, text="Not there")
    await ann.press(sent.message_id, data="slot:999", forged=True)
    forged = (await sandbox.bot.get_updates(offset=updates[-1].update_id + 1, timeout=0))[-1]
    assert forged.callback_query is not None
    assert forged.callback_query.data == "slot:999"


async def test_sharing_a_contact_sends_the_persons_own_phone(
    sandbox: Sandbox, client: SandboxClient
) -> None:
    ann = await client.persona()
    await ann.start()
    keyboard = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="Share phone", request_contact=True)]],
        one_time_keyboard=True,
    )
    await sandbox.bot.send_message(ann.id, "Phone?", reply_markup=keyboard)
    assert (await ann.transcript())["reply_keyboard"][0][0]["request_contact"] is True
    await ann.share_contact("+79991234567")
    contact = (await sandbox.bot.get_updates(timeout=0))[-1].message.contact  # type: ignore[union-attr]
    assert contact is not None
    assert (contact.phone_number, contact.user_id) == ("+79991234567", ann.id)
    assert (await ann.transcript())["reply_keyboard"] is None


async def test_blocking_tells_the_bot_and_stops_its_messages(
    sandbox: Sandbox, client: SandboxClient
) -> None:
    from aiogram.exceptions import TelegramForbiddenError

    ann = await client.persona()
    await ann.start()
    await ann.block()
    update = (await sandbox.bot.get_updates(timeout=0))[-1]
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "kicked"
    with pytest.raises(TelegramForbiddenError):
        await sandbox.bot.send_message(ann.id, "still there?")
    await client.post(f"users/{ann.id}/unblock", {})
    await sandbox.bot.send_message(ann.id, "welcome back")


async def test_rules_can_be_tuned_through_the_api(sandbox: Sandbox, client: SandboxClient) -> None:
    rules = await client.http.put(f"{sandbox.url}/api/rules", json={"max_text_length": 10})
    assert (await rules.json())["max_text_length"] == 10
    bad = await client.http.put(f"{sandbox.url}/api/rules", json={"nonsense": 1})
    assert bad.status == 422
    assert sandbox.world.rules.max_text_length == 10


async def test_documents_can_be_downloaded_from_the_transcript(
    sandbox: Sandbox, client: SandboxClient
) -> None:
    from aiogram.types import BufferedInputFile

    ann = await client.persona()
    await ann.start()
    await sandbox.bot.send_document(ann.id, BufferedInputFile(b"ICS DATA", filename="a.ics"))
    document = (await ann.transcript())["messages"][-1]["document"]
    async with client.http.get(f"{sandbox.url}/{document['url']}") as response:
        assert await response.read() == b"ICS DATA"


async def test_a_transcript_watcher_wakes_on_change_and_not_before(
    sandbox: Sandbox, client: SandboxClient
) -> None:
    import asyncio

    ann = await client.persona()
    await ann.start()
    first = await ann.transcript()
    watch = asyncio.create_task(
        client.get(f"users/{ann.id}/transcript?wait=5&since={first['version']}")
    )
    await asyncio.sleep(0.2)
    assert not watch.done()
    await sandbox.bot.send_message(ann.id, "news")
    later = await asyncio.wait_for(watch, 60)
    assert later["messages"][-1]["text"] == "news"
    assert later["version"] > first["version"]

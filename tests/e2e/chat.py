"""Talking to the bot as a person would, waiting for its answers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.callbacks import ConsentChoice
from tests.support.sandbox_client import Persona


def _agree(datas: list[str | None]) -> str | None:
    """The Agree button's data among a message's buttons (it carries the text's version)."""
    for data in datas:
        ours = data is not None and data.startswith(f"{ConsentChoice.__prefix__}:")
        if ours and data is not None and ConsentChoice.unpack(data).agree:
            return data
    return None


Message = dict[str, Any]
# How long a step may take before a test gives up: generous, since only a broken step takes
# it whole; a loaded two-core machine is slower, never red.
WAIT = 60.0


class Chat:
    def __init__(self, persona: Persona) -> None:
        self.persona = persona
        self.seen = 0

    @property
    def id(self) -> int:
        return self.persona.id

    async def bot_messages(self) -> list[Message]:
        return await self.persona.bot_messages()

    async def settled(self) -> None:
        """Until the bot has finished with everything this chat (or anyone) sent it."""
        settled = self.persona.client.settled
        assert settled is not None, "a Chat talks to a running app (tests/e2e/conftest.py)"
        await settled()

    async def _after(
        self, action: Callable[[], Awaitable[None]], expect: int, seconds: float = WAIT
    ) -> list[Message]:
        before = len(await self.bot_messages())
        await action()
        deadline = time.monotonic() + seconds
        while True:
            messages = await self.bot_messages()
            if len(messages) >= before + expect:
                await self.settled()  # a reply's follow-up messages land too
                return (await self.bot_messages())[before:]
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"expected {expect} new bot message(s), got {messages[before:]}"
                )
            await asyncio.sleep(0.03)

    async def start(self, payload: str = "", expect: int = 2, agree: bool = True) -> list[Message]:
        """/start; the consent asked (a newcomer's, or a changed text) is agreed to, unless
        told not to, and the step it leads to stands in its place in what is returned."""
        messages = await self._after(lambda: self.persona.start(payload), expect)
        consent = messages[-1] if messages else None
        if not agree or consent is None:
            return messages
        datas = [b.get("callback_data") for row in consent["buttons"] for b in row]
        agree_data = _agree(datas)
        if agree_data is None:
            return messages
        after = await self._after(
            lambda: self.persona.press(consent["message_id"], data=agree_data), 1
        )
        return [*messages[:-1], *after]

    async def say(self, text: str, expect: int = 1, reply_to: int | None = None) -> list[Message]:
        """`reply_to`: a message of the chat this one replies to (Telegram's reply)."""
        return await self._after(lambda: self.persona.say(text, reply_to), expect)

    async def send_media(self, kind: str, expect: int = 1) -> list[Message]:
        return await self._after(lambda: self.persona.send_media(kind), expect)

    async def share_contact(
        self, phone: str | None = None, expect: int = 1, of_user_id: int | None = None
    ) -> list[Message]:
        return await self._after(lambda: self.persona.share_contact(phone, of_user_id), expect)

    async def find_button(self, label: str) -> tuple[int, str]:
        """The newest bot message with a button of this label: (message id, its data)."""
        for message in reversed(await self.bot_messages()):
            for row in message["buttons"]:
                for button in row:
                    if button["text"] == label:
                        return message["message_id"], button["callback_data"]
        raise AssertionError(f"no button {label!r} in {await self.bot_messages()}")

    async def press(self, label: str, expect: int = 1) -> list[Message]:
        message_id, data = await self.find_button(label)
        return await self._after(lambda: self.persona.press(message_id, data=data), expect)

    async def navigate(self, label: str) -> Message:
        """Press a navigation button: the bot edits that message in place; return it edited."""
        message_id, data = await self.find_button(label)
        before = next(m for m in await self.bot_messages() if m["message_id"] == message_id)
        await self.persona.press(message_id, data=data)
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for message in await self.bot_messages():
                if message["message_id"] == message_id and (
                    message["text"] != before["text"] or message["buttons"] != before["buttons"]
                ):
                    return message
            await asyncio.sleep(0.03)
        raise AssertionError(f"message {message_id} was not edited after pressing {label!r}")

    async def press_data(
        self, message_id: int, data: str, *, forged: bool = False, expect: int = 0
    ) -> list[Message]:
        return await self._after(
            lambda: self.persona.press(message_id, data=data, forged=forged), expect
        )

    async def press_for_notice(self, label: str) -> str:
        """Press a button whose answer is only a notice (an alert or a toast); return its text."""
        message_id, data = await self.find_button(label)
        before = len(await self.notices())
        await self.persona.press(message_id, data=data)
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            notices = await self.notices()
            if len(notices) > before:
                return notices[-1]
            await asyncio.sleep(0.03)
        raise AssertionError(f"no notice after pressing {label!r}")

    async def last(self) -> Message:
        return (await self.bot_messages())[-1]

    async def notices(self) -> list[str]:
        return [n["text"] for n in (await self.persona.transcript())["notices"]]

    async def buttons(self) -> list[str]:
        return [b["text"] for row in (await self.last())["buttons"] for b in row]

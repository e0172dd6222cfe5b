"""Drives personas through the sandbox's user API, as the web chat does."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp


class SandboxError(Exception):
    pass


class Persona:
    def __init__(self, client: SandboxClient, data: dict[str, Any]) -> None:
        self.client = client
        self.id: int = data["id"]
        self.data = data

    async def start(self, payload: str = "") -> None:
        await self.client.post(f"users/{self.id}/start", {"payload": payload})

    async def say(self, text: str, reply_to: int | None = None) -> None:
        body: dict[str, Any] = {"text": text}
        if reply_to is not None:
            body["reply_to_message_id"] = reply_to
        await self.client.post(f"users/{self.id}/message", body)

    async def press(
        self,
        message_id: int,
        *,
        text: str | None = None,
        data: str | None = None,
        forged: bool = False,
    ) -> None:
        await self.client.post(
            f"users/{self.id}/press",
            {"message_id": message_id, "text": text, "callback_data": data, "forged": forged},
        )

    async def share_contact(self, phone: str | None = None, of_user_id: int | None = None) -> None:
        await self.client.post(
            f"users/{self.id}/contact", {"phone_number": phone, "of_user_id": of_user_id}
        )

    async def send_media(self, kind: str) -> None:
        await self.client.post(f"users/{self.id}/{kind}", {})

    async def block(self) -> None:
        await self.client.post(f"users/{self.id}/block", {})

    async def transcript(self) -> dict[str, Any]:
        return await self.client.get(f"users/{self.id}/transcript")

    async def bot_messages(self) -> list[dict[str, Any]]:
        return [m for m in (await self.transcript())["messages"] if m["from"] == "bot"]

    async def wait_for_bot(
        self,
        count: int = 1,
        *,
        seconds: float = 60.0,
        where: Callable[[dict[str, Any]], bool] = lambda _m: True,
    ) -> list[dict[str, Any]]:
        """Wait until the bot has sent `count` messages matching `where`; return them all."""
        deadline = time.monotonic() + seconds
        while True:
            found = [m for m in await self.bot_messages() if where(m)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"bot sent {len(found)} of {count} expected messages: {found}")
            await asyncio.sleep(0.05)


class SandboxClient:
    def __init__(self, base_url: str, http: aiohttp.ClientSession) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = http
        # Set by a running app under test: waits until its bot has handled every update.
        self.settled: Callable[[], Awaitable[None]] | None = None

    async def get(self, path: str) -> Any:
        async with self.http.get(f"{self.base_url}/api/{path}") as response:
            body = await response.json()
            if response.status >= 400:
                raise SandboxError(f"{response.status}: {body}")
            return body

    async def post(self, path: str, body: dict[str, Any]) -> Any:
        async with self.http.post(f"{self.base_url}/api/{path}", json=body) as response:
            data = await response.json()
            if response.status >= 400:
                raise SandboxError(f"{response.status}: {data}")
            return data

    async def persona(
        self,
        first_name: str = "Ann",
        *,
        language: str = "en",
        persona: str = "candidate",
        username: str | None = None,
    ) -> Persona:
        data = await self.post(
            "users",
            {
                "first_name": first_name,
                "language_code": language,
                "persona": persona,
                "username": username,
            },
        )
        return Persona(self, data)

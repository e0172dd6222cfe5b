"""Everything the sandbox knows: bots, users, their chats, pending updates and callbacks."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.rules import SandboxRules, TokenBucket

FIRST_USER_ID = 500_000


@dataclass
class SandboxUser:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "ru"
    persona: str = "candidate"
    phone_number: str | None = None
    # Chats with each bot: started (the user wrote to it) and blocked (the user blocked it).
    started_bots: set[int] = field(default_factory=set)
    blocked_bots: set[int] = field(default_factory=set)

    def as_telegram(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                user[key] = getattr(self, key)
        return user

    def as_chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat

    def public(self) -> dict[str, Any]:
        return {**self.as_telegram(), "persona": self.persona, "phone_number": self.phone_number}


@dataclass
class ChatMessage:
    message_id: int
    from_bot: bool
    date: int
    text: str | None = None  # as the user sees it (markup parsed away)
    html: str | None = None  # what the bot sent, when it used parse_mode=HTML
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    document: dict[str, Any] | None = None
    caption: str | None = None
    contact: dict[str, Any] | None = None
    media: str | None = None  # "sticker" or "photo"
    reply_to: ChatMessage | None = None  # the message this one answers (Telegram's reply)
    edited: bool = False
    deleted: bool = False


@dataclass
class CallbackRecord:
    id: str
    bot_id: int
    user_id: int
    message_id: int
    data: str
    created: float
    answered: bool = False
    answer_text: str | None = None
    show_alert: bool = False


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None
    allowed_updates: list[str] | None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class SandboxBot:
    id: int
    token: str
    username: str
    first_name: str
    updates: list[dict[str, Any]] = field(default_factory=list)
    # Like Telegram's, ids only grow, also across restarts of the sandbox: a bot that remembers
    # the ids it has handled (the duplicate-update filter, in Redis) must not take a new
    # update for an old one. The clock in milliseconds, kept within 31 bits as Telegram's ids
    # are: it wraps every 24.8 days, long after any remembered id has expired.
    next_update_id: int = field(default_factory=lambda: int(time.time() * 1000) % 2**31 or 1)
    last_update: dict[str, Any] | None = None
    allowed_updates: list[str] | None = None
    webhook: WebhookConfig | None = None
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    new_update: asyncio.Event = field(default_factory=asyncio.Event)
    chat_buckets: dict[int, TokenBucket] = field(default_factory=dict)

    def as_user(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }


@dataclass
class Document:
    file_id: str
    file_unique_id: str
    file_name: str
    mime_type: str
    content: bytes

    def as_telegram(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": len(self.content),
        }


class World:
    def __init__(
        self,
        rules: SandboxRules | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.rules = rules or SandboxRules()
        self.monotonic = monotonic
        self.wall_clock = wall_clock
        self.bots: dict[int, SandboxBot] = {}
        self.primary_bot_id: int | None = None
        self.users: dict[int, SandboxUser] = {}
        self.chats: dict[tuple[int, int], list[ChatMessage]] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.documents: dict[str, Document] = {}
        self.reply_keyboards: dict[tuple[int, int], dict[str, Any] | None] = {}
        self.global_buckets: dict[int, TokenBucket] = {}
        self.changed = asyncio.Event()
        self.version = 0
        self._ids = itertools.count(1)
        self._user_ids = itertools.count(FIRST_USER_ID)
        self.closed = False

    def now(self) -> int:
        return int(self.wall_clock())

    def next_id(self) -> int:
        return next(self._ids)

    # --- bots -----------------------------------------------------------------------------

    def bot_for_token(self, token: str) -> SandboxBot:
        bot_id = int(token.split(":", 1)[0])
        bot = self.bots.get(bot_id)
        if bot is None or bot.token != token:
            bot = SandboxBot(
                id=bot_id, token=token, username=f"sandbox_{bot_id}_bot", first_name="Sandbox Bot"
            )
            self.bots[bot_id] = bot
        if self.primary_bot_id is None:
            self.primary_bot_id = bot_id
        return bot

    def primary_bot(self) -> SandboxBot | None:
        return self.bots.get(self.primary_bot_id) if self.primary_bot_id is not None else None

    # --- users ----------------------------------------------------------------------------

    def add_user(self, **values: Any) -> SandboxUser:
        user_id = int(values.pop("id", None) or next(self._user_ids))
        while user_id in self.users and "id" not in values:
            user_id = next(self._user_ids)
        user = SandboxUser(id=user_id, **values)
        self.users[user_id] = user
        self.touch()
        return user

    def skip_user_ids_through(self, highest: int | None) -> None:
        """New personas get ids above `highest`: a fresh sandbox on a database from an earlier
        run must not hand out an id that database already knows as someone else."""
        if highest is not None:
            self._user_ids = itertools.count(max(highest + 1, next(self._user_ids)))

    # --- chats ----------------------------------------------------------------------------

    def chat(self, bot_id: int, user_id: int) -> list[ChatMessage]:
        return self.chats.setdefault((bot_id, user_id), [])

    def find_message(self, bot_id: int, user_id: int, message_id: int) -> ChatMessage | None:
        for message in self.chats.get((bot_id, user_id), []):
            if message.message_id == message_id and not message.deleted:
                return message
        return None

    def add_message(self, bot_id: int, user_id: int, message: ChatMessage) -> ChatMessage:
        self.chat(bot_id, user_id).append(message)
        self.touch()
        return message

    def touch(self) -> None:
        """Wake everyone watching for a change (the web chat, long-polling tests)."""
        self.version += 1
        self.changed.set()
        self.changed = asyncio.Event()

    # --- updates --------------------------------------------------------------------------

    def push_update(self, bot: SandboxBot, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": bot.next_update_id, kind: payload}
        bot.next_update_id += 1
        bot.last_update = update
        allowed = bot.webhook.allowed_updates if bot.webhook else bot.allowed_updates
        if allowed and kind not in allowed:
            return update  # Telegram drops updates of types the bot did not ask for.
        bot.updates.append(update)
        bot.new_update.set()
        return update

    def reopen(self) -> None:
        """Serve again after close() (the app around it was restarted)."""
        self.closed = False
        for bot in self.bots.values():
            bot.new_update = asyncio.Event()
            if bot.updates:
                bot.new_update.set()

    def close(self) -> None:
        """Release every long poll at once, so the server can stop without waiting."""
        self.closed = True
        for bot in self.bots.values():
            bot.new_update.set()
        self.touch()

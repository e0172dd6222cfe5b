"""Sandbox mode: with no BOT_TOKEN the built-in Bot API server stands in for Telegram."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from core.clock import Clock
from domain.messaging.texts import Catalog
from domain.organisation.accounts import set_password
from storage.uow import UnitOfWorkFactory

if TYPE_CHECKING:
    # The sandbox and the demo data are imported only in sandbox mode: with a BOT_TOKEN
    # nothing needs them (tests/unit/test_startup_imports.py).
    from sandbox.world import World

# The sandbox accepts any well-formed token; this one names the product's own bot.
SANDBOX_BOT_TOKEN = "7000000001:sandbox-recruiting-bot"
SANDBOX_ADMIN_LOGIN = "sandbox-admin"
MOUNT = "/sandbox"


def sandbox_bot_username(token: str = SANDBOX_BOT_TOKEN) -> str:
    """The username the sandbox gives a bot (it names bots after their id)."""
    return f"sandbox_{token.split(':', 1)[0]}_bot"


def local_host(host: str) -> str:
    """An address this process can reach itself at, even when it listens on all interfaces."""
    return "127.0.0.1" if host in ("", "0.0.0.0", "::") else host


def mount_sandbox(admin_app: web.Application, world: World) -> None:
    from sandbox.app import create_sandbox_app

    admin_app.add_subapp(MOUNT, create_sandbox_app(world))


@dataclass(frozen=True)
class SandboxWelcome:
    panel_url: str
    chat_url: str
    admin_login: str
    admin_password: str
    demo_loaded: bool

    def banner(self) -> str:
        lines = [
            "",
            "Sandbox mode: no BOT_TOKEN, so the built-in Bot API server stands in for Telegram.",
            f"  Chat with the bot:  {self.chat_url}",
            f"  Admin panel:        {self.panel_url}",
            f"  One-time login:     {self.admin_login} / {self.admin_password}",
            "    (a new password at every start)",
        ]
        if self.demo_loaded:
            lines.append("  The empty database was filled with demo data.")
        return "\n".join([*lines, ""])


async def prepare_sandbox(
    uow_factory: UnitOfWorkFactory, catalog: Catalog, clock: Clock, base_url: str
) -> SandboxWelcome:
    """Demo data on an empty database, and a fresh admin password to print."""
    from domain.demo import seed_demo

    async with uow_factory() as uow:
        demo_loaded = await seed_demo(uow, catalog, clock)
    password = secrets.token_urlsafe(12)
    async with uow_factory() as uow:
        await set_password(uow, SANDBOX_ADMIN_LOGIN, password, create=True)
    return SandboxWelcome(
        panel_url=f"{base_url}/",
        chat_url=f"{base_url}{MOUNT}/",
        admin_login=SANDBOX_ADMIN_LOGIN,
        admin_password=password,
        demo_loaded=demo_loaded,
    )

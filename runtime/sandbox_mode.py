"""Sandbox mode: with no BOT_TOKEN the built-in Bot API server stands in for Telegram."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from admin.panel.signed_in import is_signed_in
from core.clock import Clock
from domain.messaging.texts import Catalog
from domain.organisation.accounts import set_password
from domain.organisation.directory import highest_telegram_id
from storage.uow import UnitOfWorkFactory

if TYPE_CHECKING:
    # The sandbox and the demo data are imported only in sandbox mode: with a BOT_TOKEN
    # nothing needs them (tests/unit/test_startup_imports.py).
    from sandbox.access import Gate
    from sandbox.world import World

# The sandbox accepts any well-formed token; this one names the product's own bot.
SANDBOX_BOT_TOKEN = "7000000001:sandbox-recruiting-bot"
SANDBOX_ADMIN_LOGIN = "sandbox-admin"
MOUNT = "/sandbox"
LOGIN_URL = "/login"


def sandbox_bot_username(token: str = SANDBOX_BOT_TOKEN) -> str:
    """The username the sandbox gives a bot (it names bots after their id)."""
    return f"sandbox_{token.split(':', 1)[0]}_bot"


def local_host(host: str) -> str:
    """An address this process can reach itself at, even when it listens on all interfaces."""
    return "127.0.0.1" if host in ("", "0.0.0.0", "::") else host


async def may_use_sandbox(request: web.Request, signed_in: Gate = is_signed_in) -> bool:
    """A client on this machine (the bot itself, the tests, the developer's browser), or
    someone signed in to the panel."""
    from sandbox.access import is_local_client

    return is_local_client(request) or await signed_in(request)


def mount_sandbox(admin_app: web.Application, world: World, refusal: str | None = None) -> None:
    """The sandbox under MOUNT, answering only whom may_use_sandbox lets in (anyone else:
    403 with `refusal`, the sandbox's own words when none is given, or a browser sent to the
    panel's login)."""
    from sandbox.access import REFUSED, gate_middleware
    from sandbox.app import create_sandbox_app

    gate = gate_middleware(may_use_sandbox, refusal or REFUSED, login_url=LOGIN_URL)
    admin_app.add_subapp(MOUNT, create_sandbox_app(world, gate))


async def skip_known_user_ids(uow_factory: UnitOfWorkFactory, world: World) -> None:
    """A fresh sandbox on a database from an earlier run hands out ids above those the
    database knows: a new persona must never be someone already there (a recruiter)."""
    async with uow_factory() as uow:
        world.skip_user_ids_through(await highest_telegram_id(uow))


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

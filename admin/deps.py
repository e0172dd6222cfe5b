"""What the admin app's handlers need, handed down by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from core.clock import Clock
from services.texts import Catalog
from storage.uow import UnitOfWorkFactory


@dataclass
class AdminDeps:
    uow_factory: UnitOfWorkFactory
    clock: Clock
    catalog: Catalog
    bot_username: str = ""  # filled in once the bot has introduced itself
    secret_key: str = ""  # encrypts panel session cookies; empty: a random key per start


DEPS = web.AppKey("admin_deps", AdminDeps)

"""What the admin app's handlers need, handed down by the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from admin.telegram_files import TelegramFiles
from core.clock import Clock
from core.metrics import Metrics
from domain.bookings.booking import Messaging
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from storage.cache import Cache
from storage.uow import UnitOfWork, UnitOfWorkFactory


@dataclass
class AdminDeps:
    uow_factory: UnitOfWorkFactory
    clock: Clock
    catalog: Catalog
    bot_username: str = ""  # filled in once the bot has introduced itself
    secret_key: str = ""  # encrypts panel session cookies; empty: a random key per start
    cache: Cache | None = None  # for its hit rate on the dashboard
    metrics: Metrics | None = None  # exported at /metrics, summarised on the dashboard
    metrics_token: str = ""  # when set, /metrics wants it as a bearer token
    rules: BookingRules = field(default_factory=BookingRules)  # the configured booking rules
    # Where people open the panel (ADMIN_PUBLIC_URL): https means TLS, so the session cookie is
    # Secure and HSTS is sent; its origin is accepted on forms besides the request's own host.
    public_url: str = ""
    # Where media candidates sent is fetched from when opened (the bot; None: nowhere, e.g. tests).
    files: TelegramFiles | None = None
    retention_days: int = 0  # RETENTION_DAYS, shown on the dashboard (0: off)

    @property
    def served_over_tls(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def messaging(self) -> Messaging:
        """What services that tell candidates need, with the app's configured rules."""
        return Messaging(self.catalog, self.clock, self.rules)


DEPS = web.AppKey("admin_deps", AdminDeps)

# The request's Unit of Work, opened and ended by `admin.middlewares.unit_of_work`.
UOW = web.RequestKey("uow", UnitOfWork)


def request_uow(request: web.Request) -> UnitOfWork:
    """The one Unit of Work of this panel page or API call."""
    return request[UOW]

"""The admin web app, mounted on the same event loop as the bot."""

from __future__ import annotations

from aiohttp import web

from admin.health import HealthSources, create_health_handler
from admin.middlewares import error_middleware


def create_app(health: HealthSources) -> web.Application:
    app = web.Application(middlewares=[error_middleware])
    app.router.add_get("/health", create_health_handler(health))
    return app

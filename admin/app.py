"""The admin web app, mounted on the same event loop as the bot."""

from __future__ import annotations

from aiohttp import web

from admin.api import create_api
from admin.calendar_feeds import install_calendar_feeds
from admin.deps import DEPS, AdminDeps
from admin.health import HealthSources, create_health_handler
from admin.locale import choose_locale
from admin.metrics import install_metrics
from admin.middlewares import error_middleware, refuse_nul, unit_of_work
from admin.panel import install_panel
from admin.security import install_security, same_origin


def create_app(health: HealthSources, deps: AdminDeps | None = None) -> web.Application:
    # Errors outside the Unit of Work: it has rolled back before an error is shown. A request
    # from another site, or with a NUL in its address or form, is refused before one is opened.
    app = web.Application(
        middlewares=[choose_locale, error_middleware, same_origin, refuse_nul, unit_of_work]
    )
    install_security(app)
    app.router.add_get("/health", create_health_handler(health))
    if deps is not None:
        app[DEPS] = deps
        if deps.metrics is not None:
            install_metrics(app, deps.metrics, deps.metrics_token)
        app.add_subapp("/api/v1", create_api())
        install_calendar_feeds(app)
        install_panel(app, deps)
    return app

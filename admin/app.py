"""The admin web app, mounted on the same event loop as the bot."""

from __future__ import annotations

import asyncio
import contextlib

import structlog
from aiohttp import web

from admin.calendar_feeds import install_calendar_feeds
from admin.deps import DEPS, AdminDeps
from admin.health import HealthSources, create_health_handler
from admin.lazy_app import Build, mount_lazily
from admin.locale import choose_locale
from admin.metrics import install_metrics
from admin.middlewares import error_middleware, refuse_nul, unit_of_work
from admin.panel.mount import install_panel
from admin.security import install_security, same_origin
from domain.messaging.templates import learn_shipped_templates
from domain.messaging.texts import Catalog

log = structlog.get_logger(__name__)
# The part's task learning the shipped templates, kept so that it is not collected midway.
LEARNING = web.AppKey("learning_templates", asyncio.Task[None])


# The parts built at their first request (admin.lazy_app): imported there, not here.
def _create_api() -> web.Application:
    from admin.api import create_api

    return create_api()


def _create_pages() -> web.Application:
    from admin.panel.pages import create_pages

    return create_pages()


def _learning_templates(build: Build, catalog: Catalog) -> Build:
    """`build`, which then starts parsing and compiling every shipped template in the
    templates' worker (about 200 ms): the template pages of the panel and the API ask it of
    every shipped body. Started when each is first built, not at start-up (the bot compiles a
    template when it first sends it); the second finds the work done."""

    def built() -> web.Application:
        part = build()
        with contextlib.suppress(RuntimeError):  # no loop: routes listed outside a request
            task = asyncio.get_running_loop().create_task(learn_shipped_templates(catalog))
            task.add_done_callback(_log_failure)
            part[LEARNING] = task
        return part

    return built


def _log_failure(task: asyncio.Task[None]) -> None:
    """The pages work without it (each template is then parsed when first asked for)."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.warning("templates.not_learned", error=repr(error))


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
        mount_lazily(app, "/api/v1", _learning_templates(_create_api, deps.catalog))
        install_calendar_feeds(app)
        install_panel(app, deps, _learning_templates(_create_pages, deps.catalog))
    return app

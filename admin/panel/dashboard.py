"""The dashboard: the funnel, no-shows, time to interview, today's interviews, the delivery
queue, the cache's hit rate and timings. A recruiter account sees its own cities and interviews."""

from __future__ import annotations

from aiohttp import web

from admin.metrics import NOT_SUMMARISED
from admin.panel.kit import deps, render, signed_in, uow
from admin.scope import Scope
from domain.privacy.retention import retention_erasures
from domain.reporting.dashboard import dashboard


@signed_in
async def show(request: web.Request, scope: Scope) -> web.Response:
    app = deps(request)
    figures = await dashboard(uow(request), app.clock.now(), scope.city_ids, scope.own_recruiter)
    cache = app.cache.stats if app.cache is not None and scope.is_admin else None
    performance = (
        app.metrics.summary(NOT_SUMMARISED) if app.metrics is not None and scope.is_admin else None
    )
    retention = (
        {"days": app.retention_days, "erased": await retention_erasures(uow(request))}
        if scope.is_admin
        else None
    )
    return await render(
        request,
        "dashboard.html",
        scope,
        figures=figures,
        cache=cache,
        performance=performance,
        retention=retention,
    )


def install(app: web.Application) -> None:
    app.router.add_get("/", show)

"""The dashboard: the funnel, no-shows, time to interview, today's interviews, the delivery
queue, the cache's hit rate and timings. A recruiter account sees its own cities and interviews."""

from __future__ import annotations

from aiohttp import web

from admin.locale import current_locale
from admin.metrics import NOT_SUMMARISED
from admin.panel.kit import deps, render, signed_in, uow
from admin.schemas.common import parse_id
from admin.scope import Scope
from domain.privacy.retention import retention_erasures
from domain.reporting.dashboard import dashboard
from domain.vacancies.catalog import find_vacancy, title_in, vacancies_in
from storage.dto import VacancyDTO


async def _vacancy(request: web.Request, scope: Scope) -> VacancyDTO | None:
    """The vacancy the figures are limited to (`?vacancy_id=`); none asked, or not one the
    account sees: every candidate."""
    asked = parse_id(request.query.get("vacancy_id", ""))
    return await find_vacancy(uow(request), asked, scope.city_ids) if asked else None


@signed_in
async def show(request: web.Request, scope: Scope) -> web.Response:
    app = deps(request)
    vacancy = await _vacancy(request, scope)
    figures = await dashboard(
        uow(request),
        app.clock.now(),
        scope.city_ids,
        scope.own_recruiter,
        vacancy.id if vacancy else None,
    )
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
        vacancies=[
            (v.id, title_in(v, current_locale()))
            for v in await vacancies_in(uow(request), scope.city_ids)
        ],
        values={"vacancy_id": vacancy.id if vacancy else None},
    )


def install(app: web.Application) -> None:
    app.router.add_get("/", show)

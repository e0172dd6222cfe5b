"""A recruiter's own calendar read for busy times: its address given or removed, and how its
last reads went. A recruiter's account sees its own; an admin any recruiter's."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from admin.locale import current_locale
from admin.panel.kit import attempt, deps, done, int_param, render, signed_in, uow
from admin.scope import Scope
from domain.calendars.busy_sources import URL_FIELD, busy_calendar_status, set_busy_calendar
from domain.organisation.directory import find_recruiter
from domain.records import Recruiter


async def _recruiter(request: web.Request, scope: Scope) -> Recruiter:
    recruiter_id = int_param(request, "recruiter_id")
    if not scope.sees_recruiter(recruiter_id):
        raise web.HTTPNotFound()
    recruiter = await find_recruiter(uow(request), recruiter_id)
    if recruiter is None:
        raise web.HTTPNotFound()
    return recruiter


async def _show(
    request: web.Request,
    scope: Scope,
    recruiter: Recruiter,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    now = deps(request).clock.now()
    shown = await busy_calendar_status(
        uow(request), deps(request).catalog, current_locale(), recruiter.id, now
    )
    return await render(
        request,
        "busy_calendar.html",
        scope,
        status=status,
        recruiter=recruiter,
        busy=shown,
        values=values or {},
        errors=errors or {},
        field=URL_FIELD,
    )


@signed_in
async def busy_calendar_page(request: web.Request, scope: Scope) -> web.Response:
    return await _show(request, scope, await _recruiter(request, scope))


@signed_in
async def save_busy_calendar(request: web.Request, scope: Scope) -> web.StreamResponse:
    recruiter = await _recruiter(request, scope)
    raw = str((await request.post()).get(URL_FIELD, ""))
    url, errors = await attempt(
        request,
        set_busy_calendar(
            uow(request),
            deps(request).catalog,
            current_locale(),
            recruiter.id,
            raw,
            actor=scope.actor,
        ),
    )
    if not errors:
        notice = "panel.busy.saved" if url else "panel.busy.cleared"
        await done(
            request,
            f"/recruiters/{recruiter.id}/busy-calendar",
            deps(request).catalog.text(notice, current_locale()),
        )
    return await _show(
        request, scope, recruiter, values={URL_FIELD: raw}, errors=errors, status=422
    )


def install(app: web.Application) -> None:
    app.router.add_get("/recruiters/{recruiter_id}/busy-calendar", busy_calendar_page)
    app.router.add_post("/recruiters/{recruiter_id}/busy-calendar", save_busy_calendar)

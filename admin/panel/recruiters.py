"""Recruiters: the list with their cities, adding and editing one, and one-time invite links."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from admin.locale import current_locale
from admin.panel.kit import (
    admins_only,
    attempt,
    deps,
    done,
    int_param,
    posted,
    render,
    text,
    uow,
)
from admin.panel.reasons import said
from admin.schemas.places import RecruiterIn
from admin.scope import Scope
from domain.calendars.busy_sources import busy_calendar_status
from domain.organisation.directory import (
    city_choices,
    find_recruiter,
    recruiter_with_cities,
    recruiters_with_cities,
)
from domain.organisation.invites import create_invite, invite_link
from domain.organisation.places import save_recruiter
from domain.records import Recruiter

NEW_RECRUITER = {"timezone": "Europe/Moscow", "active": True}


async def _show(
    request: web.Request,
    scope: Scope,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    editing: Recruiter | None = None,
    invite: dict[str, str] | None = None,
    status: int = 200,
) -> web.Response:
    recruiters = await recruiters_with_cities(uow(request))
    busy = None
    if editing is not None:
        now = deps(request).clock.now()
        catalog = deps(request).catalog
        busy = await busy_calendar_status(uow(request), catalog, current_locale(), editing.id, now)
    cities = [(c.id, c.name) for c in await city_choices(uow(request))]
    return await render(
        request,
        "recruiters.html",
        scope,
        status=status,
        recruiters=recruiters,
        cities=cities,
        values=values if values is not None else NEW_RECRUITER,
        errors=errors or {},
        editing=editing,
        invite=invite,
        busy=busy,
    )


@admins_only
async def list_recruiters(request: web.Request, scope: Scope) -> web.Response:
    return await _show(request, scope)


async def _recruiter(request: web.Request) -> Recruiter:
    recruiter = await recruiter_with_cities(uow(request), int_param(request, "recruiter_id"))
    if recruiter is None:
        raise web.HTTPNotFound()
    return recruiter


@admins_only
async def edit_form(request: web.Request, scope: Scope) -> web.Response:
    recruiter = await _recruiter(request)
    values = {
        "name": recruiter.name,
        "timezone": recruiter.timezone,
        "meeting_link": recruiter.meeting_link,
        "active": recruiter.active,
        "city_ids": [c.id for c in recruiter.cities],
    }
    return await _show(request, scope, values=values, editing=recruiter)


@admins_only
async def save(request: web.Request, scope: Scope) -> web.StreamResponse:
    editing = await _recruiter(request) if "recruiter_id" in request.match_info else None
    parsed, errors, values = await posted(request, RecruiterIn)
    errors = said(request, errors)
    if parsed is not None:
        _, errors = await attempt(
            request,
            save_recruiter(
                uow(request),
                parsed.model_dump(),
                actor=scope.actor,
                recruiter_id=editing.id if editing else None,
            ),
        )
        if not errors:
            await done(
                request, "/recruiters", text(request, "panel.recruiters.saved", name=parsed.name)
            )
    return await _show(request, scope, values=values, errors=errors, editing=editing, status=422)


@admins_only
async def create_recruiter_invite(request: web.Request, scope: Scope) -> web.Response:
    recruiter_id = int_param(request, "recruiter_id")
    created = await create_invite(
        uow(request), recruiter_id, deps(request).clock, actor=scope.actor
    )
    payload = created.unwrap()  # an unknown recruiter: NotFound, a 404 page
    recruiter = await find_recruiter(uow(request), recruiter_id)
    if recruiter is None:
        raise web.HTTPNotFound()
    invite = {"name": recruiter.name, "link": invite_link(deps(request).bot_username, payload)}
    return await _show(request, scope, invite=invite)


def install(app: web.Application) -> None:
    app.router.add_get("/recruiters", list_recruiters)
    app.router.add_post("/recruiters", save)
    app.router.add_get("/recruiters/{recruiter_id}", edit_form)
    app.router.add_post("/recruiters/{recruiter_id}", save)
    app.router.add_post("/recruiters/{recruiter_id}/invite", create_recruiter_invite)

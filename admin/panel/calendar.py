"""Calendar feeds in the panel: the signed-in account's secret links (a recruiter's own feed,
an admin's feed per city) and making new ones; an admin renews a recruiter's from their page."""

from __future__ import annotations

from aiohttp import web

from admin.calendar_feeds import absolute_feed_url
from admin.panel.kit import admins_only, deps, done, int_param, render, signed_in, text, uow
from admin.scope import Scope
from domain.calendars.feeds import (
    city_feed_path,
    feed_for_account,
    feed_for_recruiter,
    recruiter_feed_path,
    renew_account_feed,
    renew_recruiter_feed,
)
from domain.organisation.directory import city_choices, find_recruiter

PAGE = "/calendars"


@signed_in
async def calendar_page(request: web.Request, scope: Scope) -> web.Response:
    own: str | None = None
    cities: list[tuple[int, str, str]] = []
    if scope.is_admin:
        token = await feed_for_account(uow(request), scope.user_id)
        cities = [
            (c.id, c.name, absolute_feed_url(request, city_feed_path(token, c.id)))
            for c in await city_choices(uow(request))
        ]
    elif scope.recruiter_id is not None:
        token = await feed_for_recruiter(uow(request), scope.recruiter_id)
        own = absolute_feed_url(request, recruiter_feed_path(token))
    return await render(request, "calendar.html", scope, own=own, cities=cities)


@signed_in
async def renew(request: web.Request, scope: Scope) -> web.StreamResponse:
    now = deps(request).clock.now()
    if scope.is_admin:
        await renew_account_feed(uow(request), scope.user_id, now, actor=scope.actor)
    elif scope.recruiter_id is not None:
        await renew_recruiter_feed(uow(request), scope.recruiter_id, now, actor=scope.actor)
    else:
        raise web.HTTPNotFound()
    await done(request, PAGE, text(request, "calendar_feeds.panel_renewed"))


@admins_only
async def renew_for_recruiter(request: web.Request, scope: Scope) -> web.StreamResponse:
    recruiter_id = int_param(request, "recruiter_id")
    recruiter = await find_recruiter(uow(request), recruiter_id)
    if recruiter is None:
        raise web.HTTPNotFound()
    name = recruiter.name
    await renew_recruiter_feed(
        uow(request), recruiter_id, deps(request).clock.now(), actor=scope.actor
    )
    notice = text(request, "calendar_feeds.panel_recruiter_renewed", name=name)
    await done(request, f"/recruiters/{recruiter_id}", notice)


def install(app: web.Application) -> None:
    app.router.add_get(PAGE, calendar_page)
    app.router.add_post(f"{PAGE}/renew", renew)
    app.router.add_post("/recruiters/{recruiter_id}/calendar-feed", renew_for_recruiter)

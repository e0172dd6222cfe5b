"""Signing in and out."""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp_session import get_session

from admin.panel.auth import LoginThrottle, check_csrf, start_session
from admin.panel.kit import deps, render, uow
from domain.organisation.accounts import sign_in

THROTTLE = web.AppKey("login_throttle", LoginThrottle)


async def login_form(request: web.Request) -> web.Response:
    return await render(request, "login.html", None, login="", errors={})


async def login(request: web.Request) -> web.StreamResponse:
    await check_csrf(request)
    form = await request.post()
    name = str(form.get("login", "")).strip()[:64]
    password = str(form.get("password", ""))
    throttle = request.app[THROTTLE]
    who = (name, request.remote or "")
    if throttle.locked(*who):
        errors = {"login": "Too many failed attempts: try again in 15 minutes."}
        return await render(request, "login.html", None, status=429, login=name, errors=errors)
    await asyncio.sleep(throttle.delay(*who))
    # The throttle (in memory) decided first: a locked-out name does not reach the database.
    user = await sign_in(uow(request), name, password, now=deps(request).clock.now())
    if user is None:
        throttle.failed(*who)
        errors = {"password": "Wrong login or password."}
        return await render(request, "login.html", None, login=name, errors=errors)
    throttle.succeeded(*who)
    await start_session(request, user)
    raise web.HTTPSeeOther("/")


async def logout(request: web.Request) -> web.StreamResponse:
    await check_csrf(request)
    (await get_session(request)).invalidate()
    raise web.HTTPSeeOther("/login")


def install(app: web.Application) -> None:
    app[THROTTLE] = LoginThrottle()
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)

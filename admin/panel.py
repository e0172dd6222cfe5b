"""The web panel's pages so far: log in and out, and recruiters with their invite links."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import get_session

from admin.deps import DEPS
from admin.panel_auth import (
    LoginThrottle,
    check_csrf,
    csrf_token,
    current_user,
    install_sessions,
    start_session,
)
from core.result import Failure
from services.accounts import password_matches
from services.recruiter_invites import create_invite, invite_link
from storage.models import AdminUser
from storage.models.enums import AdminRole

TEMPLATES = Path(__file__).resolve().parent / "templates"
THROTTLE = web.AppKey("login_throttle", LoginThrottle)


async def _admin(request: web.Request) -> AdminUser:
    user = await current_user(request)
    if user is None:
        raise web.HTTPFound("/login")
    if user.role is not AdminRole.ADMIN:
        raise web.HTTPForbidden(text="Only admins manage recruiters.")
    return user


async def _page(
    request: web.Request, template: str, user: AdminUser | None, **context: Any
) -> web.Response:
    session = await get_session(request)
    return aiohttp_jinja2.render_template(
        template, request, {"user": user, "csrf": csrf_token(session), **context}
    )


async def login_form(request: web.Request) -> web.Response:
    return await _page(request, "login.html", None, login="", errors={})


async def login(request: web.Request) -> web.StreamResponse:
    await check_csrf(request)
    form = await request.post()
    name = str(form.get("login", "")).strip()[:64]
    password = str(form.get("password", ""))
    throttle = request.app[THROTTLE]
    if throttle.locked(name):
        errors = {"login": "Too many failed attempts: try again in 15 minutes."}
        return await _page(request, "login.html", None, login=name, errors=errors)
    await asyncio.sleep(throttle.delay(name))
    async with request.config_dict[DEPS].uow_factory() as uow:
        user = await uow.admin_users.get_by_login(name)
        ok = user is not None and user.active and password_matches(user.password_hash, password)
        if ok and user is not None:
            user.last_login_at = request.config_dict[DEPS].clock.now()
            uow.audit.record(
                actor=f"admin:{user.id}",
                action="login",
                entity="admin_user",
                entity_id=user.id,
                admin_user_id=user.id,
            )
            await uow.commit()
    if not ok or user is None:
        throttle.failed(name)
        errors = {"password": "Wrong login or password."}
        return await _page(request, "login.html", None, login=name, errors=errors)
    throttle.succeeded(name)
    await start_session(request, user)
    raise web.HTTPFound("/recruiters")


async def logout(request: web.Request) -> web.StreamResponse:
    await check_csrf(request)
    (await get_session(request)).invalidate()
    raise web.HTTPFound("/login")


async def recruiters(request: web.Request) -> web.Response:
    user = await _admin(request)
    return await _page(
        request, "recruiters.html", user, recruiters=await _recruiter_rows(request), invite=None
    )


async def _recruiter_rows(request: web.Request) -> list[dict[str, Any]]:
    async with request.config_dict[DEPS].uow_factory() as uow:
        rows = []
        for full in await uow.recruiters.list_with_cities():
            rows.append(
                {
                    "id": full.id,
                    "name": full.name,
                    "active": full.active,
                    "linked": full.telegram_chat_id is not None,
                    "cities": ", ".join(sorted(c.name for c in full.cities)),
                }
            )
        return rows


async def create_recruiter_invite(request: web.Request) -> web.Response:
    user = await _admin(request)
    await check_csrf(request)
    deps = request.config_dict[DEPS]
    try:
        recruiter_id = int(request.match_info["recruiter_id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    async with deps.uow_factory() as uow:
        result = await create_invite(uow, recruiter_id, deps.clock)
        recruiter = await uow.recruiters.get(recruiter_id)
    if isinstance(result, Failure) or recruiter is None:
        raise web.HTTPNotFound()
    invite = {"name": recruiter.name, "link": invite_link(deps.bot_username, result.value)}
    return await _page(
        request, "recruiters.html", user, recruiters=await _recruiter_rows(request), invite=invite
    )


async def home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/recruiters")


def install_panel(app: web.Application, secret_key: str) -> None:
    install_sessions(app, secret_key)
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    app[THROTTLE] = LoginThrottle()
    app.router.add_get("/", home)
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/recruiters", recruiters)
    app.router.add_post("/recruiters/{recruiter_id}/invite", create_recruiter_invite)

"""Signing in and out, and an account's own password."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp_session import get_session

from admin.panel.auth import check_csrf, session_token, start_session, stop_session
from admin.panel.kit import deps, done, form_errors, render, signed_in, text, uow
from admin.scope import Scope
from core.result import Failure
from domain.organisation.account_admin import change_own_password, set_own_language
from domain.organisation.accounts import LoginLocked, PasswordChecksBusy, find_account, sign_in


async def login_form(request: web.Request) -> web.Response:
    return await render(request, "login.html", None, login="", errors={})


async def login(request: web.Request) -> web.StreamResponse:
    await check_csrf(request)
    form = await request.post()
    name = str(form.get("login", "")).strip()[:64]
    password = str(form.get("password", ""))
    try:
        user = await sign_in(
            uow(request),
            name,
            password,
            address=request.remote or "",
            now=deps(request).clock.now(),
        )
    except (LoginLocked, PasswordChecksBusy) as refused:
        errors = {"login": text(request, refused.message_key)}
        return await _refused(request, refused, "login.html", None, login=name, errors=errors)
    if user is None:
        errors = {"password": text(request, "panel.login.wrong")}
        return await render(request, "login.html", None, login=name, errors=errors)
    await start_session(request, user)
    (await get_session(request))["locale"] = user.locale or ""  # for pages without a handler
    raise web.HTTPSeeOther("/")


async def logout(request: web.Request) -> web.StreamResponse:
    await check_csrf(request)
    await stop_session(request)
    raise web.HTTPSeeOther("/login")


def _own_path(wanted: str) -> str:
    """A path of this site, or "/": never an address elsewhere ("//host", "/\\host" and
    control characters that browsers read as one)."""
    parts = urlsplit(wanted)
    if (
        parts.scheme
        or parts.netloc
        or not wanted.startswith("/")
        or wanted.startswith("//")
        or "\\" in wanted
        or any(ord(c) < 32 or ord(c) == 127 for c in wanted)
    ):
        return "/"
    return wanted


def _is_page(app: web.Application, path: str) -> bool:
    """Whether a GET of `path` is answered by one of the app's pages (an id in the path must
    be a number: /questions/tests is no question's page)."""
    for resource in app.router.resources():
        info = resource.get_info()
        pattern = info.get("pattern")
        found = pattern.fullmatch(path) if pattern is not None else None
        ids_ok = found is not None and all(
            value.isdecimal() for name, value in found.groupdict().items() if name.endswith("_id")
        )
        matches = info.get("path") == path or ids_ok
        if matches and any(route.method in ("GET", "*") for route in resource):
            return True
    return False


def _page_at(app: web.Application, back: str) -> str:
    """The page to go back to: a refused form is shown at its own address, which only takes a
    post (/candidates/5/status), so the nearest address above it that is a page is chosen."""
    path, _, query = back.partition("?")
    while path not in ("", "/"):
        if _is_page(app, path):
            return path + ("?" + query if query else "")
        path, query = path.rsplit("/", 1)[0], ""
    return "/"


@signed_in
async def choose_language(request: web.Request, scope: Scope) -> web.StreamResponse:
    """The account's language (empty: the browser's), then back to the page it was chosen on."""
    form = await request.post()
    chosen = str(form.get("locale", "")) or None
    catalog = deps(request).catalog
    changed = await set_own_language(uow(request), scope.user_id, chosen, catalog.ui.keys())
    back = _page_at(request.app, _own_path(str(form.get("next", "/"))))
    if isinstance(changed, Failure):
        await done(request, back, text(request, "panel.language.unknown"))
    raise web.HTTPSeeOther(back)


@signed_in
async def password_form(request: web.Request, scope: Scope) -> web.Response:
    return await render(request, "password.html", scope, errors={})


async def _refused(
    request: web.Request,
    refused: LoginLocked | PasswordChecksBusy,
    template: str,
    scope: Scope | None,
    **context: Any,
) -> web.Response:
    """Locked out: 429 until the lockout passes; too many checks at once: 503, a moment."""
    status = 429 if isinstance(refused, LoginLocked) else 503
    page = await render(request, template, scope, status=status, **context)
    page.headers["Retry-After"] = str(refused.retry_after_seconds)
    return page


@signed_in
async def change_password(request: web.Request, scope: Scope) -> web.StreamResponse:
    form = await request.post()
    current, new = str(form.get("current_password", "")), str(form.get("new_password", ""))
    if new != str(form.get("new_password_again", "")):
        errors = {"new_password_again": text(request, "panel.password.mismatch")}
        return await render(request, "password.html", scope, status=422, errors=errors)
    user = await find_account(uow(request), scope.user_id)
    token = session_token(await get_session(request))
    if user is None or token is None:  # signed in a moment ago: gone meanwhile
        raise web.HTTPFound("/login")
    try:
        changed = await change_own_password(
            uow(request),
            user,
            current,
            new,
            session_token=token,
            address=request.remote or "",
            now=deps(request).clock.now(),
        )
    except (LoginLocked, PasswordChecksBusy) as refused:
        errors = {"current_password": text(request, refused.message_key)}
        return await _refused(request, refused, "password.html", scope, errors=errors)
    if isinstance(changed, Failure):
        errors = form_errors(request, changed.error)
        return await render(request, "password.html", scope, status=422, errors=errors)
    await done(request, "/account/password", text(request, "panel.password.changed"))


def install(app: web.Application) -> None:
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_post("/account/language", choose_language)
    app.router.add_get("/account/password", password_form)
    app.router.add_post("/account/password", change_password)

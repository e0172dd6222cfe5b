"""What every page handler shares: who is signed in, the CSRF check on unsafe requests, forms
checked against the same schemas the API uses, flash notices, and rendering."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, NoReturn, TypeVar

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session
from multidict import MultiDictProxy
from pydantic import BaseModel, ValidationError

from admin.deps import DEPS, AdminDeps
from admin.panel.auth import check_csrf, csrf_token, current_user
from admin.schemas.common import is_list_field, parse_id
from admin.scope import Scope, scope_for
from core.errors import InvalidField, NotFound

PageHandler = Callable[[web.Request, Scope], Awaitable[web.StreamResponse]]
M = TypeVar("M", bound=BaseModel)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def deps(request: web.Request) -> AdminDeps:
    return request.config_dict[DEPS]


async def _scope(request: web.Request) -> Scope:
    user = await current_user(request)
    if user is None:
        raise web.HTTPFound("/login")
    async with deps(request).uow_factory() as uow:
        return await scope_for(uow, user)


def signed_in(handler: PageHandler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Any account; unsafe methods must carry the session's CSRF token."""

    async def page(request: web.Request) -> web.StreamResponse:
        scope = await _scope(request)
        if request.method not in SAFE_METHODS:
            await check_csrf(request)
        return await handler(request, scope)

    return page


def admins_only(handler: PageHandler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def page(request: web.Request, scope: Scope) -> web.StreamResponse:
        scope.require_admin()
        return await handler(request, scope)

    return signed_in(page)


async def render(
    request: web.Request, template: str, scope: Scope | None, *, status: int = 200, **context: Any
) -> web.Response:
    session = await get_session(request)
    notice = session.pop("flash", None)
    values = {"scope": scope, "csrf": csrf_token(session), "flash": notice, "path": request.path}
    return aiohttp_jinja2.render_template(template, request, {**values, **context}, status=status)


async def done(request: web.Request, location: str, notice: str) -> NoReturn:
    """Post/redirect/get, with a one-time notice shown on the next page."""
    (await get_session(request))["flash"] = notice
    raise web.HTTPSeeOther(location)


def int_param(request: web.Request, name: str) -> int:
    """A path id; anything that is not one is simply not found."""
    value = parse_id(request.match_info[name])
    if value is None:
        raise web.HTTPNotFound()
    return value


def form_values(model: type[BaseModel], form: MultiDictProxy[Any]) -> dict[str, Any]:
    """HTML forms as the schema expects them: unchecked boxes are False, empty fields absent,
    repeated fields (multi-selects) lists."""
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if field.annotation is bool:
            values[name] = name in form
        elif is_list_field(field.annotation):
            values[name] = [str(v) for v in form.getall(name, []) if str(v).strip()]
        elif name in form and str(form[name]).strip() != "":
            values[name] = str(form[name])
    return values


def check(model: type[M], values: dict[str, Any]) -> tuple[M | None, dict[str, str]]:
    """The model, or each bad field's first reason keyed by the field's name."""
    try:
        return model.model_validate(values), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "form"
            errors.setdefault(field, str(error["msg"]).removeprefix("Value error, "))
        return None, errors


async def posted(
    request: web.Request, model: type[M]
) -> tuple[M | None, dict[str, str], dict[str, Any]]:
    """The submitted form checked against `model`: (the model or None, errors, raw values)."""
    form = await request.post()
    values = form_values(model, form)
    parsed, errors = check(model, values)
    return parsed, errors, values


def refused(error: Exception) -> dict[str, str]:
    """A service's refusal as form errors; something that vanished meanwhile is a 404."""
    if isinstance(error, InvalidField):
        return {error.field: error.reason}
    if isinstance(error, NotFound):
        raise web.HTTPNotFound()
    return {"form": str(error)}

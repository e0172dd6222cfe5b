"""What every page handler shares: who is signed in, the request's Unit of Work, the CSRF check
on unsafe requests, forms checked against the same schemas the API uses, a domain error shown
next to its field, flash notices, and rendering."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, NoReturn, Protocol, TypeVar
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session
from multidict import MultiDictProxy
from pydantic import BaseModel, ValidationError

from admin.deps import DEPS, AdminDeps, request_uow
from admin.errors import field_of, reason_of, validation_reason
from admin.locale import current_catalog, current_locale, use_locale
from admin.panel.auth import check_csrf, csrf_token, current_user
from admin.schemas.common import is_list_field, parse_id
from admin.scope import Scope, scope_for
from core.errors import AppError, NotFound
from domain.conversations.inbox import unread_count
from domain.pipeline.contact import InboxFilter, count_requests
from storage.uow import UnitOfWork

PageHandler = Callable[[web.Request, Scope], Awaitable[web.StreamResponse]]
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def deps(request: web.Request) -> AdminDeps:
    return request.config_dict[DEPS]


def text(request: web.Request, key: str, **values: Any) -> str:
    """A panel text from the locale catalogs, in the panel's language."""
    return deps(request).catalog.text(key, current_locale(), **values)


def uow(request: web.Request) -> UnitOfWork:
    """The page's one Unit of Work (see admin.middlewares.unit_of_work)."""
    return request_uow(request)


async def _scope(request: web.Request) -> Scope:
    user = await current_user(request)
    if user is None:
        raise web.HTTPFound("/login")
    use_locale(user.locale)
    session = await get_session(request)
    if session.get("locale", "") != (user.locale or ""):
        session["locale"] = user.locale or ""  # for pages no handler of the panel answers
    return await scope_for(uow(request), user)


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


def _here(request: web.Request) -> str:
    """The page's address, where the language menu comes back to: a form refused is shown at
    the address it was posted to, so there the page it was sent from (its Referer, this site's
    only), else the posted address (the menu then goes to the page above it)."""
    if request.method in SAFE_METHODS:
        return request.path_qs
    sent_from = urlsplit(request.headers.get("Referer", ""))
    if sent_from.netloc == request.host and sent_from.path.startswith("/"):
        return sent_from.path + (f"?{sent_from.query}" if sent_from.query else "")
    return request.path


async def render(
    request: web.Request, template: str, scope: Scope | None, *, status: int = 200, **context: Any
) -> web.Response:
    session = await get_session(request)
    notice = session.pop("flash", None)
    values = {
        "scope": scope,
        "csrf": csrf_token(session),
        "flash": notice,
        "path": request.path,
        "back": _here(request),
    }
    if scope is not None:
        # The menu's inbox shows what waits: unread messages of the account's candidates, and
        # the requests to be contacted: for an admin, those no recruiter was told of; for a
        # recruiter, their cities' open ones.
        waiting = InboxFilter(admins_only=scope.is_admin, city_ids=scope.city_ids)
        values["inbox_count"] = await count_requests(uow(request), waiting) + await unread_count(
            uow(request), scope.city_ids
        )
    return aiohttp_jinja2.render_template(template, request, {**values, **context}, status=status)


async def done(request: web.Request, location: str, notice: str) -> NoReturn:
    """Post/redirect/get, with a one-time notice shown on the next page."""
    (await get_session(request))["flash"] = notice
    raise web.HTTPSeeOther(location)


MAX_PAGE = 100_000


def page_number(request: web.Request) -> int:
    """The `page` query parameter (from 1); anything else is the first page."""
    try:
        number = int(request.query.get("page", "1"))
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


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
    """The model, or each bad field's first reason (in the page's language) keyed by the
    field's name."""
    try:
        return model.model_validate(values), {}
    except ValidationError as exc:
        catalog = current_catalog()
        errors: dict[str, str] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "form"
            errors.setdefault(field, validation_reason(error, catalog))
        return None, errors


async def posted(
    request: web.Request, model: type[M]
) -> tuple[M | None, dict[str, str], dict[str, Any]]:
    """The submitted form checked against `model`: (the model or None, errors, raw values)."""
    form = await request.post()
    values = form_values(model, form)
    parsed, errors = check(model, values)
    return parsed, errors, values


def form_errors(request: web.Request, error: AppError) -> dict[str, str]:
    """A domain error as a form shows it: next to the field it names ("audience.city_ids" is
    the form's `city_ids`), else above the form. Something that vanished meanwhile is not the
    form's business: re-raised, the error middleware answers 404."""
    if isinstance(error, NotFound):
        raise error
    field = field_of(error)
    reason = reason_of(error, deps(request).catalog)
    return {field.rsplit(".", 1)[-1] if field else "form": reason}


class Outcome(Protocol[T_co]):
    """What a domain change returns: a core.result Success or Failure."""

    def unwrap(self) -> T_co: ...


async def attempt(
    request: web.Request, change: Awaitable[Outcome[T]]
) -> tuple[T | None, dict[str, str]]:
    """A domain change a form asked for: (its value, no errors), or (None, its refusal as the
    form shows it). The page's Unit of Work rolls back when the form comes back refused (422)."""
    try:
        return (await change).unwrap(), {}
    except AppError as error:
        # A refusal after a rollback (a race lost) expired what the page holds: read it again.
        await uow(request).reload_expired()
        return None, form_errors(request, error)

"""The admin app's own middlewares: errors shown to people (or machines), and one Unit of Work
per panel page or API call."""

from __future__ import annotations

import aiohttp_jinja2
import structlog
from aiohttp import web
from aiohttp.typedefs import Handler

from admin.deps import DEPS, UOW
from admin.errors import (
    BUSY_RETRY_AFTER_SECONDS,
    RETRY_AFTER_SECONDS,
    UNAVAILABLE_REASON,
    UNAVAILABLE_STATUS,
    reason_of,
    status_of,
)
from admin.locale import current_locale, use_locale
from core.errors import AppError, Forbidden
from core.inputs import NUL
from storage.availability import is_database_busy, is_database_unavailable

log = structlog.get_logger(__name__)

# Paths that answer machines: their errors stay JSON (or whatever their handler chose).
# Calendar feeds (`/calendar/<token>.ics`) answer calendar apps.
MACHINE_PREFIXES = (
    "/api/",
    "/health",
    "/metrics",
    "/sandbox",
    "/telegram",
    "/bot",
    "/file",
    "/calendar/",
)
# Paths whose next part is a secret (a calendar feed's token): logged without it.
SECRET_PATHS = ("/calendar/",)
# Paths that need no Unit of Work of the request's: /health and /metrics ask the database
# their own way (with a timeout, tolerating its absence), static files never touch it, and
# the sandbox (with its long-polling getUpdates) is a Telegram stand-in with no database.
OUTSIDE_UNIT_OF_WORK = ("/health", "/metrics", "/static/", "/sandbox")
TITLED = (403, 404, 405, 409, 413, 422, 429, 500, 503)  # panel.error.title.<status>


def loggable_path(request: web.Request) -> str:
    """The request's path as logs may hold it: a secret in it replaced by "…"."""
    for prefix in SECRET_PATHS:
        if request.path.startswith(prefix):
            return prefix + "…"
    return request.path


def _for_people(request: web.Request) -> bool:
    return not request.path.startswith(MACHINE_PREFIXES) and aiohttp_jinja2.APP_KEY in (
        request.config_dict
    )


def _say(request: web.Request, key: str) -> str:
    deps = request.config_dict.get(DEPS)
    return deps.catalog.text(key, current_locale()) if deps else key


async def _account_locale(request: web.Request) -> None:
    """A page no handler answered (an unknown path) in the signed-in account's language, as
    its last page remembered it in the session."""
    try:
        from aiohttp_session import get_session

        session = await get_session(request)
    except (RuntimeError, KeyError):
        return
    use_locale(session.get("locale"))


def _page(request: web.Request, status: int, message: str) -> web.Response:
    title = f"panel.error.title.{status}" if status in TITLED else "panel.error.title.other"
    context = {
        "status": status,
        "title": _say(request, title),
        "message": message,
        "scope": None,
        "path": request.path,
    }
    return aiohttp_jinja2.render_template("error.html", request, context, status=status)


def _refusal(request: web.Request, error: AppError) -> web.Response:
    """A domain error that reached no form: its page for people, JSON for machines."""
    deps = request.config_dict.get(DEPS)
    status, reason = status_of(error), reason_of(error, deps.catalog if deps else None)
    if _for_people(request):
        if status == 404:
            message = _say(request, "panel.error.nothing_here")
        elif isinstance(error, Forbidden):  # the only one: an admin's page (admin.scope)
            message = _say(request, "panel.error.admins_only")
        else:
            message = reason[:1].upper() + reason[1:]
        return _page(request, status, message)
    return web.json_response({"error": reason}, status=status)


def _unavailable(request: web.Request) -> web.Response:
    """The database is away: 503 with Retry-After, a page for people, JSON for machines."""
    if _for_people(request):
        message = _say(request, "panel.error.unavailable")
        answer = _page(request, UNAVAILABLE_STATUS, message)
    else:
        answer = web.json_response(
            {"error": "unavailable", "detail": UNAVAILABLE_REASON}, status=UNAVAILABLE_STATUS
        )
    answer.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return answer


def _busy(request: web.Request) -> web.Response:
    """The database is there but locked past the wait (SQLite's busy timeout): nothing was
    written; 503 with a short Retry-After rather than a 500."""
    deps = request.config_dict.get(DEPS)
    message = (
        deps.catalog.text("panel.database_busy", current_locale()) if deps else "database busy"
    )
    if _for_people(request):
        answer = _page(request, UNAVAILABLE_STATUS, message)
    else:
        answer = web.json_response({"error": "busy", "detail": message}, status=UNAVAILABLE_STATUS)
    answer.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
    return answer


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """People get a page, machines JSON with a reason; never a traceback to anyone."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status >= 400 and _for_people(request) and exc.content_type != "text/html":
            # A handler's own words are shown; aiohttp's default text ("404: Not Found") is not.
            default = f"{exc.status}: {exc.reason}"
            await _account_locale(request)
            if exc.text and exc.text != default:
                message = exc.text
            elif exc.status == 404:  # no such page: aiohttp's own words, in the account's language
                message = _say(request, "panel.error.no_such_page")
            else:
                message = (
                    _say(request, f"panel.error.title.{exc.status}")
                    if (exc.status in TITLED)
                    else exc.reason
                )
            return _page(request, exc.status, message)
        raise
    except AppError as exc:
        return _refusal(request, exc)
    except Exception as exc:
        if is_database_busy(exc):
            log.warning("admin.database_busy", path=loggable_path(request), error=str(exc)[:200])
            return _busy(request)
        if is_database_unavailable(exc):
            log.warning(
                "admin.database_unavailable", path=loggable_path(request), error=str(exc)[:200]
            )
            return _unavailable(request)
        log.exception("admin.unhandled_error", path=loggable_path(request), method=request.method)
        if _for_people(request):
            return _page(request, 500, _say(request, "panel.error.logged"))
        return web.json_response({"error": "internal", "detail": "internal error"}, status=500)


FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
NUL_MESSAGE = (
    "The {where} contains a NUL character (\\0), which cannot be stored. Remove it and try again."
)


async def _nul_in_page_request(request: web.Request) -> str | None:
    """Where a page's request carries a NUL character, if anywhere: its address (path and
    query) or its form."""
    if NUL in request.path or any(NUL in k or NUL in v for k, v in request.query.items()):
        return "address"
    if request.method not in ("GET", "HEAD") and request.content_type in FORMS:
        form = await request.post()  # kept by aiohttp: the handler reads the same form
        if any(NUL in k or (isinstance(v, str) and NUL in v) for k, v in form.items()):
            return "form"
    return None


@web.middleware
async def refuse_nul(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The panel's pages refuse a NUL character in the address or a form (422, saying so)
    before any handler reads them: PostgreSQL cannot store one and no text needs it. The API
    checks its own input field by field (`admin.api.kit`); the Telegram webhook's updates are
    cleaned by the bot (`bot.dispatcher.without_nul`)."""
    if _for_people(request):
        where = await _nul_in_page_request(request)
        if where is not None:
            deps = request.config_dict.get(DEPS)
            message = (
                deps.catalog.text(
                    "panel.error.nul",
                    current_locale(),
                    where=deps.catalog.text(f"panel.error.nul.{where}", current_locale()),
                )
                if deps
                else NUL_MESSAGE.format(where=where)
            )
            return _page(request, 422, message)
    return await handler(request)


@web.middleware
async def unit_of_work(request: web.Request, handler: Handler) -> web.StreamResponse:
    """One Unit of Work per request, as the bot has one per update. It is committed when the
    answer is a success or a redirect (aiohttp raises redirects: a raised 2xx/3xx commits too),
    and rolled back on any error: an exception, or a 4xx/5xx answer (a refused form, an API
    error body), so a request that fails half-way writes nothing."""
    deps = request.config_dict.get(DEPS)
    if deps is None or request.path.startswith(OUTSIDE_UNIT_OF_WORK):
        return await handler(request)
    async with deps.uow_factory() as uow:  # leaving it uncommitted rolls back
        request[UOW] = uow
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            if exc.status < 400:
                await uow.commit()
            raise
        if response.status < 400:
            await uow.commit()
        return response

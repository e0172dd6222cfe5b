from __future__ import annotations

import aiohttp_jinja2
import structlog
from aiohttp import web
from aiohttp.typedefs import Handler

from core.errors import AppError, NotFound

log = structlog.get_logger(__name__)

# Paths that answer machines: their errors stay JSON (or whatever their handler chose).
MACHINE_PREFIXES = ("/api/", "/health", "/metrics", "/sandbox", "/telegram", "/bot", "/file")
TITLES = {
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    413: "Too large",
    429: "Too many requests",
    500: "Something went wrong",
}


def _for_people(request: web.Request) -> bool:
    return not request.path.startswith(MACHINE_PREFIXES) and aiohttp_jinja2.APP_KEY in (
        request.config_dict
    )


def _page(request: web.Request, status: int, message: str) -> web.Response:
    context = {
        "status": status,
        "title": TITLES.get(status, "Error"),
        "message": message,
        "scope": None,
        "path": request.path,
    }
    return aiohttp_jinja2.render_template("error.html", request, context, status=status)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """People get a page, machines JSON with a reason; never a traceback to anyone."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status >= 400 and _for_people(request) and exc.content_type != "text/html":
            # A handler's own words are shown; aiohttp's default text ("404: Not Found") is not.
            default = f"{exc.status}: {exc.reason}"
            message = exc.text if exc.text and exc.text != default else exc.reason
            return _page(request, exc.status, message)
        raise
    except NotFound as exc:
        if _for_people(request):
            return _page(request, 404, "There is nothing here.")
        return web.json_response({"error": exc.message_key, "detail": exc.detail}, status=404)
    except AppError as exc:
        if _for_people(request):
            return _page(request, 409, exc.detail or "That cannot be done now.")
        return web.json_response({"error": exc.message_key, "detail": exc.detail}, status=409)
    except Exception:
        log.exception("admin.unhandled_error", path=request.path, method=request.method)
        if _for_people(request):
            return _page(request, 500, "The error is logged; please try again.")
        return web.json_response({"error": "internal", "detail": "internal error"}, status=500)

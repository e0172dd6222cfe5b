from __future__ import annotations

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler

from core.errors import AppError, NotFound

log = structlog.get_logger(__name__)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """JSON errors with a reason; never a traceback to the client."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except NotFound as exc:
        return web.json_response({"error": exc.message_key, "detail": exc.detail}, status=404)
    except AppError as exc:
        return web.json_response({"error": exc.message_key, "detail": exc.detail}, status=409)
    except Exception:
        log.exception("admin.unhandled_error", path=request.path, method=request.method)
        return web.json_response({"error": "internal", "detail": "internal error"}, status=500)

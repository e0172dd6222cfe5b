"""What every answer of the admin app carries for browsers (a Content-Security-Policy that
allows scripts and styles from the panel itself only, no framing, no sniffing, no referrer to
other sites, no caching of what is not a static file, HSTS over TLS, no version in `Server`),
and the refusal of unsafe panel requests sent from another site (the Origin check, beside the
CSRF token)."""

from __future__ import annotations

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler

from admin.deps import DEPS
from admin.locale import current_locale
from admin.middlewares import MACHINE_PREFIXES

log = structlog.get_logger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HSTS = "max-age=31536000"
SERVER = "recruiting"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The sandbox's web chat (a development stand-in for Telegram) keeps its own page as it is.
WITHOUT_CSP = ("/sandbox",)
CACHEABLE = ("/static/",)
# Answers that say themselves how long they may be kept (a calendar feed: privately, briefly).
OWN_CACHING = ("/calendar/",)


def _origin_of(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}".lower() if rest else ""


def _from_this_site(request: web.Request) -> bool:
    """A browser names the page a form was sent from (Origin; Sec-Fetch-Site in newer ones):
    it must be the panel, as the request's Host names it, or its public URL. A request with
    neither header is not a browser's cross-site one (a script, a test client): the CSRF token
    still decides."""
    origin = request.headers.get("Origin")
    if origin is None:
        return request.headers.get("Sec-Fetch-Site") not in ("cross-site", "same-site")
    deps = request.config_dict.get(DEPS)
    public = _origin_of(deps.public_url) if deps is not None and deps.public_url else None
    host = origin.partition("://")[2].lower()
    return bool(host) and (host == request.host.lower() or origin.lower() == public)


@web.middleware
async def same_origin(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Unsafe panel requests from another site are refused with a page saying why (403)."""
    if (
        request.method in UNSAFE_METHODS
        and not request.path.startswith(MACHINE_PREFIXES)
        and not _from_this_site(request)
    ):
        log.warning(
            "admin.cross_origin_refused",
            path=request.path,
            origin=request.headers.get("Origin"),
            fetch_site=request.headers.get("Sec-Fetch-Site"),
        )
        deps = request.config_dict.get(DEPS)
        reason = (
            deps.catalog.text("panel.cross_origin", current_locale())
            if deps
            else "Cross-site request"
        )
        raise web.HTTPForbidden(text=reason)
    return await handler(request)


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: every answer, pages, JSON, files and errors alike."""
    headers = response.headers
    headers["Server"] = SERVER
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if not request.path.startswith(WITHOUT_CSP):
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if request.path.startswith(OWN_CACHING):
        headers.setdefault("Cache-Control", "no-store")
    elif not request.path.startswith(CACHEABLE):
        # Pages and API answers hold personal data: no copy in the browser or a proxy.
        headers["Cache-Control"] = "no-store"
    deps = request.config_dict.get(DEPS)
    if deps is not None and deps.served_over_tls:
        headers.setdefault("Strict-Transport-Security", HSTS)


def install_security(app: web.Application) -> None:
    app.on_response_prepare.append(security_headers)

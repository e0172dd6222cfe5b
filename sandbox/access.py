"""Who may use the sandbox: it hands out personas and speaks as any of them, so it answers only
a client on this machine (or whoever the application around it also lets in: its panel's
signed-in users)."""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

Gate = Callable[[web.Request], Awaitable[bool]]

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
# A proxy in front (nginx) connects from this machine on behalf of someone who may not be.
FORWARDING_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP")
REFUSED = "the sandbox answers only on this machine, or to someone signed in to the panel"


def _address(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((value or "").strip("[]"))
    except ValueError:
        return None


def _host_name(host: str) -> str:
    """The name in a Host header, without its port ("[::1]:8080" -> "::1")."""
    if host.startswith("["):
        return host[1 : host.find("]")]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_local_client(request: web.Request) -> bool:
    """The request comes straight from this machine: from a loopback address or this server's
    own, not through a proxy, addressed to this machine by a name a page elsewhere cannot
    make point here (no DNS rebinding), and, from a browser, sent by the sandbox's own page
    rather than another site's (a local browser must not be a way in)."""
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    own = _address(sockname[0]) if isinstance(sockname, tuple) else None
    peer = _address(request.remote)
    if peer is None or not (peer.is_loopback or peer == own):
        return False
    if any(header in request.headers for header in FORWARDING_HEADERS):
        return False
    name = _host_name(request.host).lower()
    if name not in LOOPBACK_NAMES and (own is None or _address(name) != own):
        return False
    # A browser marks what another site's page sends, even a plain GET (an <img>, a link),
    # which carries no Origin: refused, or any page the developer opens could drive the bot.
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    return origin is None or origin == f"{request.scheme}://{request.host}"


async def local_clients_only(request: web.Request) -> bool:
    return is_local_client(request)


def gate_middleware(
    allow: Gate, refusal: str = REFUSED, login_url: str | None = None
) -> Middleware:
    """Refuses whoever `allow` does not let in: 403 with a JSON reason, or a browser asking
    for a page is sent to `login_url` when there is one."""

    @web.middleware
    async def gate(request: web.Request, handler: Handler) -> web.StreamResponse:
        if await allow(request):
            return await handler(request)
        wants_page = "text/html" in request.headers.get("Accept", "")
        if login_url and request.method == "GET" and wants_page:
            raise web.HTTPSeeOther(login_url)
        return web.json_response({"error": refusal}, status=403)

    return gate

"""The secret calendar feeds subscribed calendars read: no session, the token in the path is
the key. An unknown or renewed token answers a bare 404. The token is never logged (see
`admin.middlewares.loggable_path`)."""

from __future__ import annotations

import hashlib

from aiohttp import web

from admin.deps import DEPS, request_uow
from domain.calendars.feeds import WrittenFeeds, feed_content, feed_url

FEED_PREFIX = "/calendar/"
CONTENT_TYPE = "text/calendar; charset=utf-8"
CACHE_CONTROL = "private, max-age=300"
_TOKEN = r"{token:[A-Za-z0-9_-]{16,64}}"
WRITTEN = web.AppKey("written_calendar_feeds", WrittenFeeds)


def absolute_feed_url(request: web.Request, path: str) -> str:
    """A feed's URL as calendars reach it: at the panel's public address (ADMIN_PUBLIC_URL),
    else at the address this request came to."""
    base = request.config_dict[DEPS].public_url or f"{request.scheme}://{request.host}"
    return feed_url(base, path)


def _etag(body: bytes) -> str:
    # The body is the same for the same data (its DTSTAMPs are the data's latest change).
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _matches(request: web.Request, etag: str) -> bool:
    sent = request.headers.get("If-None-Match", "")
    return any(tag.strip().removeprefix("W/") in (etag, "*") for tag in sent.split(","))


async def _serve(request: web.Request, city_id: int | None) -> web.StreamResponse:
    deps = request.config_dict[DEPS]
    body = await feed_content(
        request_uow(request),
        deps.catalog,
        request.match_info["token"],
        city_id,
        deps.clock.now(),
        request.config_dict[WRITTEN],
    )
    if body is None:
        raise web.HTTPNotFound(text="Not found")
    etag = _etag(body)
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if _matches(request, etag):
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, headers={**headers, "Content-Type": CONTENT_TYPE})


async def recruiter_feed(request: web.Request) -> web.StreamResponse:
    return await _serve(request, None)


async def city_feed(request: web.Request) -> web.StreamResponse:
    raw = request.match_info["city_id"]
    if len(raw) > 9:  # beyond any id: simply not found
        raise web.HTTPNotFound(text="Not found")
    return await _serve(request, int(raw))


def install_calendar_feeds(app: web.Application) -> None:
    app[WRITTEN] = WrittenFeeds()
    app.router.add_get(f"/calendar/{_TOKEN}.ics", recruiter_feed)
    app.router.add_get(f"/calendar/{_TOKEN}/city/{{city_id:[0-9]+}}.ics", city_feed)

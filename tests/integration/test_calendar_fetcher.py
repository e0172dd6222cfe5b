"""Issue 20.3: one read of a calendar address (scheduler.busy_calendars.CalendarFetcher) against
a local server: conditional headers, a redirect loop, a body cut off at the size limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from scheduler.busy_calendars import USER_AGENT, CalendarFetcher

STAMP = "Sat, 20 Mar 2027 08:00:00 GMT"


async def _serve(aiohttp_server: Callable[..., Any], seen: list[dict[str, str]]) -> Any:
    async def calendar(request: web.Request) -> web.StreamResponse:
        seen.append(dict(request.headers))
        if request.headers.get("If-Modified-Since") == STAMP:
            return web.Response(status=304)
        return web.Response(
            body=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", headers={"Last-Modified": STAMP}
        )

    async def loop(_request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/loop")

    async def streamed(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()  # no Content-Length: the limit is met while reading
        await response.prepare(request)
        for _ in range(100):
            await response.write(b"X" * 10_000)
        return response

    app = web.Application()
    app.router.add_get("/cal.ics", calendar)
    app.router.add_get("/loop", loop)
    app.router.add_get("/streamed", streamed)
    return await aiohttp_server(app)


async def test_a_read_remembers_last_modified_and_asks_with_it(
    aiohttp_server: Callable[..., Any],
) -> None:
    seen: list[dict[str, str]] = []
    server = await _serve(aiohttp_server, seen)
    fetch = CalendarFetcher(5, 100_000, private=True)
    first = await fetch(str(server.make_url("/cal.ics")), None, None)
    assert first.status == 200 and first.last_modified == STAMP and first.error is None
    again = await fetch(str(server.make_url("/cal.ics")), None, first.last_modified)
    assert again.status == 304
    assert seen[0]["User-Agent"] == USER_AGENT and "If-Modified-Since" not in seen[0]
    assert seen[1]["If-Modified-Since"] == STAMP


async def test_a_redirect_loop_is_given_up(aiohttp_server: Callable[..., Any]) -> None:
    server = await _serve(aiohttp_server, [])
    fetched = await CalendarFetcher(5, 100_000, private=True)(
        str(server.make_url("/loop")), None, None
    )
    assert fetched.error == "redirects|"


async def test_a_body_past_the_limit_is_not_read_to_its_end(
    aiohttp_server: Callable[..., Any],
) -> None:
    server = await _serve(aiohttp_server, [])
    fetched = await CalendarFetcher(5, 50_000, private=True)(
        str(server.make_url("/streamed")), None, None
    )
    assert fetched.error == "too_large|50000" and fetched.body == b""


async def test_nobody_listening_is_a_network_error() -> None:
    fetched = await CalendarFetcher(5, 50_000, private=True)(
        "http://127.0.0.1:9/cal.ics", None, None
    )
    assert fetched.error is not None and fetched.error.startswith("network|")


async def test_this_machine_and_its_network_are_not_read_by_default(
    aiohttp_server: Callable[..., Any],
) -> None:
    """A recruiter's address cannot make the server read its own services: an address of this
    machine, a name resolving to one, or a redirect to one is refused before anything is sent."""
    seen: list[dict[str, str]] = []
    server = await _serve(aiohttp_server, seen)
    fetch = CalendarFetcher(5, 100_000)
    port = server.port
    for url in (
        f"http://127.0.0.1:{port}/cal.ics",
        f"http://localhost:{port}/cal.ics",
        f"http://[::1]:{port}/cal.ics",
        "http://10.0.0.1/cal.ics",
        "http://169.254.169.254/latest/meta-data",
    ):
        fetched = await fetch(url, None, None)
        assert fetched.error == "private|", (url, fetched)
    assert seen == []  # the local server was never asked
    allowed = await CalendarFetcher(5, 100_000, private=True)(
        f"http://localhost:{port}/cal.ics", None, None
    )
    assert allowed.status == 200 and len(seen) == 1

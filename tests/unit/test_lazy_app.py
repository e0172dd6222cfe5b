"""admin.lazy_app: a part built at its first request, answering as aiohttp's own sub-app would."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from admin.lazy_app import LazyApp, mount_lazily

SEEN = web.AppKey("seen", list[str])
PARENT_VALUE = web.AppKey("parent_value", str)


def _part(builds: list[str], name: str, *, middleware: bool = False) -> web.Application:
    builds.append(name)

    async def page(request: web.Request) -> web.Response:
        # The part's own application, and the parent's keys through config_dict.
        assert request.app is part
        return web.Response(
            text=f"{name}:{request.match_info.get('id', '')}:{request.config_dict[PARENT_VALUE]}"
        )

    @web.middleware
    async def own(request: web.Request, handler: Any) -> web.StreamResponse:
        request.config_dict[SEEN].append(f"{name} middleware")
        try:
            return await handler(request)
        except web.HTTPNotFound:
            return web.json_response({"error": f"{name} has no such thing"}, status=404)

    part = web.Application(middlewares=[own] if middleware else [])
    part.router.add_get("/things/{id}", page)
    part.router.add_get("/", page)
    return part


def _parent(builds: list[str]) -> web.Application:
    @web.middleware
    async def first(request: web.Request, handler: Any) -> web.StreamResponse:
        request.config_dict[SEEN].append("parent middleware")
        return await handler(request)

    async def health(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    parent = web.Application(middlewares=[first])
    parent[SEEN] = []
    parent[PARENT_VALUE] = "from the parent"
    parent.router.add_get("/health", health)
    mount_lazily(parent, "/api", lambda: _part(builds, "api", middleware=True))
    mount_lazily(parent, "", lambda: _part(builds, "pages", middleware=True))
    return parent


async def test_a_part_is_built_at_its_first_request_only(aiohttp_client: Any) -> None:
    builds: list[str] = []
    client = await aiohttp_client(_parent(builds))
    assert (await client.get("/health")).status == 200
    assert builds == []  # the parent's own route builds nothing

    answer = await client.get("/things/7")
    assert (answer.status, await answer.text()) == (200, "pages:7:from the parent")
    assert builds == ["pages"]
    assert (await client.get("/things/8")).status == 200
    assert builds == ["pages"]  # once

    answer = await client.get("/api/things/9")
    assert (answer.status, await answer.text()) == (200, "api:9:from the parent")
    assert builds == ["pages", "api"]


async def test_the_parents_middlewares_run_first_then_the_parts(aiohttp_client: Any) -> None:
    parent = _parent([])
    client = await aiohttp_client(parent)
    await client.get("/api/things/1")
    assert parent[SEEN] == ["parent middleware", "api middleware"]


async def test_an_unknown_path_is_the_parents_at_the_root_the_parts_under_a_prefix(
    aiohttp_client: Any,
) -> None:
    client = await aiohttp_client(_parent([]))
    # The root part has no such page: the parent's plain 404 (its error pages, in the app).
    nothing = await client.get("/nowhere")
    assert nothing.status == 404
    assert "has no such thing" not in await nothing.text()
    # Under its prefix, the part answers its own 404 through its own middleware, as a sub-app.
    missing = await client.get("/api/nowhere")
    assert (missing.status, await missing.json()) == (404, {"error": "api has no such thing"})


async def test_a_wrong_method_is_405_naming_the_allowed_ones(aiohttp_client: Any) -> None:
    client = await aiohttp_client(_parent([]))
    for path in ("/things/1", "/health"):
        answer = await client.post(path)
        assert answer.status == 405, path
        assert "GET" in answer.headers["Allow"]


async def test_a_part_that_fails_to_build_answers_500_through_the_middlewares_then_retries(
    aiohttp_client: Any,
) -> None:
    builds: list[str] = []

    def build() -> web.Application:
        if not builds:
            builds.append("failed")
            raise ImportError("a module missing, once")
        return _part(builds, "pages")

    parent = _parent([])
    parent.router.register_resource(LazyApp("/later", build))
    client = await aiohttp_client(parent)
    failed = await client.get("/later/things/1")
    assert failed.status == 500
    assert parent[SEEN] == ["parent middleware"]  # the parent's middlewares saw it
    answer = await client.get("/later/things/2")
    assert (answer.status, await answer.text()) == (200, "pages:2:from the parent")


def test_listing_the_routes_builds_the_part_and_shows_them() -> None:
    builds: list[str] = []
    parent = _parent(builds)
    paths = {route.resource.canonical for route in parent.router.routes() if route.resource}
    assert {"/health", "/api/things/{id}", "/things/{id}", "/api/", "/"} <= paths
    assert sorted(builds) == ["api", "pages"]

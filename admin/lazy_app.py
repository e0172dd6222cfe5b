"""A sub-application built at the first request that reaches it (issue 15, memory).

The panel's pages and the REST API import most of the admin code, its forms' and answers'
schemas and the domain modules only they use: several MB that every process would hold from
its start, though many (a bot-only instance, a quiet night) never serve a page. Mounted with
`mount_lazily`, such a part costs a route at start; its modules are imported, its application
built and frozen when the first request for it arrives (a few hundred ms, once).

It behaves as aiohttp's own sub-application: the parent's middlewares run first, then the
part's own (aiohttp runs a part's middlewares only when its parent has some: the admin app
does); `request.app` is the part's application and `request.config_dict` reaches the
parent's keys. A part mounted at the root ("") answers only the paths it has routes for, so an
unknown path is the parent's 404 as before."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sized

import structlog
from aiohttp import web
from aiohttp.web_urldispatcher import (
    AbstractResource,
    AbstractRoute,
    MatchInfoError,
    _InfoDict,
    _Resolve,
)
from yarl import URL

from core.long_lived import set_aside_if_serving

log = structlog.get_logger(__name__)

Build = Callable[[], web.Application]


class LazyApp(AbstractResource):
    def __init__(self, prefix: str, build: Build) -> None:
        super().__init__()
        self._prefix = prefix.rstrip("/")
        self._build = build
        self._app: web.Application | None = None

    @property
    def built(self) -> bool:
        return self._app is not None

    @property
    def app(self) -> web.Application:
        """The part's application, built (imported, routed, frozen) on first use."""
        if self._app is None:
            app = self._build()
            if self._prefix:  # as aiohttp's add_subapp does: each route moves under it
                router = app.router
                for resource in router.resources():
                    router.unindex_resource(resource)
                    resource.add_prefix(self._prefix)
                    router.index_resource(resource)
            app.freeze()
            self._app = app
            set_aside_if_serving()  # its modules and routes live as long as the process
        return self._app

    @property
    def canonical(self) -> str:
        return self._prefix or "/"

    def add_prefix(self, prefix: str) -> None:
        if self._app is not None:
            raise RuntimeError("a part already built cannot move")
        self._prefix = prefix + self._prefix

    def url_for(self, **kwargs: str) -> URL:
        raise RuntimeError(".url_for() is not supported by a sub-application's root")

    def get_info(self) -> _InfoDict:
        return {"prefix": self._prefix, "app": self.app}

    def raw_match(self, path: str) -> bool:
        return False

    def _reaches(self, path: str) -> bool:
        return not self._prefix or path == self._prefix or path.startswith(self._prefix + "/")

    async def resolve(self, request: web.Request) -> _Resolve:
        if not self._reaches(request.rel_url.path_safe):
            return None, set()
        try:
            app = self.app
        except Exception:  # tried again at the next request
            # Routing comes before the middlewares: answered as a 500 through them (the error
            # page, the security headers, the metrics), not as aiohttp's bare one.
            log.exception("admin.part_not_built", prefix=self._prefix or "/")
            return MatchInfoError(web.HTTPInternalServerError()), set()
        match_info = await app.router.resolve(request)
        exception = match_info.http_exception
        allowed = (
            set(exception.allowed_methods)
            if isinstance(exception, web.HTTPMethodNotAllowed)
            else set()
        )
        if exception is not None and not self._prefix:
            return None, allowed  # the root part has no such page: the parent answers
        match_info.add_app(app)
        return match_info, allowed

    def __len__(self) -> int:
        routes: Sized = self.app.router.routes()
        return len(routes)

    def __iter__(self) -> Iterator[AbstractRoute]:
        return iter(self.app.router.routes())

    def __repr__(self) -> str:
        state = "built" if self._app is not None else "not built yet"
        return f"<LazyApp {self._prefix or '/'} ({state})>"


def mount_lazily(parent: web.Application, prefix: str, build: Build) -> LazyApp:
    """Mounts what `build()` returns under `prefix` ("" for the root), built at its first
    request (or when its routes are listed)."""
    part = LazyApp(prefix, build)
    parent.router.register_resource(part)
    return part

"""HTTP request timings, and `/metrics` for Prometheus (behind METRICS_TOKEN when it is set)."""

from __future__ import annotations

import hmac
import time

import structlog
from aiohttp import hdrs, web
from aiohttp.typedefs import Handler, Middleware
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from admin.deps import DEPS
from core.metrics import Metrics, status_class
from domain.reporting.dashboard import delivery_queue

log = structlog.get_logger(__name__)
# Labels come from bounded sets only: any path no route knows, any odd method, share one.
UNMATCHED = "unmatched"
METHODS = frozenset(hdrs.METH_ALL)
# Routes left out of the dashboard's HTTP timings: the sandbox (mounted at /sandbox by the
# runtime), whose Bot API getUpdates long polls wait up to their timeout by design.
NOT_SUMMARISED = ("/sandbox/",)


def route_label(request: web.Request) -> str:
    """The route's pattern (`/candidates/{candidate_id}`), never the raw path."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else UNMATCHED


def timing_middleware(metrics: Metrics) -> Middleware:
    histogram = metrics.http_request_seconds

    @web.middleware
    async def timing(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:  # redirects and errors answered by raising
            status = exc.status
            raise
        finally:
            method = request.method if request.method in METHODS else "other"
            histogram.labels(
                method=method, route=route_label(request), status=status_class(status)
            ).observe(time.perf_counter() - started)

    return timing


def metrics_handler(metrics: Metrics, token: str = "") -> Handler:
    async def export(request: web.Request) -> web.StreamResponse:
        if token and not hmac.compare_digest(
            request.headers.get(hdrs.AUTHORIZATION, "").encode(), f"Bearer {token}".encode()
        ):
            raise web.HTTPUnauthorized(headers={hdrs.WWW_AUTHENTICATE: "Bearer"})
        await _read_outbox_queue(request, metrics)
        return web.Response(
            body=generate_latest(metrics.registry), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    return export


async def _read_outbox_queue(request: web.Request, metrics: Metrics) -> None:
    """The queue's gauges are read at scrape time; without the database they are left out.
    /metrics is outside the request's Unit of Work (it must answer without the database), so
    it opens its own."""
    deps = request.config_dict.get(DEPS)
    if deps is None:
        return
    try:
        async with deps.uow_factory() as uow:
            queue = await delivery_queue(uow, deps.clock.now())
    except Exception as exc:  # a scrape still answers with everything else
        log.warning("metrics.outbox_queue_unreadable", error=repr(exc))
        metrics.outbox_queue.clear()
        return
    for state, count in queue.items():
        metrics.outbox_queue.labels(state=state).set(count)


def install_metrics(app: web.Application, metrics: Metrics, token: str = "") -> None:
    # Outermost, so an answer the error middleware renders is counted with its own status.
    app.middlewares.insert(0, timing_middleware(metrics))
    app.router.add_get("/metrics", metrics_handler(metrics, token))

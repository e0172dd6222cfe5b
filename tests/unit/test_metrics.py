"""Metrics: the percentile estimate from buckets, the timer, and the labels it records under."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from prometheus_client import CollectorRegistry, Histogram

from admin.lazy_app import mount_lazily
from admin.metrics import timing_middleware
from core.metrics import Metrics, observed, quantile, sql_operation, timed


def _histogram(*values: float) -> Histogram:
    histogram = Histogram(
        "t_seconds", "test", ["kind"], registry=CollectorRegistry(), buckets=(1, 2, 4)
    )
    for value in values:
        histogram.labels(kind="a").observe(value)
    return histogram


def test_percentiles_are_interpolated_within_the_bucket_the_rank_falls_in() -> None:
    histogram = _histogram(0.5, 1.5, 1.5, 3)  # cumulative: ≤1: 1, ≤2: 3, ≤4: 4
    assert quantile(histogram, 0.5) == pytest.approx(1.5)  # rank 2 of the 2 in (1, 2]
    assert quantile(histogram, 0.95) == pytest.approx(3.6)  # rank 3.8 of the 1 in (2, 4]
    timing = observed(histogram, kind="a")
    assert (timing.count, timing.p50) == (4, pytest.approx(1.5))


def test_percentiles_sum_the_children_matching_the_labels() -> None:
    histogram = _histogram(0.5, 0.5)
    histogram.labels(kind="b").observe(3)
    histogram.labels(kind="b").observe(3)
    assert quantile(histogram, 0.5, kind="a") == pytest.approx(0.5)
    assert quantile(histogram, 0.5, kind="b") == pytest.approx(3.0)
    assert observed(histogram).count == 4


def test_nothing_observed_has_no_percentile_and_beyond_the_last_bucket_is_its_bound() -> None:
    assert quantile(_histogram(), 0.5) is None
    assert observed(_histogram()).count == 0
    assert quantile(_histogram(10, 20), 0.95) == 4  # only +Inf knows them: the highest bound


def _count(metrics: Metrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(f"{name}_count", labels) or 0.0


def test_timed_as_a_block_records_also_when_the_block_raises() -> None:
    metrics = Metrics()
    with timed(metrics.job_seconds, job="digests") as timer:
        pass
    assert timer.seconds >= 0
    with pytest.raises(RuntimeError), timed(metrics.job_seconds, job="digests"):
        raise RuntimeError
    assert _count(metrics, "job_seconds", job="digests") == 2
    assert _count(metrics, "job_seconds", job="other") == 0


async def test_timed_as_a_decorator_records_every_call_of_sync_and_async_functions() -> None:
    metrics = Metrics()

    @timed(metrics.job_seconds, job="async")
    async def run(x: int) -> int:
        return x + 1

    @timed(metrics.job_seconds, job="sync")
    def compute(x: int) -> int:
        return x * 2

    assert [await run(1), await run(2), compute(3)] == [2, 3, 6]
    assert _count(metrics, "job_seconds", job="async") == 2
    assert _count(metrics, "job_seconds", job="sync") == 1


def test_statements_are_labelled_by_operation() -> None:
    assert sql_operation("SELECT 1") == "select"
    assert sql_operation("\n  insert INTO t VALUES (1)") == "insert"
    assert sql_operation("UPDATE t SET a = 1") == "update"
    assert sql_operation("DELETE FROM t") == "delete"
    assert sql_operation("WITH RECURSIVE n(i) AS (SELECT 1) SELECT * FROM n") == "select"
    assert sql_operation("BEGIN IMMEDIATE") == "other"
    assert sql_operation("") == "other"


def test_two_metrics_objects_do_not_collide() -> None:
    first, second = Metrics(), Metrics()
    first.job_seconds.labels(job="x").observe(1)
    assert _count(first, "job_seconds", job="x") == 1
    assert _count(second, "job_seconds", job="x") == 0


async def test_requests_are_labelled_by_route_pattern_and_status_class(aiohttp_client: Any) -> None:
    metrics = Metrics()

    async def found(request: web.Request) -> web.Response:
        if request.match_info.get("candidate_id") == "0":
            raise web.HTTPNotFound()
        return web.Response(text="ok")

    app = web.Application(middlewares=[timing_middleware(metrics)])
    app.router.add_get("/candidates/{candidate_id}", found)
    api = web.Application()
    api.router.add_get("/cities/{city_id}", found)
    app.add_subapp("/api/v1", api)
    later = web.Application()  # as the panel's pages and the API: built at the first request
    later.router.add_get("/slots/{slot_id}", found)
    mount_lazily(app, "/later", lambda: later)
    client = await aiohttp_client(app)
    paths = ("/candidates/7", "/candidates/8", "/candidates/0", "/api/v1/cities/3", "/x/9")
    for path in (*paths, "/later/slots/5", "/later/nothing"):
        await client.get(path)

    def count(route: str, status: str) -> float:
        labels = {"method": "GET", "route": route, "status": status}
        return metrics.registry.get_sample_value("http_request_seconds_count", labels) or 0.0

    assert count("/candidates/{candidate_id}", "2xx") == 2
    assert count("/candidates/{candidate_id}", "4xx") == 1
    assert count("/api/v1/cities/{city_id}", "2xx") == 1  # a sub-app's routes carry its prefix
    assert count("/later/slots/{slot_id}", "2xx") == 1  # so do a part's built when asked
    assert count("unmatched", "4xx") == 2
    assert count("/candidates/7", "2xx") == 0  # never the raw path

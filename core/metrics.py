"""The process's metrics, in a registry of its own (tests and two apps in one process do not
collide), exported at /metrics in the Prometheus format and summarised on the dashboard."""

from __future__ import annotations

import functools
import inspect
import math
import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ParamSpec, Protocol, TypeVar, overload

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

P = ParamSpec("P")
R = TypeVar("R")

DB_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
JOB_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
SQL_OPERATIONS = frozenset({"select", "insert", "update", "delete"})
OUTBOX_OUTCOMES = ("sent", "failed", "unreachable", "retried")


class Observer(Protocol):
    def observe(self, amount: float) -> None: ...


class HitCounts(Protocol):
    @property
    def hits(self) -> int: ...

    @property
    def misses(self) -> int: ...


class CountsHits(Protocol):
    @property
    def stats(self) -> HitCounts: ...


class Timer:
    """The seed's PerformanceTimer: observes how long a block takes (`with`), or every call of
    a function, sync or async (as a decorator). The time is observed also when it raises."""

    def __init__(self, observer: Observer) -> None:
        self._observer = observer
        self._started = 0.0
        self.seconds = 0.0

    def __enter__(self) -> Timer:
        self._started = time.perf_counter()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.seconds = time.perf_counter() - self._started
        self._observer.observe(self.seconds)

    @overload
    def __call__(
        self, func: Callable[P, Coroutine[Any, Any, R]]
    ) -> Callable[P, Coroutine[Any, Any, R]]: ...

    @overload
    def __call__(self, func: Callable[P, R]) -> Callable[P, R]: ...

    def __call__(self, func: Callable[P, Any]) -> Callable[P, Any]:
        # A fresh Timer per call: concurrent calls must not share a start time.
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def timed_coroutine(*args: P.args, **kwargs: P.kwargs) -> Any:
                with Timer(self._observer):
                    return await func(*args, **kwargs)

            return timed_coroutine

        @functools.wraps(func)
        def timed_function(*args: P.args, **kwargs: P.kwargs) -> Any:
            with Timer(self._observer):
                return func(*args, **kwargs)

        return timed_function


def timed(histogram: Histogram, **labels: str) -> Timer:
    """`with timed(metrics.job_seconds, job="digests"):` or `@timed(histogram, job="...")`."""
    return Timer(histogram.labels(**labels) if labels else histogram)


def sql_operation(statement: str) -> str:
    """select/insert/update/delete from the statement's first word; a CTE counts as a select."""
    words = statement.lstrip().split(None, 1)
    first = words[0].lower() if words else ""
    if first == "with":
        return "select"
    return first if first in SQL_OPERATIONS else "other"


def status_class(status: int) -> str:
    return f"{status // 100}xx"


@dataclass(frozen=True)
class Timing:
    count: int
    p50: float | None  # seconds, estimated from the histogram's buckets
    p95: float | None


@dataclass(frozen=True)
class PerformanceSummary:
    db: Timing
    http: Timing
    bot: Timing
    slow_queries: int


def _buckets(
    histogram: Histogram, labels: dict[str, str], skip_routes: tuple[str, ...] = ()
) -> list[tuple[float, float]]:
    """Cumulative (upper bound, count) pairs, summed over every child matching `labels`, less
    those whose `route` label starts with one of `skip_routes`."""
    totals: dict[float, float] = {}
    for family in histogram.collect():
        for sample in family.samples:
            if not sample.name.endswith("_bucket"):
                continue
            if any(sample.labels.get(k) != v for k, v in labels.items()):
                continue
            if skip_routes and sample.labels.get("route", "").startswith(skip_routes):
                continue
            bound = float(sample.labels["le"])
            totals[bound] = totals.get(bound, 0.0) + sample.value
    return sorted(totals.items())


def quantile(
    histogram: Histogram, q: float, skip_routes: tuple[str, ...] = (), **labels: str
) -> float | None:
    """Prometheus's histogram_quantile: linear within the bucket the rank falls in; a rank in
    the +Inf bucket answers the highest finite bound. None when nothing was observed."""
    return _quantile(_buckets(histogram, labels, skip_routes), q)


def _quantile(buckets: list[tuple[float, float]], q: float) -> float | None:
    total = buckets[-1][1] if buckets else 0.0
    if total == 0:
        return None
    rank = q * total
    lower, below = 0.0, 0.0
    for bound, cumulative in buckets:
        if cumulative >= rank:
            if math.isinf(bound):
                return lower
            if cumulative == below:
                return bound
            return lower + (bound - lower) * (rank - below) / (cumulative - below)
        lower, below = bound, cumulative
    return lower


def observed(histogram: Histogram, skip_routes: tuple[str, ...] = (), **labels: str) -> Timing:
    # The histogram is collected once for all three figures (collecting is most of the cost).
    buckets = _buckets(histogram, labels, skip_routes)
    return Timing(
        count=int(buckets[-1][1]) if buckets else 0,
        p50=_quantile(buckets, 0.5),
        p95=_quantile(buckets, 0.95),
    )


class _CacheRequests(Collector):
    """Reads the cache's own hit and miss counters at scrape time."""

    def __init__(self, cache: CountsHits) -> None:
        self._cache = cache

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(
            "cache_requests", "Cache reads, by whether they were hits", labels=["result"]
        )
        stats = self._cache.stats
        family.add_metric(["hit"], stats.hits)
        family.add_metric(["miss"], stats.misses)
        yield family


class Metrics:
    """Built once by the composition root and handed to whatever records into it."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.db_query_seconds = Histogram(
            "db_query_seconds", "SQL statements", ["operation"], registry=r, buckets=DB_BUCKETS
        )
        self.db_slow_queries = Counter(
            "db_slow_queries", "SQL statements over SLOW_QUERY_THRESHOLD_MS", registry=r
        )
        self.bot_update_seconds = Histogram(
            "bot_update_seconds",
            "Telegram updates handled, by update type",
            ["update_type"],
            registry=r,
            buckets=REQUEST_BUCKETS,
        )
        self.job_seconds = Histogram(
            "job_seconds", "Scheduled job runs", ["job"], registry=r, buckets=JOB_BUCKETS
        )
        self.http_request_seconds = Histogram(
            "http_request_seconds",
            "Admin app requests, by route pattern and status class",
            ["method", "route", "status"],
            registry=r,
            buckets=REQUEST_BUCKETS,
        )
        self.outbox_messages = Counter(
            "outbox_messages", "Outbox deliveries, by outcome", ["outcome"], registry=r
        )
        for outcome in OUTBOX_OUTCOMES:  # exported as 0 before the first delivery
            self.outbox_messages.labels(outcome=outcome)
        self.outbox_queue = Gauge(
            "outbox_queue_messages", "Outbox rows by state, read at scrape", ["state"], registry=r
        )

    def watch_cache(self, cache: CountsHits) -> None:
        self.registry.register(_CacheRequests(cache))

    def summary(self, skip_routes: tuple[str, ...] = ()) -> PerformanceSummary:
        """`skip_routes`: route prefixes left out of the HTTP figures (long polls, which wait
        by design and would make the p95 read like a slow panel). /metrics still has them."""
        # This counter's own samples: the registry's lookup would collect every metric.
        slow = next(
            (
                sample.value
                for family in self.db_slow_queries.collect()
                for sample in family.samples
                if sample.name == "db_slow_queries_total"
            ),
            0.0,
        )
        return PerformanceSummary(
            db=observed(self.db_query_seconds),
            http=observed(self.http_request_seconds, skip_routes),
            bot=observed(self.bot_update_seconds),
            slow_queries=int(slow),
        )

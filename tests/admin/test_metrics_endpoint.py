"""`/metrics` on a real SQLite storage: request, query and cache figures in Prometheus's text
format, the outbox queue read at scrape time, METRICS_TOKEN, and the dashboard's summary."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families

from admin.app import create_app
from admin.deps import AdminDeps
from admin.health import HealthSources
from admin.metrics import NOT_SUMMARISED
from core.clock import FrozenClock
from core.enums import AdminRole
from core.metrics import Metrics
from domain.messaging.texts import Catalog
from domain.organisation.accounts import create_admin
from runtime.sandbox_mode import SANDBOX_BOT_TOKEN, mount_sandbox
from sandbox.world import World
from scheduler.factory import SchedulerRunner
from storage.slow_queries import watch_slow_queries
from tests.admin.conftest import PASSWORD, Off, Panel
from tests.conftest import Storage
from tests.support.factories import NOW, make_city
from tests.support.languages import ENGLISH

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def _client(storage: Storage, aiohttp_client: Any, token: str = "") -> TestClient:
    metrics = Metrics()
    watch_slow_queries(storage.engine, threshold_ms=60_000, metrics=metrics)
    metrics.watch_cache(storage.cache)
    deps = AdminDeps(
        uow_factory=storage.uow,
        clock=FrozenClock(NOW),
        catalog=Catalog.load("ru"),
        secret_key="k" * 40,
        cache=storage.cache,
        metrics=metrics,
        metrics_token=token,
    )
    health = HealthSources(storage.engine, storage.cache, Off(), SchedulerRunner())
    # The dashboard's English (issue 21: the panel speaks the browser's language).
    client: TestClient = await aiohttp_client(create_app(health, deps), headers=ENGLISH)
    return client


async def _scrape(client: TestClient, **headers: str) -> Samples:
    response = await client.get("/metrics", headers=headers)
    assert response.status == 200
    assert response.content_type == "text/plain"
    samples: Samples = {}
    for family in text_string_to_metric_families(await response.text()):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def _total(samples: Samples, name: str, **labels: str) -> float:
    """Summed over every label set containing `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


async def test_requests_queries_cache_and_queue_are_exported(
    sqlite_storage: Storage, aiohttp_client: Any
) -> None:
    storage = sqlite_storage
    client = await _client(storage, aiohttp_client)
    async with storage.uow() as uow:
        city = await make_city(uow)
        due = {"kind": "t", "recipient_chat_id": 1, "payload": {}, "due_at": NOW, "dedupe_key": "k"}
        await uow.notifications.enqueue([due])
        await uow.commit()
    for _ in range(2):  # a miss, then a hit
        async with storage.uow() as uow:
            assert [c.id for c in await uow.cities.list_active()] == [city.id]
    assert (await client.get("/health")).status == 200
    for city_id in (1, 2):  # no bearer token: refused, under the route's pattern
        assert (await client.get(f"/api/v1/cities/{city_id}")).status == 401
    assert (await client.get("/no/such/page")).status == 404

    samples = await _scrape(client)
    count = "http_request_seconds_count"
    assert _value(samples, count, method="GET", route="/health", status="2xx") == 1
    assert _value(samples, count, method="GET", route="/api/v1/cities/{city_id}", status="4xx") == 2
    assert _value(samples, count, method="GET", route="unmatched", status="4xx") == 1
    assert not [ls for (n, ls) in samples if n == count and ("route", "/api/v1/cities/1") in ls]
    assert _value(samples, "db_query_seconds_count", operation="select") > 0
    assert _value(samples, "db_query_seconds_count", operation="insert") >= 2
    assert _value(samples, "db_slow_queries_total") == 0
    assert _value(samples, "cache_requests_total", result="miss") >= 1
    assert _value(samples, "cache_requests_total", result="hit") >= 1
    assert _value(samples, "outbox_queue_messages", state="due") == 1
    assert _value(samples, "outbox_messages_total", outcome="sent") == 0  # present before any


async def test_a_scrape_counts_itself_on_the_next_one(
    sqlite_storage: Storage, aiohttp_client: Any
) -> None:
    client = await _client(sqlite_storage, aiohttp_client)
    await _scrape(client)
    samples = await _scrape(client)
    assert _total(samples, "http_request_seconds_count", route="/metrics") == 1


async def test_with_a_token_set_only_its_bearer_may_scrape(
    sqlite_storage: Storage, aiohttp_client: Any
) -> None:
    client = await _client(sqlite_storage, aiohttp_client, token="scrape-me")
    assert (await client.get("/metrics")).status == 401
    wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status == 401
    assert wrong.headers["WWW-Authenticate"] == "Bearer"
    samples = await _scrape(client, Authorization="Bearer scrape-me")
    assert _total(samples, "http_request_seconds_count", route="/metrics", status="4xx") == 2


async def test_an_admin_sees_the_performance_summary_on_the_dashboard(
    sqlite_storage: Storage, aiohttp_client: Any
) -> None:
    client = await _client(sqlite_storage, aiohttp_client)
    async with sqlite_storage.uow() as uow:
        await create_admin(uow, "boss", PASSWORD, AdminRole.ADMIN)
    panel = Panel(client, sqlite_storage, 0, 0, 0, 0)
    await panel.login()
    page = await (await client.get("/")).text()
    assert 'id="performance"' in page
    assert 'id="perf-db">DB ' in page and " ms<" in page
    assert 'id="perf-db-count">0 queries' not in page
    assert 'id="perf-slow">0 slow' in page
    assert 'id="perf-http">HTTP p95 ' in page


async def test_the_dashboards_http_timings_leave_out_the_sandbox(
    sqlite_storage: Storage, aiohttp_client: Any
) -> None:
    """The sandbox's getUpdates long polls wait by design (8.9 s p95 in the report): the
    dashboard's HTTP figures leave out everything under the sandbox's mount; /metrics keeps it."""
    storage = sqlite_storage
    metrics = Metrics()
    deps = AdminDeps(
        uow_factory=storage.uow,
        clock=FrozenClock(NOW),
        catalog=Catalog.load("ru"),
        secret_key="k" * 40,
        metrics=metrics,
    )
    app = create_app(HealthSources(storage.engine, storage.cache, Off(), SchedulerRunner()), deps)
    mount_sandbox(app, World())
    client: TestClient = await aiohttp_client(app)
    assert (await client.get("/health")).status == 200
    assert (await client.get(f"/sandbox/bot{SANDBOX_BOT_TOKEN}/getMe")).status == 200
    assert metrics.summary().http.count == 2
    assert metrics.summary(NOT_SUMMARISED).http.count == 1

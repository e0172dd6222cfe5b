"""PostgreSQL stopped under the running application (a private server, never the shared one):
nothing that arrives meanwhile is lost, the API and the panel answer 503 with Retry-After, the
webhook 503 so Telegram delivers again, and all resumes once the database is back."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from core.settings import load_settings
from domain.organisation.api_tokens import TOKEN_PREFIX
from runtime.container import WEBHOOK_PATH
from storage import availability
from tests.e2e.conftest import E2E_NOW, RunningApp
from tests.support.languages import ENGLISH
from tests.support.private_services import PrivatePostgres
from tests.support.sandbox_client import Persona
from tests.support.waiting import eventually


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[PrivatePostgres]:
    """One private server for the module (initdb takes seconds); a database per test."""
    server = PrivatePostgres()
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture
async def database_url(postgres_server: PrivatePostgres) -> str:
    await asyncio.to_thread(postgres_server.start_if_stopped)
    name = f"outage_{uuid.uuid4().hex[:10]}"
    dsn = postgres_server.url.replace("postgresql+asyncpg://", "postgresql://")
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return postgres_server.url.rsplit("/", 1)[0] + f"/{name}"


async def _app(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **settings: object
) -> RunningApp:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(availability, "PROBE_INTERVAL_SECONDS", 0.1)
    running = RunningApp(
        load_settings(
            database_url=database_url,
            bot_token="",
            redis_url="",
            admin_port=0,
            **settings,
        ),
        aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), headers=ENGLISH),
        E2E_NOW,
    )
    await running.start()
    return running


@pytest.fixture
async def polling_app(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[RunningApp]:
    running = await _app(database_url, tmp_path, monkeypatch)
    try:
        yield running
    finally:
        await running.stop()
        await running.http.close()


@pytest.fixture
async def webhook_app(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[RunningApp]:
    running = await _app(
        database_url,
        tmp_path,
        monkeypatch,
        bot_mode="webhook",
        webhook_secret="s3cret-s3cret-s3cret",
    )
    try:
        yield running
    finally:
        await running.stop()
        await running.http.close()


async def _welcomed(persona: Persona) -> bool:
    return any(m["text"].startswith("Hello") for m in await persona.bot_messages())


async def _stop(server: PrivatePostgres) -> None:
    await asyncio.to_thread(server.stop)


async def _start(server: PrivatePostgres) -> None:
    await asyncio.to_thread(server.start)


async def test_updates_sent_while_the_database_is_away_are_handled_after_it_returns(
    polling_app: RunningApp, postgres_server: PrivatePostgres
) -> None:
    app = polling_app
    http = app.http
    ann = await app.sandbox.persona("Ann", language="en")
    await ann.start()
    await eventually(lambda: _welcomed(ann), "Ann is welcomed")

    await _stop(postgres_server)
    people = [await app.sandbox.persona(f"P{i}", language="en") for i in range(5)]
    for person in people:
        await person.start()
    # The first of them meets the outage; polling then takes no more until it ends.
    await eventually(lambda: not app.app.database.up, "the bot noticed the database is away")

    # The API and the panel say so, and when to try again.
    bearer = {"Authorization": f"Bearer {TOKEN_PREFIX}not-looked-up-yet"}
    async with http.get(app.url + "/api/v1/cities", headers=bearer) as r:
        assert r.status == 503
        assert r.headers["Retry-After"] == "5"
        body = await r.json()
        assert body["error"] == "unavailable"
    async with http.get(app.url + "/login") as r:
        page = await r.text()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    form = {"login": "someone", "password": "whatever", "csrf": csrf.group(1)}
    async with http.post(app.url + "/login", data=form) as r:
        assert r.status == 503
        assert r.headers["Retry-After"] == "5"
        assert "The database cannot be reached" in await r.text()
    async with http.get(app.url + "/health") as r:
        assert r.status == 503
        report = await r.json()
        assert report["database"]["ok"] is False
        assert report["status"] == "down"
    # Nobody was told "something went wrong": their updates wait, not fail.
    for person in people:
        assert await person.bot_messages() == []

    await _start(postgres_server)
    for person in people:
        await eventually(lambda p=person: _welcomed(p), f"persona {person.id} welcomed")
    await app.settled()
    assert all(app.handled[u] >= 1 for u in list(app.handled))
    async with app.app.uow_factory() as uow:
        for person in [ann, *people]:
            assert await uow.candidates.get_by_telegram_id(person.id) is not None
    for person in people:
        texts = [m["text"] for m in await person.bot_messages()]
        assert not any(t.startswith("Sorry") for t in texts), texts
    async with http.get(app.url + "/health") as r:
        assert r.status == 200


async def test_the_webhook_answers_503_while_the_database_is_away(
    webhook_app: RunningApp, postgres_server: PrivatePostgres
) -> None:
    app = webhook_app
    ann = await app.sandbox.persona("Ann", language="en")
    await ann.start()
    await eventually(lambda: _welcomed(ann), "Ann is welcomed")

    await _stop(postgres_server)
    bob = await app.sandbox.persona("Bob", language="en")
    await bob.start()  # taken, met the outage: held in the process
    await eventually(lambda: not app.app.database.up, "the bot noticed the database is away")
    update = {
        "update_id": 10**9,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 1, "type": "private"},
            "from": {"id": 1, "is_bot": False, "first_name": "X"},
            "text": "/start",
        },
    }
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-s3cret-s3cret"}
    async with app.http.post(app.url + WEBHOOK_PATH, json=update, headers=headers) as r:
        assert r.status == 503
        assert r.headers["Retry-After"] == "5"
    carl = await app.sandbox.persona("Carl", language="en")
    await carl.start()  # the sandbox, as Telegram, delivers it again until it is taken

    await _start(postgres_server)
    await eventually(lambda: _welcomed(bob), "Bob is welcomed")
    await eventually(lambda: _welcomed(carl), "Carl is welcomed")
    bot_info = await app.sandbox.get("bot")
    assert bot_info["webhook"] == app.url + WEBHOOK_PATH

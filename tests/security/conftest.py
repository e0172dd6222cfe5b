"""The security suite: each test repeats a probe of issue 16 against the panel as it runs (an
aiohttp test server on SQLite, and on PostgreSQL where the database matters).

`GatedHasher` stands in for argon2's PasswordHasher: it counts the checks, tells whether one
ran on the event loop's thread, and can hold every check until the test opens its gate (no
sleeps: the test waits on what it counts)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from argon2 import PasswordHasher

from admin.app import create_app
from admin.deps import AdminDeps
from admin.health import HealthSources
from core.clock import FrozenClock
from domain.messaging.texts import Catalog
from domain.organisation import accounts
from scheduler.factory import SchedulerRunner
from tests.admin.conftest import PASSWORD, Off, Panel, _accounts
from tests.conftest import Storage
from tests.support.factories import NOW, make_city, make_recruiter
from tests.support.languages import ENGLISH

__all__ = ["PASSWORD", "GatedHasher", "Panel", "csrf_of", "panel_on"]


@dataclass
class GatedHasher:
    real: PasswordHasher
    loop_thread: int = field(default_factory=threading.get_ident)
    gate: threading.Event = field(default_factory=threading.Event)
    verified: list[str] = field(default_factory=list)  # the hash each check was against
    on_loop: bool = False
    running: int = 0
    most_at_once: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.gate.set()

    def hash(self, password: str) -> str:
        return self.real.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        with self._lock:
            self.verified.append(password_hash)
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            if threading.get_ident() == self.loop_thread:
                self.on_loop = True  # held here, it would stop the loop: never wait
            else:
                assert self.gate.wait(timeout=120), "the test never opened the gate"
            return bool(self.real.verify(password_hash, password))
        finally:
            with self._lock:
                self.running -= 1

    @property
    def checks(self) -> int:
        return len(self.verified)


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> Iterator[GatedHasher]:
    assert accounts._hasher is not None  # the suite's cheap argon2 (tests/conftest.py)
    gated = GatedHasher(accounts._hasher)  # type: ignore[arg-type]
    monkeypatch.setattr(accounts, "_hasher", gated)
    yield gated
    gated.gate.set()  # let any check still held end


async def panel_on(storage: Storage, aiohttp_client: Any, **settings: Any) -> Panel:
    """The panel of tests/admin on this storage: "boss" (admin) and "rec" (recruiter, Anna's
    account in Kazan). `settings`: more AdminDeps fields (public_url)."""
    async with storage.uow() as uow:
        city = await make_city(uow, "Kazan")
        anna = await make_recruiter(uow, city, name="Anna")
        await uow.commit()
    await _accounts(storage, anna.id)
    deps = AdminDeps(
        uow_factory=storage.uow,
        clock=FrozenClock(NOW),
        catalog=Catalog.load("ru"),
        secret_key="k" * 40,
        cache=storage.cache,
        **settings,
    )
    health = HealthSources(storage.engine, storage.cache, Off(), SchedulerRunner())
    client: TestClient = await aiohttp_client(create_app(health, deps), headers=ENGLISH)
    return Panel(client, storage, city.id, city.id, anna.id, anna.id)


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, page
    return match.group(1)

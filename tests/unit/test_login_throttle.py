"""Failed panel logins: slowed, then refused, per login name and address."""

from __future__ import annotations

import pytest

from admin.panel import auth
from admin.panel.auth import MAX_FAILURES, LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(auth.time, "monotonic", fake)
    return fake


def test_failures_slow_then_lock_only_that_name_from_that_address(clock: Clock) -> None:
    throttle = LoginThrottle()
    assert throttle.delay("boss", "10.0.0.9") == 0.0
    for _ in range(MAX_FAILURES):
        assert not throttle.locked("boss", "10.0.0.9")
        throttle.failed("boss", "10.0.0.9")
    assert throttle.delay("boss", "10.0.0.9") > 0
    assert throttle.locked("boss", "10.0.0.9")
    assert not throttle.locked("boss", "192.168.1.5")  # the owner, elsewhere, still gets in
    assert not throttle.locked("anna", "10.0.0.9")
    clock.now += auth.LOCKOUT_SECONDS
    assert not throttle.locked("boss", "10.0.0.9")  # the lock wears off
    assert throttle.failures == {}  # and what it counted is forgotten


def test_a_success_clears_that_names_count(clock: Clock) -> None:
    throttle = LoginThrottle()
    for _ in range(MAX_FAILURES - 1):
        throttle.failed("boss", "10.0.0.9")
    throttle.succeeded("boss", "10.0.0.9")
    throttle.failed("boss", "10.0.0.9")
    assert not throttle.locked("boss", "10.0.0.9")

"""The hooks run after a commit (waking the outbox sender, the auto-messages run) cannot turn a
committed request into an error: one that fails is logged, and the others still run."""

from __future__ import annotations

import asyncio

import pytest
from structlog.testing import capture_logs

from runtime.container import _run_hooks


def test_a_failing_hook_is_logged_and_the_others_run() -> None:
    woken: list[set[str]] = []

    def broken(_written: set[str]) -> None:
        raise RuntimeError("the scheduler said no")

    with capture_logs() as logs:
        _run_hooks([broken, woken.append], {"auto_messages"})  # raises nothing
    assert woken == [{"auto_messages"}]
    assert [e["event"] for e in logs] == ["commit_hook.failed"]


def test_a_hook_s_cancellation_is_not_swallowed() -> None:
    def cancelled(_written: set[str]) -> None:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        _run_hooks([cancelled], {"notifications"})

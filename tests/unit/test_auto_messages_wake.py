"""When a commit wakes the auto-messages run: a save of an auto-message does; the run's own
writes do not (a trigger message is rewritten by every run: it would wake itself for ever); a
save during a run makes that run go round once more."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from scheduler import auto_messages_now
from scheduler.auto_messages_now import JOB_ID, AutoMessageWaker, run_due


class _Scheduler:
    running = True

    def __init__(self) -> None:
        self.planned: list[str] = []

    def add_job(self, func: Any, trigger: str, **kwargs: Any) -> None:
        self.planned.append(kwargs["id"])


def _waker(scheduler: _Scheduler) -> AutoMessageWaker:
    return AutoMessageWaker(scheduler, None, None)  # type: ignore[arg-type]


def test_a_save_plans_a_run_and_other_writes_do_not() -> None:
    scheduler = _Scheduler()
    waker = _waker(scheduler)
    waker.after_commit({"candidates", "notifications"})
    assert scheduler.planned == []
    waker.after_commit({"auto_messages"})
    assert scheduler.planned == [JOB_ID]


async def test_the_runs_own_writes_plan_nothing(monkeypatch: Any) -> None:
    scheduler = _Scheduler()
    waker = _waker(scheduler)

    async def a_run_that_saves(*_args: Any) -> int:
        waker.after_commit({"auto_messages"})  # marked running, then done
        return 1

    monkeypatch.setattr(auto_messages_now, "run_auto_messages", a_run_that_saves)
    messaging = SimpleNamespace(catalog=None, clock=None, rules=None)
    assert await run_due(None, messaging) == 1  # type: ignore[arg-type]
    assert scheduler.planned == []


async def test_a_save_during_a_run_makes_it_go_round_once_more(monkeypatch: Any) -> None:
    scheduler = _Scheduler()
    waker = _waker(scheduler)
    runs: list[int] = []

    async def run(*_args: Any) -> int:
        runs.append(1)
        if len(runs) == 1:
            waker.after_commit({"auto_messages"})  # another request saves one meanwhile
        return 0

    monkeypatch.setattr(auto_messages_now, "run_due", run)
    await waker.run()
    assert len(runs) == 2 and scheduler.planned == []


async def test_after_stop_no_run_is_planned_or_started(monkeypatch: Any) -> None:
    scheduler = _Scheduler()
    waker = _waker(scheduler)
    runs: list[int] = []

    async def run(*_args: Any) -> int:
        runs.append(1)
        return 0

    monkeypatch.setattr(auto_messages_now, "run_due", run)
    await waker.stop()
    waker.after_commit({"auto_messages"})
    await waker.run()  # a job planned before the stop
    assert scheduler.planned == [] and runs == []

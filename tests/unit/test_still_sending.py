"""When the broadcasts' page keeps asking for progress: a broadcast due and not yet run (for a
while), or messages not yet settled; never a paused one, nor one long due that queued nothing."""

from __future__ import annotations

from datetime import timedelta

from core.enums import AutoMessageKind, AutoMessageState
from domain.messaging.auto_messages import STILL_DUE, Progress, still_sending
from storage.models import AutoMessage
from tests.support.factories import NOW

NOTHING = Progress(queued=0, sent=0, failed=0, unreachable=0, pending=0)


def _broadcast(due_ago: timedelta, state: AutoMessageState) -> AutoMessage:
    return AutoMessage(
        name="News", kind=AutoMessageKind.BROADCAST, state=state, send_at=NOW - due_ago
    )


def test_a_due_broadcast_is_waited_for_a_while_then_not() -> None:
    scheduled = AutoMessageState.SCHEDULED
    assert still_sending(_broadcast(timedelta(minutes=1), scheduled), NOTHING, NOW)
    assert not still_sending(_broadcast(STILL_DUE + timedelta(seconds=1), scheduled), NOTHING, NOW)
    assert not still_sending(_broadcast(-timedelta(hours=1), scheduled), NOTHING, NOW)  # later
    paused = _broadcast(timedelta(minutes=1), AutoMessageState.PAUSED)
    assert not still_sending(paused, NOTHING, NOW)


def test_messages_not_yet_settled_are_waited_for() -> None:
    sending = Progress(queued=5, sent=2, failed=0, unreachable=0, pending=3)
    long_due = _broadcast(timedelta(hours=3), AutoMessageState.RUNNING)
    assert still_sending(long_due, sending, NOW)

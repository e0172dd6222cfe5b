"""The one slot rule, without a database: why a slot may not be added (or None)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from core.periods import period
from domain.scheduling.picker import BookingRules
from domain.scheduling.slots import SlotBeyondHorizon, SlotInPast, SlotOverlaps, refusal
from tests.support.factories import NOW

RULES = BookingRules(horizon=timedelta(days=14))
TEN = NOW + timedelta(days=6, hours=1)  # Mon 7 Dec 10:00 UTC
BUSY = [period(TEN, 30)]  # the recruiter's 10:00-10:30


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        (NOW, 30, SlotInPast),  # now has begun already
        (NOW - timedelta(minutes=1), 30, SlotInPast),
        (NOW + timedelta(minutes=1), 30, None),  # the notice is for candidates, not slots
        (NOW + RULES.horizon, 30, None),  # the horizon itself may still be booked
        (NOW + RULES.horizon + timedelta(minutes=1), 30, SlotBeyondHorizon),
        (TEN + timedelta(minutes=15), 30, SlotOverlaps),
        (TEN - timedelta(minutes=15), 30, SlotOverlaps),
        (TEN - timedelta(minutes=30), 30, None),  # ends as the other begins
        (TEN + timedelta(minutes=30), 30, None),  # begins as the other ends
        (TEN - timedelta(minutes=30), 90, SlotOverlaps),  # holds the other whole
    ],
)
def test_a_slot_is_refused_for_the_first_reason_that_applies(
    start: datetime, minutes: int, expected: type | None
) -> None:
    refused = refusal(start, minutes, now=NOW, rules=RULES, busy=BUSY)
    assert (type(refused) if refused is not None else None) is expected
    if refused is not None:
        assert refused.field == "starts_at"  # where the panel and the API put the reason

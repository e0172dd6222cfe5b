"""The dashboard's "today's interviews": today as each city's clocks read it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert

from core.enums import BookingStatus, SlotPurpose
from domain.reporting.dashboard import dashboard
from storage.models import Booking
from tests.conftest import Storage
from tests.support.factories import make_candidate, make_city, make_recruiter, make_slot

# 09:00 on 1 December in Vladivostok (UTC+10); still 30 November in Los Angeles (UTC-8).
NOW = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)


async def test_today_is_each_citys_own_date(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As many rows as today has: yesterday's (earlier) rows must not take their places.
    monkeypatch.setattr("domain.reporting.dashboard.TODAY_SHOWN", 2)
    plan = {
        # Vladivostok, 1 Dec local: 14:00 today; 30 Nov 20:00 local was yesterday.
        ("Asia/Vladivostok", datetime(2026, 12, 1, 4, 0, tzinfo=UTC)): True,
        ("Asia/Vladivostok", datetime(2026, 11, 30, 10, 0, tzinfo=UTC)): False,
        # Los Angeles, 30 Nov local: 17:00 today; 1 Dec 10:00 local is tomorrow there.
        ("America/Los_Angeles", datetime(2026, 12, 1, 1, 0, tzinfo=UTC)): True,
        ("America/Los_Angeles", datetime(2026, 12, 1, 18, 0, tzinfo=UTC)): False,
    }
    async with storage.uow() as uow:
        cities = {
            zone: await make_city(uow, timezone=zone)
            for zone in ("Asia/Vladivostok", "America/Los_Angeles")
        }
        recruiter = await make_recruiter(uow, *cities.values())
        for n, (zone, starts) in enumerate(plan):
            slot = await make_slot(uow, recruiter, cities[zone], starts)
            person = await make_candidate(uow, cities[zone], full_name=f"P{n}")
            await uow.session.execute(
                insert(Booking).values(
                    slot_id=slot.id,
                    candidate_id=person.id,
                    purpose=SlotPurpose.INTERVIEW,
                    status=BookingStatus.CONFIRMED,
                )
            )
        await uow.commit()
    async with storage.uow() as uow:
        figures = await dashboard(uow, NOW, None, None)
    shown = [(row["timezone"], row["starts_at"]) for row in figures.today]
    assert shown == sorted((key for key, today in plan.items() if today), key=lambda k: k[1])

"""The audience count before a broadcast is sent: exactly the people its run writes to (the
same filter, each person once, the blocked and the erased left out), and a refused audience
says which field is wrong."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from core.clock import FrozenClock
from core.enums import CandidateStatus
from core.result import Failure, Success
from domain.messaging.audience import count_audience
from domain.messaging.auto_messages import create_auto_message, run_auto_messages
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from storage.models import Notification
from tests.conftest import Storage
from tests.support.factories import make_candidate, make_city

NOON_MSK = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CATALOG = Catalog.load("ru")
S = CandidateStatus


async def _mixed(storage: Storage) -> dict[str, int]:
    """Two cities; people in several statuses, sources and registration days; a person who
    applied twice (both applications in the audience), one who blocked the bot, one erased, one
    met before consent was asked, one who declined it and one who has not answered yet."""
    async with storage.uow() as uow:
        kazan = await make_city(uow, timezone="Europe/Moscow")
        samara = await make_city(uow, timezone="Europe/Samara")

        async def person(city: Any, status: S, days_ago: int, **kw: object) -> int:
            created = NOON_MSK - timedelta(days=days_ago)
            made = await make_candidate(uow, city, status=status, created_at=created, **kw)
            return made.telegram_id

        await person(kazan, S.SCREENING_PASSED, 1, source="hh")
        await person(kazan, S.SCREENING_PASSED, 10, source="avito")
        await person(kazan, S.NO_SHOW, 3, source="hh")
        await person(kazan, S.NEW, 2)
        await person(samara, S.SCREENING_PASSED, 5, source="hh")
        await person(samara, S.HIRED, 40)
        twice = await person(kazan, S.SCREENING_PASSED, 4, source="hh", is_current=False)
        await person(kazan, S.NO_SHOW, 2, source="hh", telegram_id=twice)
        await person(kazan, S.SCREENING_PASSED, 1, source="hh", reachable=False)  # blocked
        await person(
            kazan,
            S.SCREENING_PASSED,
            1,
            source="hh",
            reachable=False,
            erased_at=NOON_MSK,
            full_name=None,
            telegram_id=-5,
        )
        await person(None, S.SCREENING_PASSED, 1, source="hh")  # no city yet
        # met before the bot asked for consent: written to (asked at the next contact)
        await person(kazan, S.SCREENING_PASSED, 1, source="hh", consent="prior")
        # declined, or not answered yet: never written to
        await person(kazan, S.SCREENING_PASSED, 1, source="hh", consent="declined")
        await person(kazan, S.NEW, 1, source="hh", consent=None)
        await uow.commit()
    return {"kazan": kazan.id, "samara": samara.id}


def _audiences(ids: dict[str, int]) -> list[tuple[dict[str, Any], int]]:
    """Audiences and the people each reaches, counted by hand from `_mixed`."""
    week_ago = (NOON_MSK - timedelta(days=7)).isoformat()
    return [
        ({}, 9),
        ({"city_ids": [ids["kazan"]]}, 6),
        ({"city_ids": [ids["kazan"]], "statuses": ["screening_passed"]}, 4),
        ({"statuses": ["screening_passed", "no_show"], "source": "hh"}, 6),
        ({"city_ids": [ids["kazan"], ids["samara"]], "registered_from": week_ago}, 6),
        ({"registered_to": week_ago}, 2),
        ({"city_ids": [ids["samara"]], "statuses": ["withdrawn"]}, 0),
    ]


@pytest.mark.parametrize("case", range(7))
async def test_the_count_is_the_number_of_messages_the_run_queues(
    storage: Storage, case: int
) -> None:
    ids = await _mixed(storage)
    audience, expected = _audiences(ids)[case]
    async with storage.uow() as uow:
        counted = await count_audience(uow, audience)
    assert counted == Success(expected)
    clock = FrozenClock(NOON_MSK)
    spec = {"name": "News", "kind": "broadcast", "text": "Hi {{ name }}", "audience": audience}
    async with storage.uow() as uow:
        assert isinstance(await create_auto_message(uow, CATALOG, spec, clock), Success)
    queued = await run_auto_messages(storage.uow, CATALOG, clock, BookingRules())
    async with storage.uow() as uow:
        rows = (await uow.session.execute(select(func.count()).select_from(Notification))).scalar()
    assert queued == rows == expected


@pytest.mark.parametrize(
    ("audience", "field"),
    [
        ({"statuses": ["nope"]}, "audience.statuses"),
        ({"city_ids": ["x"]}, "audience.city_ids"),
        ({"registered_from": "yesterday"}, "audience.registered_from"),
        ([1, 2], "audience"),
        ({"source": ["hh"]}, "audience.source"),
        (
            {"registered_from": "2026-12-10", "registered_to": "2026-12-01"},
            "audience.registered_to",
        ),
    ],
)
async def test_a_wrong_audience_is_refused_by_field(
    storage: Storage, audience: Any, field: str
) -> None:
    async with storage.uow() as uow:
        counted = await count_audience(uow, audience)
    assert isinstance(counted, Failure)
    assert counted.error.field == field

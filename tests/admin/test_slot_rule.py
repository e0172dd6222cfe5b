"""The panel and the API keep the one slot rule, as the recruiter's chat does (tests/bot/
test_recruiter_slots.py): no slot overlapping another of the recruiter's in any city, none in
the past, none beyond the booking horizon; a series skips such times and counts them.

Anna serves Kazan (UTC+3) and Samara (UTC+4) and already has Mon 7 Dec 10:00-10:30 in Kazan
(07:00 UTC). The clock stands at Tue 1 Dec 09:00 UTC; the horizon is 14 days (15 Dec 09:00)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from storage.models import City, Recruiter, Slot
from tests.admin.conftest import Panel, bearer
from tests.conftest import Storage
from tests.support.factories import NOW, make_city, make_slot

Api = tuple[TestClient, Storage, dict[str, str]]
HORIZON = NOW + timedelta(days=14)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


async def _serve_samara_too(storage: Storage, recruiter_id: int, samara_id: int | None) -> int:
    """Anna also serves Samara (made here when there is none yet), and has her Kazan slot."""
    async with storage.uow() as uow:
        stmt = select(Recruiter).where(Recruiter.id == recruiter_id)
        anna = (await uow.session.scalars(stmt.options(selectinload(Recruiter.cities)))).one()
        kazan = anna.cities[0]
        samara = (
            await uow.session.get(City, samara_id)
            if samara_id is not None
            else await make_city(uow, "Samara", timezone="Europe/Samara")
        )
        assert samara is not None
        anna.cities.append(samara)
        await make_slot(uow, anna, kazan, utc(12, 7, 7))
        await uow.commit()
        return samara.id


async def _starts(storage: Storage, recruiter_id: int) -> list[datetime]:
    async with storage.uow() as uow:
        stmt = select(Slot.starts_at).where(Slot.recruiter_id == recruiter_id)
        return sorted(s.replace(tzinfo=UTC) for s in (await uow.session.scalars(stmt)).all())


# The API


async def test_the_api_refuses_one_slot_over_another_in_either_city(api: Api) -> None:
    client, storage, tokens = api
    samara = await _serve_samara_too(storage, 1, None)
    boss = bearer(tokens["boss"])
    for city_id in (1, samara):  # 10:15 in Kazan, 11:15 in Samara: inside 10:00-10:30 MSK
        body = {"recruiter_id": 1, "city_id": city_id, "starts_at": utc(12, 7, 7, 15).isoformat()}
        response = await client.post("/api/v1/slots", json=body, headers=boss)
        assert response.status == 422
        problem = await response.json()
        assert problem["field"] == "starts_at"
        assert "already has a slot" in problem["error"]
    assert await _starts(storage, 1) == [utc(12, 7, 7)]


async def test_the_api_refuses_a_slot_in_the_past_or_beyond_the_horizon(api: Api) -> None:
    client, storage, tokens = api
    boss = bearer(tokens["boss"])
    for starts_at, reason in (
        (NOW - timedelta(minutes=15), "must be in the future"),
        (HORIZON + timedelta(minutes=15), "beyond the booking horizon"),
    ):
        body = {"recruiter_id": 1, "city_id": 1, "starts_at": starts_at.isoformat()}
        response = await client.post("/api/v1/slots", json=body, headers=boss)
        assert response.status == 422
        problem = await response.json()
        assert problem["field"] == "starts_at" and reason in problem["error"]
    assert await _starts(storage, 1) == []
    body = {"recruiter_id": 1, "city_id": 1, "starts_at": HORIZON.isoformat()}
    assert (await client.post("/api/v1/slots", json=body, headers=boss)).status == 201


def _series(city_id: int, start: str, end: str, first: str, last: str) -> dict[str, Any]:
    return {
        "recruiter_id": 1,
        "city_id": city_id,
        "weekdays": [0, 1, 2, 3, 4, 5, 6],
        "start": start,
        "end": end,
        "step_minutes": 30,
        "first_day": first,
        "last_day": last,
    }


async def test_the_api_series_skips_overlapping_and_too_distant_times_and_counts_them(
    api: Api,
) -> None:
    client, storage, tokens = api
    samara = await _serve_samara_too(storage, 1, None)
    boss = bearer(tokens["boss"])
    # 11:15 in Samara is 10:15 in Kazan: skipped; 11:45 is clear.
    overlapping = _series(samara, "11:15", "12:15", "2026-12-07", "2026-12-07")
    preview = await client.post("/api/v1/slots/series/preview", json=overlapping, headers=boss)
    plan = await preview.json()
    assert (plan["count"], plan["skipped"], plan["beyond_horizon"]) == (1, 1, 0)
    # 10:00 in Kazan on 14, 15 and 16 Dec: the 16th lies beyond the horizon.
    distant = _series(1, "10:00", "10:30", "2026-12-14", "2026-12-16")
    preview = await client.post("/api/v1/slots/series/preview", json=distant, headers=boss)
    plan = await preview.json()
    assert (plan["count"], plan["skipped"], plan["beyond_horizon"]) == (2, 0, 1)
    # Wholly past: nothing.
    past = _series(1, "10:00", "12:00", "2026-11-23", "2026-11-29")
    preview = await client.post("/api/v1/slots/series/preview", json=past, headers=boss)
    assert (await preview.json())["count"] == 0
    for body, created in ((overlapping, 1), (distant, 2), (past, 0)):
        response = await client.post("/api/v1/slots/series", json=body, headers=boss)
        assert response.status == 201 and (await response.json())["created"] == created
    assert await _starts(storage, 1) == [
        utc(12, 7, 7),
        utc(12, 7, 7, 45),
        utc(12, 14, 7),
        utc(12, 15, 7),
    ]


# The panel


def _error(page: str, field: str) -> str:
    match = re.search(rf'<div class="error" id="{field}-error">([^<]*)</div>', page)
    assert match, f"no error next to {field}"
    return match.group(1)


def _one(panel: Panel, city_id: int, day: str, time: str) -> dict[str, Any]:
    return {
        "recruiter_id": panel.anna_id,
        "city_id": city_id,
        "day": day,
        "start_time": time,
        "duration_minutes": "30",
        "purpose": "interview",
    }


async def test_the_panel_refuses_one_slot_over_another_in_either_city(panel: Panel) -> None:
    await _serve_samara_too(panel.storage, panel.anna_id, panel.samara_id)
    await panel.login()
    for city_id, time in ((panel.kazan_id, "10:15"), (panel.samara_id, "11:15")):
        fields = _one(panel, city_id, "2026-12-07", time)
        response = await panel.post("/slots", fields, allow_redirects=False)
        assert response.status == 422
        assert "already has a slot" in _error(await response.text(), "start_time")
    assert await _starts(panel.storage, panel.anna_id) == [utc(12, 7, 7)]


async def test_the_panel_refuses_a_slot_in_the_past_or_beyond_the_horizon(panel: Panel) -> None:
    await panel.login()
    for day, time, reason in (
        ("2026-12-01", "11:45", "must be in the future"),  # 08:45 UTC
        ("2026-12-15", "12:15", "beyond the booking horizon"),  # 09:15 UTC
    ):
        fields = _one(panel, panel.kazan_id, day, time)
        response = await panel.post("/slots", fields, allow_redirects=False)
        assert response.status == 422
        assert reason in _error(await response.text(), "start_time")
    assert await _starts(panel.storage, panel.anna_id) == []


def _panel_series(panel: Panel, city_id: int, start: str, end: str, first: str, last: str) -> Any:
    values = {
        "recruiter_id": panel.anna_id,
        "city_id": city_id,
        "start": start,
        "end": end,
        "step_minutes": "30",
        "first_day": first,
        "last_day": last,
        "duration_minutes": "30",
        "purpose": "interview",
        "action": "preview",
    }
    return [*(("weekdays", str(d)) for d in range(7)), *values.items()]


async def test_the_panel_series_skips_overlapping_and_too_distant_times_and_counts_them(
    panel: Panel,
) -> None:
    await _serve_samara_too(panel.storage, panel.anna_id, panel.samara_id)
    await panel.login()
    overlapping = _panel_series(
        panel, panel.samara_id, "11:15", "12:15", "2026-12-07", "2026-12-07"
    )
    page = await (await panel.post("/slots/series", overlapping)).text()
    assert '<strong id="preview-count">1</strong>' in page
    assert '<span id="preview-skipped">1</span>' in page
    assert "preview-beyond-horizon" not in page
    distant = _panel_series(panel, panel.kazan_id, "10:00", "10:30", "2026-12-14", "2026-12-16")
    page = await (await panel.post("/slots/series", distant)).text()
    assert '<strong id="preview-count">2</strong>' in page
    assert '<span id="preview-beyond-horizon">1</span>' in page
    assert "candidates book at most 14 days ahead" in page
    created = [(n, "create" if n == "action" else v) for n, v in distant]
    response = await panel.post("/slots/series", created, allow_redirects=False)
    assert response.status == 303
    assert await _starts(panel.storage, panel.anna_id) == [
        utc(12, 7, 7),
        utc(12, 14, 7),
        utc(12, 15, 7),
    ]
